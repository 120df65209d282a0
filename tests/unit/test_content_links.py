"""Relative Markdown links between course files resolve to learner pages, or are reported."""

from __future__ import annotations

import shutil
from pathlib import Path

from course.content.catalog import build_catalog

COURSE = Path(__file__).resolve().parents[1] / "data" / "course"
LINKS = (
    "Links: [next module](02-next.en.md), [its lesson](02-next.uk.md#only), "
    "[glossary](../pages/glossary.uk.md#consent), [second](01-basics.en.md#second), "
    "[a site](https://example.org/guide.md)."
)


def _course(tmp_path: Path, extra: str = LINKS, lang: str = "en") -> Path:
    root = tmp_path / "course"
    shutil.copytree(COURSE, root)
    module = root / "modules" / f"01-basics.{lang}.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(f"{text.rstrip()}\n\n{extra}\n", "utf-8")  # at the end of the second lesson
    return root


def _second_lesson_html(catalog, lang: str = "en") -> str:
    return catalog.module("basics").lesson("second").html[lang]


def test_relative_links_to_course_files_resolve_to_learner_pages(tmp_path):
    root = _course(tmp_path)
    catalog = build_catalog(root, root / "quizzes")
    assert catalog.problems == ()
    html = _second_lesson_html(catalog)
    assert 'href="/modules/next-steps"' in html  # the module page, whichever language is linked
    assert 'href="/modules/next-steps/only"' in html  # `#lesson-id` names the lesson
    assert 'href="/pages/glossary#consent"' in html
    assert 'href="/modules/basics/second"' in html
    assert 'href="https://example.org/guide.md"' in html  # external links are left alone


def test_a_link_to_a_missing_file_is_reported_with_file_and_line(tmp_path):
    root = _course(tmp_path, "See [the third module](03-missing.en.md) and [old](../pages/glosary.uk.md).")
    catalog = build_catalog(root, root / "quizzes")
    path = root / "modules" / "01-basics.en.md"
    line = (
        path.read_text(encoding="utf-8")
        .split("\n")
        .index("See [the third module](03-missing.en.md) and [old](../pages/glosary.uk.md).")
        + 1
    )
    found = sorted(str(p) for p in catalog.problems if p.path == str(path))
    assert found == [
        f"{path}:{line}: the link '../pages/glosary.uk.md' points to a course file that does not exist",
        f"{path}:{line}: the link '03-missing.en.md' points to a course file that does not exist",
    ]
    assert catalog.module("basics") is None  # learners never meet the dead link


def test_a_link_to_a_lesson_that_is_not_in_the_module_is_reported(tmp_path):
    root = _course(tmp_path, "[gone](02-next.en.md#no-such-lesson)", lang="uk")
    catalog = build_catalog(root, root / "quizzes")
    in_module = [p for p in catalog.problems if p.path.endswith("01-basics.uk.md")]
    assert [p.render() for p in in_module] == [
        "the link '02-next.en.md#no-such-lesson' names '#no-such-lesson', which is not a lesson of that module"
    ]


def test_quiz_feedback_may_link_to_a_module_file(tmp_path):
    root = _course(tmp_path, "")
    quiz = root / "quizzes" / "basics.en.md"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace("[S15].", "[S15]. See [module 2](../modules/02-next.en.md#only).", 1), "utf-8")
    catalog = build_catalog(root, root / "quizzes")
    assert catalog.problems == ()
    html = catalog.quizzes["basics-quiz"].question("q-elements").option("smuggling").feedback_html["en"]
    assert 'href="/modules/next-steps/only"' in html
    quiz.write_text(text.replace("[S15].", "[S15]. See [module 9](../modules/09-none.en.md).", 1), "utf-8")
    catalog = build_catalog(root, root / "quizzes")
    assert ["points to no module file" in p.render() for p in catalog.problems] == [True]
