"""The content store and the catalog (issue 12): building a catalog, publishing a release.

- catalog_reload_ms: build the bundled course's catalog from its files as a serving process
  loads a release (parse, every check, render and sanitise lessons and questions; quiz
  feedback rendered on first read, course/quizzes/deferred.py) with no converted text
  remembered: a process's first build (best of 5). catalog_reload_ms_one_file_changed: the
  rebuild each process makes when a release changes one file (converted texts of the others
  are remembered, course/markdown.py). catalog_check_ms: the same files checked as `content
  check` and publishing do, every text rendered now. Baseline in the same run:
  markdown_render_ms, Python-Markdown and nh3 called plainly once per whole file;
  catalog_reload_ratio = catalog_reload_ms / markdown_render_ms, catalog_check_ratio likewise.
- catalog_reload_ms_large (and _one_file_changed, ratio): the same for a generated course of
  100 modules (5 lessons each) and 2,000 questions (one 20-question quiz per module), both
  languages, every text different: target <= 2000 ms.
- publish_ms: a one-line change to the bundled course saved and published through the services
  (as the editor's publish does), measured until a second process, a gunicorn worker with the
  default CONTENT_CHECK_SECONDS, serves the changed lesson. Median of 9 rounds, each started
  at a random moment of that worker's check cycle (a fixed seed), so it includes the wait for
  the worker's next look (0 to CONTENT_CHECK_SECONDS) as an admin would see it;
  publish_commit_ms: until the release is committed (the editor's answer). publish_ratio =
  publish_ms / catalog_reload_ms (how many catalog builds the whole round costs).
"""

from __future__ import annotations

import os
import random
import statistics
import time
import urllib.request
from pathlib import Path

from bench.harness import ROOT, app_env, figure, gunicorn, temporary_instance

ROUNDS = int(os.environ.get("BENCH_CATALOG_ROUNDS", "5"))
PUBLISH_ROUNDS = int(os.environ.get("BENCH_PUBLISH_ROUNDS", "9"))
CHECK_SECONDS = 2.0  # the second process's CONTENT_CHECK_SECONDS (the default)
PHASES = random.Random(12)  # the same moments in every run
LESSON_URL = "/modules/what-is-trafficking/three-elements"
MODULE = "content/modules/01-what-is-trafficking.uk.md"


def large_course(modules: int = 100, lessons: int = 5, questions: int = 20) -> dict[str, bytes]:
    """A generated course: `modules` modules of `lessons` lessons, one quiz of `questions` each.
    Every text is different (numbered), as in a real course: no memo helps a first build."""
    files: dict[str, bytes] = {}
    for number in range(1, modules + 1):
        module_id = f"module-{number:03d}"
        for lang in ("uk", "en"):
            body = "".join(_lesson(number, j, lang) for j in range(1, lessons + 1))
            header = f"---\nid: {module_id}\norder: {number}\ntitle: Module {number}\n"
            header += "summary: Summary.\nminutes: 20\n---\n"
            path = f"content/modules/{number:03d}-{module_id}.{lang}.md"
            files[path] = f"{header}\nIntro {number}.\n\n{body}".encode()
            files[f"quizzes/{module_id}-quiz.{lang}.md"] = _quiz(module_id, questions, lang).encode()
    return files


def _lesson(module: int, lesson: int, lang: str) -> str:
    paragraphs = "".join(
        f"Paragraph {p} of lesson {lesson} in module {module} ({lang}) with **bold** words and a "
        f"[link](https://example.org/{module}/{lesson}/{p}):\n\n- first point {p}\n- second point {p}\n\n"
        for p in range(6)
    )
    return f"## Lesson {lesson} {{#lesson-{lesson}}}\n\n{paragraphs}"


def _quiz(module_id: str, questions: int, lang: str) -> str:
    header = f"---\nid: {module_id}-quiz\nmodule: {module_id}\ntitle: Quiz {lang}\n---\n\nAnswer.\n\n"
    items = []
    for k in range(questions):
        link = f"lesson:{module_id}/lesson-{k % 5 + 1}"
        items.append(
            f"## Question {k} about the lesson ({lang})? {{#{module_id}-q{k} type=single}}\n\n"
            f"- [x] The right answer {k} {{#a}}\n  Right: see [the lesson]({link}), point {k}.\n"
            f"- [ ] A wrong answer {k} {{#b}}\n  Wrong: see [the lesson]({link}), point {k}.\n"
            f"- [ ] Another wrong one {k} {{#c}}\n  Wrong: *not* this, see [the lesson]({link}), {k}.\n\n"
        )
    return header + "".join(items)


def _best_ms(make, rounds: int = ROUNDS, before=lambda: None) -> float:
    times = []
    for _ in range(rounds):
        before()
        start = time.perf_counter()
        make()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def _markdown_floor(files: dict[str, bytes]) -> float:
    """Python-Markdown and nh3 as a plain script would call them, once per whole file."""
    import markdown as md
    import nh3

    texts = [data.decode() for path, data in files.items() if path.endswith(".md")]
    return _best_ms(lambda: [nh3.clean(md.markdown(text, extensions=["tables", "def_list"])) for text in texts], 3)


def _one_changed(files: dict[str, bytes]) -> dict[str, bytes]:
    path = next(p for p in sorted(files) if p.startswith("content/modules/"))
    return {**files, path: files[path].replace(b"\n## ", b"\nOne new line.\n\n## ", 1)}


def _figures(name: str, files: dict[str, bytes], rounds: int) -> float:
    from course.content.catalog import build_catalog_from_files
    from course.markdown import forget_converted

    def served(course: dict[str, bytes]):
        return build_catalog_from_files(course, feedback_later=True)

    catalog = build_catalog_from_files(files)
    assert not catalog.problems, catalog.problems[:3]
    cold = _best_ms(lambda: served(files), rounds, before=forget_converted)
    checked = _best_ms(lambda: build_catalog_from_files(files), rounds, before=forget_converted)
    changed = _one_changed(files)
    warm = _best_ms(lambda: served(changed), rounds, before=lambda: served(files))
    floor = _markdown_floor(files)
    figure(f"catalog_reload_ms{name}", cold)
    figure(f"catalog_reload_ms{name}_one_file_changed", warm)
    figure(f"catalog_check_ms{name}", checked)
    figure(f"markdown_render_ms{name}", floor)
    figure(f"catalog_reload_ratio{name}", cold / floor)
    figure(f"catalog_check_ratio{name}", checked / floor)
    return cold


def catalog_figures() -> float:
    """First builds (no converted text remembered) and rebuilds after a one-file change."""
    from course.content.files import read_course_files

    reload_ms = _figures("", read_course_files(ROOT / "content", ROOT / "quizzes"), ROUNDS)
    large = large_course()
    _figures("_large", large, 2)
    return reload_ms


def publish_figures(reload_ms: float) -> None:
    with temporary_instance() as instance:
        env = app_env(instance)
        app = _migrated_app(env)
        with gunicorn("wsgi:app", {**env, "CONTENT_CHECK_SECONDS": str(CHECK_SECONDS)}) as url:
            _page(url)
            rounds = []
            for number in range(PUBLISH_ROUNDS):
                # An admin publishes at any moment of the worker's check cycle, not just after a
                # look (which a loop of back-to-back rounds would always hit: the slowest case).
                time.sleep(PHASES.uniform(0, CHECK_SECONDS))
                rounds.append(_publish_once(app, url, number))
    times = [total for total, _ in rounds]
    publish_ms = statistics.median(times)
    figure("publish_ms", publish_ms)
    figure("publish_ms_max", max(times))
    figure("publish_commit_ms", statistics.median(commit for _, commit in rounds))
    figure("publish_ratio", publish_ms / reload_ms)


def _migrated_app(env: dict[str, str]):
    os.environ.update(env)
    from flask_migrate import upgrade

    from course import create_app
    from course.authoring import services
    from course.content.files import read_course_files
    from course.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        services.seed_release(db.session, read_course_files(ROOT / "content", ROOT / "quizzes"))
        db.session.commit()
    return app


def _publish_once(app, url: str, number: int) -> tuple[float, float]:
    """End to end until the second process serves the change, and until the commit."""
    from course.authoring import services
    from course.extensions import db

    marker = f"Зміна номер {number} для вимірювання."
    start = time.perf_counter()
    with app.app_context():
        current = services.head(db.session, MODULE)
        lines = current.data.decode().split("\n")  # one paragraph more after the lesson's heading
        at = next(i for i, line in enumerate(lines) if line.startswith("## ") and "{#three-elements}" in line)
        lines.insert(at + 1, f"\n{marker}")
        data = "\n".join(lines).encode()
        services.save_revision(db.session, MODULE, data, author_id=None, base_revision_id=current.id)
        services.publish(db.session, author_id=None, message=f"bench {number}")
        db.session.commit()
    committed = time.perf_counter()
    while marker not in _page(url):
        if time.perf_counter() - start > 30:
            raise RuntimeError("the second process never served the release")
        time.sleep(0.02)
    return (time.perf_counter() - start) * 1000, (committed - start) * 1000


def _page(url: str) -> str:
    with urllib.request.urlopen(url + LESSON_URL, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def run() -> None:
    os.chdir(Path(ROOT))
    reload_ms = catalog_figures()
    publish_figures(reload_ms)


if __name__ == "__main__":
    run()
