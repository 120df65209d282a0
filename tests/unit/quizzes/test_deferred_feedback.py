"""Quiz feedback rendered on first read when a process loads a course to serve it (issue 12,
catalog_reload_ms_large), and rendered at once, problems listed, when the course is checked."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from course.content.catalog import build_catalog_from_files
from course.content.files import read_course_files
from course.quizzes import build
from course.quizzes.deferred import RenderedLater

ROOT = Path(__file__).parents[3]
TEST_COURSE = ROOT / "tests" / "data" / "course"
BROKEN_FEEDBACK = "the offer was false"  # in an option's feedback of tests/data/course/quizzes/basics.en.md


def _bundled() -> dict[str, bytes]:
    return read_course_files(ROOT / "content", ROOT / "quizzes")


def _every_feedback(catalog):
    for quiz in catalog.quizzes.values():
        for question in quiz.questions:
            yield f"{quiz.id}/{question.id}", question.general_feedback_html
            for option in question.options:
                yield f"{quiz.id}/{question.id}/{option.id}", option.feedback_html


def test_a_served_catalog_shows_learners_the_same_feedback_as_a_checked_one():
    """Every option's and question's feedback in the bundled course, in both languages."""
    files = _bundled()
    served = dict(_every_feedback(build_catalog_from_files(files, feedback_later=True)))
    checked = dict(_every_feedback(build_catalog_from_files(files)))
    assert served.keys() == checked.keys() and len(served) > 100
    for key, texts in served.items():
        assert isinstance(texts, RenderedLater)
        assert set(texts) == {"uk", "en"} == set(checked[key])
        assert {lang: texts[lang] for lang in texts} == dict(checked[key]), key


def test_served_feedback_waits_for_its_first_reader_and_is_kept(monkeypatch):
    files = read_course_files(TEST_COURSE, TEST_COURSE / "quizzes")
    rendered: list[str] = []
    real = build.render_markdown

    def counting(text, *args, **kwargs):
        rendered.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(build, "render_markdown", counting)
    catalog = build_catalog_from_files(files, feedback_later=True)
    assert not any(BROKEN_FEEDBACK in text for text in rendered)  # loaded: not rendered yet
    feedback = next(texts for key, texts in _every_feedback(catalog) if key.endswith("/deception"))
    html = feedback["en"]
    assert "the offer was false" in html and html.startswith("<p>")
    assert feedback["en"] == html and sum(BROKEN_FEEDBACK in text for text in rendered) == 1  # kept


def _crash_on(text_part: str, monkeypatch) -> None:
    """Stand in for a text the Markdown library cannot render (it raises, as on very deep input)."""
    real = build.render_markdown

    def crashing(text, *args, **kwargs):
        if text_part in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(build, "render_markdown", crashing)


def test_checking_the_course_lists_feedback_that_cannot_be_rendered_with_file_and_line(monkeypatch):
    _crash_on(BROKEN_FEEDBACK, monkeypatch)
    catalog = build_catalog_from_files(read_course_files(TEST_COURSE, TEST_COURSE / "quizzes"))
    found = [p for p in catalog.problems if "could not be rendered" in p.message]
    assert [(p.path, p.line, p.params) for p in found] == [  # the test course's uk file has the same text
        ("quizzes/basics.en.md", 24, {"error": "RecursionError"}),
        ("quizzes/basics.uk.md", 24, {"error": "RecursionError"}),
    ]
    assert "basics" not in catalog.quizzes  # never served half-rendered


def test_served_feedback_that_cannot_be_rendered_is_left_out_and_logged_not_a_crash(monkeypatch, caplog):
    _crash_on(BROKEN_FEEDBACK, monkeypatch)
    catalog = build_catalog_from_files(read_course_files(TEST_COURSE, TEST_COURSE / "quizzes"), feedback_later=True)
    feedback = next(texts for key, texts in _every_feedback(catalog) if key.endswith("/deception"))
    with caplog.at_level(logging.ERROR, logger="frontline.content"):
        assert feedback["en"] == ""
    assert any("could not be rendered" in record.getMessage() for record in caplog.records)
    other = next(texts for key, texts in _every_feedback(catalog) if key.endswith("/exploitation"))
    assert other["en"].startswith("<p>")  # the rest of the quiz is unaffected


@pytest.mark.parametrize("lang", ["uk", "en", "de"])
def test_asking_whether_a_language_is_there_renders_nothing(lang, monkeypatch):
    files = read_course_files(TEST_COURSE, TEST_COURSE / "quizzes")
    catalog = build_catalog_from_files(files, feedback_later=True)
    feedback = next(texts for key, texts in _every_feedback(catalog) if key.endswith("/deception"))
    monkeypatch.setattr(build, "render_markdown", lambda *a, **k: pytest.fail("rendered"))
    assert (lang in feedback) is (lang != "de")
