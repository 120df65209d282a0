"""The content store and the catalog (issue 12): building a catalog, publishing a release.

- catalog_reload_ms: build the bundled course's catalog from its files (parse, check, render,
  sanitise, quizzes): what every process pays once per new release. Baseline in the same run:
  markdown_render_ms, Python-Markdown and nh3 alone over the same files' text (the floor of any
  loader that renders); catalog_reload_ratio = catalog_reload_ms / markdown_render_ms.
- catalog_reload_ms_large: the same for a generated course of 100 modules (5 lessons each)
  and 2,000 questions (one 20-question quiz per module), both languages: target <= 2000 ms.
  catalog_reload_ratio_large against its own markdown baseline.
- publish_ms: a one-line change to the bundled course saved and published through the services
  (as the editor's publish does), measured until a second process, a gunicorn worker with the
  default CONTENT_CHECK_SECONDS, serves the changed lesson. Median of 5; it includes the wait
  for that worker's next look (0 to CONTENT_CHECK_SECONDS). publish_ratio = publish_ms /
  catalog_reload_ms (how many catalog builds the whole round costs).
"""

from __future__ import annotations

import os
import statistics
import time
import urllib.request
from pathlib import Path

from bench.harness import ROOT, app_env, figure, gunicorn, temporary_instance

ROUNDS = int(os.environ.get("BENCH_CATALOG_ROUNDS", "5"))
LESSON_URL = "/modules/what-is-trafficking/three-elements"
MODULE = "content/modules/01-what-is-trafficking.uk.md"


def large_course(modules: int = 100, lessons: int = 5, questions: int = 20) -> dict[str, bytes]:
    """A generated course: `modules` modules of `lessons` lessons, one quiz of `questions` each."""
    files: dict[str, bytes] = {}
    paragraph = (
        "A paragraph of lesson text with **bold** words, a [link](https://example.org) and a list:\n\n"
        "- first point of the list\n- second point of the list\n- third point\n\n"
    )
    for number in range(1, modules + 1):
        module_id = f"module-{number:03d}"
        for lang in ("uk", "en"):
            body = "".join(f"## Lesson {j} {{#lesson-{j}}}\n\n{paragraph * 6}" for j in range(1, lessons + 1))
            header = f"---\nid: {module_id}\norder: {number}\ntitle: Module {number}\n"
            header += "summary: Summary.\nminutes: 20\n---\n"
            files[f"content/modules/{number:03d}-{module_id}.{lang}.md"] = f"{header}\nIntro.\n\n{body}".encode()
            files[f"quizzes/{module_id}-quiz.{lang}.md"] = _quiz(module_id, questions, lang).encode()
    return files


def _quiz(module_id: str, questions: int, lang: str) -> str:
    header = f"---\nid: {module_id}-quiz\nmodule: {module_id}\ntitle: Quiz {lang}\n---\n\nAnswer.\n\n"
    items = []
    for k in range(questions):
        items.append(
            f"## Question {k} about the lesson? {{#{module_id}-q{k} type=single}}\n\n"
            f"- [x] The right answer {k} {{#a}}\n  Right: see [the lesson](lesson:{module_id}/lesson-1).\n"
            f"- [ ] A wrong answer {k} {{#b}}\n  Wrong: see [the lesson](lesson:{module_id}/lesson-1).\n"
            f"- [ ] Another wrong one {k} {{#c}}\n  Wrong: see [the lesson](lesson:{module_id}/lesson-2).\n\n"
        )
    return header + "".join(items)


def _best_ms(make, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        make()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def _markdown_floor(files: dict[str, bytes]) -> float:
    from course.markdown import render_markdown

    texts = [data.decode() for path, data in files.items() if path.endswith(".md")]
    return _best_ms(lambda: [render_markdown(text) for text in texts])


def catalog_figures() -> float:
    from course.content.catalog import build_catalog_from_files
    from course.content.files import read_course_files

    bundled = read_course_files(ROOT / "content", ROOT / "quizzes")
    cold_start = time.perf_counter()
    assert not build_catalog_from_files(bundled).problems
    figure("catalog_reload_ms_first", (time.perf_counter() - cold_start) * 1000)
    reload_ms = _best_ms(lambda: build_catalog_from_files(bundled))
    floor = _markdown_floor(bundled)
    figure("catalog_reload_ms", reload_ms)
    figure("markdown_render_ms", floor)
    figure("catalog_reload_ratio", reload_ms / floor)
    large = large_course()
    catalog = build_catalog_from_files(large)
    assert not catalog.problems, catalog.problems[:3]
    assert sum(len(q.questions) for q in catalog.quizzes.values()) == 2000
    large_ms = _best_ms(lambda: build_catalog_from_files(large), rounds=3)
    large_floor = _markdown_floor(large)
    figure("catalog_reload_ms_large", large_ms)
    figure("markdown_render_ms_large", large_floor)
    figure("catalog_reload_ratio_large", large_ms / large_floor)
    return reload_ms


def publish_figures(reload_ms: float) -> None:
    with temporary_instance() as instance:
        env = app_env(instance)
        app = _migrated_app(env)
        with gunicorn("wsgi:app", {**env, "CONTENT_CHECK_SECONDS": "2"}) as url:
            _page(url)
            times = [_publish_once(app, url, n) for n in range(ROUNDS)]
    publish_ms = statistics.median(times)
    figure("publish_ms", publish_ms)
    figure("publish_ms_max", max(times))
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


def _publish_once(app, url: str, number: int) -> float:
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
    while marker not in _page(url):
        if time.perf_counter() - start > 30:
            raise RuntimeError("the second process never served the release")
        time.sleep(0.02)
    return (time.perf_counter() - start) * 1000


def _page(url: str) -> str:
    with urllib.request.urlopen(url + LESSON_URL, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def run() -> None:
    os.chdir(Path(ROOT))
    reload_ms = catalog_figures()
    publish_figures(reload_ms)


if __name__ == "__main__":
    run()
