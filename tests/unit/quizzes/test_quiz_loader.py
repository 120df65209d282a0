"""The quiz loader: good files load, and each broken file yields its problem at its line (OUT-6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.quizzes.loader import load_quizzes
from course.quizzes.types import MATCHING, MULTIPLE, SINGLE, TRUEFALSE

from .helpers import BROKEN, GOOD, MODULES, good_quizzes

# defect file or directory -> (file name, line, words the message contains)
EXPECTED = {
    "bad-grading.en.md": ("bad-grading.en.md", 5, "must be highest, latest or first"),
    "bad-points.en.md": ("bad-points.en.md", 7, "points must be a whole number"),
    "broken-lesson-link": ("bad-link.en.md", 10, "points to a lesson that does not exist"),
    "empty.en.md": ("empty.en.md", 1, "must start with a line '---'"),
    "final-with-module.en.md": ("final-with-module.en.md", 4, "belongs to no module"),
    "heading-no-id.en.md": ("heading-no-id.en.md", 7, "the heading has no id"),
    "matching-no-feedback.en.md": ("matching-no-feedback.en.md", 7, "needs feedback"),
    "missing-feedback.en.md": ("missing-feedback.en.md", 11, "'that' has no feedback"),
    "missing-translation": ("basics.en.md", 1, "has no 'uk' version"),
    "no-correct.en.md": ("no-correct.en.md", 7, "has no correct option"),
    "no-options.en.md": ("no-options.en.md", 7, "needs at least 2 options, it has 0"),
    "no-questions.en.md": ("no-questions.en.md", 6, "the quiz has no questions"),
    "not-utf8.en.md": ("not-utf8.en.md", 7, "not saved as UTF-8"),
    "one-option.en.md": ("one-option.en.md", 7, "needs at least 2 options, it has 1"),
    "option-id-twice.en.md": ("option-id-twice.en.md", 11, "'this' is used twice"),
    "option-no-id.en.md": ("option-no-id.en.md", 9, "the option has no id"),
    "parity-correct": ("basics.en.md", 35, "which answers are correct differs"),
    "parity-ids": ("basics.en.md", 33, "the option ids differ"),
    "parity-points": ("basics.en.md", 20, "'points' differs"),
    "parity-settings": ("basics.en.md", 5, "'pass_mark' differs"),
    "pass-mark-out-of-range.en.md": ("pass-mark-out-of-range.en.md", 5, "from 1 to 100"),
    "pool-smaller-than-draw.en.md": ("pool-smaller-than-draw.en.md", 5, "has only 1 questions"),
    "question-id-reused": ("other.en.md", 7, "'q-child' is already used in the quiz"),
    "stray-text.en.md": ("stray-text.en.md", 13, "unexpected text after the options"),
    "too-many-options.en.md": ("too-many-options.en.md", 7, "more than 20 options"),
    "truefalse-bad-ids.en.md": ("truefalse-bad-ids.en.md", 7, "ids 'true' and 'false'"),
    "two-correct-single.en.md": ("two-correct-single.en.md", 7, "has 2 correct options"),
    "two-quizzes-one-module": ("two.uk.md", 1, "already has a quiz"),
    "unknown-case.en.md": ("unknown-case.en.md", 7, "'case-missing' does not exist"),
    "unknown-key.en.md": ("unknown-key.en.md", 5, "unknown key 'passmark'"),
    "unknown-module.en.md": ("unknown-module.en.md", 3, "'no-such-module' does not exist"),
    "unknown-question-setting.en.md": ("unknown-question-setting.en.md", 7, "weight=3"),
    "unknown-type.en.md": ("unknown-type.en.md", 7, "unknown question type 'essay'"),
    "unsafe-yaml.en.md": ("unsafe-yaml.en.md", 4, "the value of 'title' is not valid"),
}


def _load(item: Path, tmp_path: Path):
    if item.is_dir():
        return load_quizzes(item, MODULES)
    shutil.copy(item, tmp_path / item.name)
    return load_quizzes(tmp_path, MODULES)


def test_every_broken_file_is_listed_here():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_quiz_reports_its_defect_at_its_line(name, tmp_path):
    """OUT-6: each defect is a typed problem naming file and line, never a traceback."""
    file_name, line, words = EXPECTED[name]
    quizzes, problems = _load(BROKEN / name, tmp_path)
    found = [(Path(p.path).name, p.line, p.render()) for p in problems]
    assert any(f == file_name and n == line and words in text for f, n, text in found), found
    broken_ids = {
        "parity-correct",
        "parity-ids",
        "parity-points",
        "parity-settings",
        "missing-translation",
        "broken-lesson-link",
    }
    if name in broken_ids:
        assert quizzes == {}


def test_good_quizzes_load_with_every_question_type():
    quizzes = good_quizzes()
    assert sorted(quizzes) == ["basics-quiz", "final-assessment"]
    basics = quizzes["basics-quiz"]
    assert [q.kind for q in basics.questions] == [MULTIPLE, SINGLE, TRUEFALSE, MATCHING]
    assert basics.module_id == "basics" and not basics.is_final
    assert basics.settings.cooldown_minutes == 30
    elements = basics.questions[0]
    assert elements.points == 2 and elements.case is not None
    assert elements.case.id == "case-job-offer" and "Olena" in elements.case.html["en"]
    assert elements.correct_ids == {"deception", "exploitation"}
    assert elements.text("title", "uk") == "Які елементи торгівлі людьми присутні?"
    assert "Palermo" in elements.option("deception").feedback_html["en"]
    assert "act, a means and a purpose" in elements.general_feedback_html["en"]
    matching = basics.questions[3]
    assert [o.id for o in matching.prompts] == ["act", "means", "purpose"]
    final = quizzes["final-assessment"]
    assert final.is_final and final.module_id is None and final.questions == ()
    assert final.settings.draw_per_module == 2


def test_content_hash_changes_with_any_language(tmp_path):
    before = good_quizzes()["basics-quiz"].content_hash
    for path in GOOD.iterdir():
        shutil.copy(path, tmp_path / path.name)
    uk = tmp_path / "basics.uk.md"
    uk.write_text(uk.read_text(encoding="utf-8").replace("Olena", "Olha"), encoding="utf-8")
    quizzes, problems = load_quizzes(tmp_path, MODULES)
    assert problems == []
    assert quizzes["basics-quiz"].content_hash != before
    assert quizzes["final-assessment"].content_hash != good_quizzes()["final-assessment"].content_hash


def test_crlf_and_bom_files_load_like_lf(tmp_path):
    for path in GOOD.iterdir():
        raw = path.read_bytes().replace(b"\n", b"\r\n")
        (tmp_path / path.name).write_bytes(b"\xef\xbb\xbf" + raw)
    quizzes, problems = load_quizzes(tmp_path, MODULES)
    assert problems == []
    original = good_quizzes()["basics-quiz"]
    assert quizzes["basics-quiz"].questions == original.questions


def test_markdown_in_quiz_text_is_sanitised(tmp_path):
    """OUT-1: script and handlers in stems, options and feedback never survive loading."""
    for path in GOOD.iterdir():
        text = (
            path.read_text(encoding="utf-8")
            .replace(
                "Tick every element you can see.",
                '<script>window.__xss=1</script><b onmouseover="window.__xss=1">x</b>[x](javascript:alert(1))',
            )
            .replace("Right: forced labour", "<iframe src=//evil></iframe>Right: forced labour")
        )
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    quizzes, problems = load_quizzes(tmp_path, MODULES)
    assert problems == []
    question = quizzes["basics-quiz"].questions[0]
    html = question.html["en"] + question.option("exploitation").feedback_html["en"]
    # (a raw <img> is a problem of its own in a quiz: quizzes show no images)
    for bad in ("<script", "onmouseover", "javascript:", "<iframe"):
        assert bad not in html


def test_lesson_links_resolve_to_lesson_paths(tmp_path):
    for path in GOOD.iterdir():
        text = path.read_text(encoding="utf-8").replace(
            "Wrong: she crossed", "See [the lesson](lesson:intro). Wrong: she crossed"
        )
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    quizzes, problems = load_quizzes(tmp_path, MODULES)
    assert problems == []
    feedback = quizzes["basics-quiz"].questions[0].option("smuggling").feedback_html["en"]
    assert 'href="/modules/basics/intro"' in feedback


def test_final_assessment_needs_enough_questions_per_module(tmp_path):
    for path in GOOD.iterdir():
        text = path.read_text(encoding="utf-8").replace("draw_per_module: 2", "draw_per_module: 9")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    quizzes, problems = load_quizzes(tmp_path, MODULES)
    assert "final-assessment" not in quizzes
    assert any("has only 4 questions" in p.render() for p in problems)


def test_missing_directory_is_no_problem(tmp_path):
    assert load_quizzes(tmp_path / "absent", MODULES) == ({}, [])
