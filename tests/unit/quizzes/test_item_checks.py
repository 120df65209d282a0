"""The item-writing check (course.quizzes.item_checks): one defect per fixture file, one warning each.

Fixtures are in tests/data/quizzes/items/: `clean.*.md` has no defect; every other file is
`clean` with exactly one defect, so each test also proves the rule fires on nothing else.
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from course.content.loader import parse_variant, read_directory
from course.quizzes.item_checks import check_items, keyed_longest, longest_share, tick_all_score
from course.quizzes.loader import QUIZ_FIELDS, parse_quiz_file

ITEMS = Path(__file__).resolve().parents[2] / "data" / "quizzes" / "items"


def warnings_for(name: str, tmp_path: Path) -> list[str]:
    """The warnings for one fixture file checked on its own, as `FILE:LINE: message`."""
    shutil.copy(ITEMS / name, tmp_path / name)
    return [f"{Path(p.path).name}:{p.line}: {p.render()}" for p in check_items(tmp_path)]


def body_of(name: str):
    sources, problems = read_directory(ITEMS)
    assert problems == []
    source = next(s for s in sources if Path(s.path).name == name)
    return parse_quiz_file(parse_variant(source, QUIZ_FIELDS, False)).body


@pytest.mark.parametrize("name", ["clean.en.md", "clean.uk.md", "ties.en.md"])
def test_a_well_written_quiz_has_no_warning(name, tmp_path):
    assert warnings_for(name, tmp_path) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("keyed-longest.en.md", "keyed-longest.en.md:1: in 1 of 1 single-choice questions (100%) the correct option"),
        ("option-too-long.en.md", "option-too-long.en.md:19: the option 'phone' is much longer than the others"),
        ("option-too-short.en.md", "option-too-short.en.md:19: the option 'phone' is much shorter than the others"),
        ("tick-all.en.md", "tick-all.en.md:24: the question 'q-signs': ticking every option scores 50%, half"),
        ("truefalse-share.en.md", "truefalse-share.en.md:1: 1 of 4 questions (25%) are true/false"),
        ("all-of-the-above.en.md", "all-of-the-above.en.md:19: the option 'phone' says 'all/none of the above'"),
        ("none-of-the-above.uk.md", "none-of-the-above.uk.md:20: the option 'phone' says 'all/none of the above'"),
        ("negative-stem.en.md", "negative-stem.en.md:24: the question 'q-signs' asks in the negative ('not')"),
        ("negative-stem.uk.md", "negative-stem.uk.md:25: the question 'q-signs' asks in the negative ('не')"),
        ("feedback-no-pointer.en.md", "feedback-no-pointer.en.md:19: the feedback of 'q-first/phone' sends"),
        ("matching-no-pointer.en.md", "matching-no-pointer.en.md:33: the feedback of 'q-match' sends the learner"),
        ("near-duplicate.en.md", "near-duplicate.en.md:33: the question 'q-first-again' asks almost the same"),
    ],
)
def test_each_defect_gives_one_warning_at_its_line(name, expected, tmp_path):
    found = warnings_for(name, tmp_path)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found[0]


def test_a_tie_for_the_longest_option_counts_one_over_the_number_tied():
    body = body_of("ties.en.md")
    assert [keyed_longest(q) for q in body.questions] == [Fraction(1, 2), Fraction(1, 2), Fraction(0)]
    assert longest_share(body) == (Fraction(1), 3)


def test_tick_all_score_uses_the_real_partial_credit_scorer():
    signs = {q.id: q for q in body_of("tick-all.en.md").questions}["q-signs"]
    assert tick_all_score(signs) == Fraction(1, 2)  # 2 right ticks - 1 wrong tick, of 2
    clean = {q.id: q for q in body_of("clean.en.md").questions}["q-signs"]
    assert tick_all_score(clean) == 0  # never below zero


def test_a_negative_in_the_scene_setting_sentence_is_not_a_negative_stem(tmp_path):
    text = (ITEMS / "clean.en.md").read_text(encoding="utf-8")
    text = text.replace("## What do you do first?", "## She cannot leave the flat. What do you do first?")
    (tmp_path / "scene.en.md").write_text(text, encoding="utf-8")
    assert check_items(tmp_path) == []


def test_the_final_assessment_pool_reports_near_duplicates_across_module_quizzes():
    found = [str(p) for p in check_items(ITEMS / "pool")]
    assert len(found) == 1, found
    assert "two.en.md:7: the question 'q-caller-again' asks almost the same as 'q-caller'" in found[0]
    assert "one.en.md:7" in found[0]


def test_warnings_are_translated_through_the_problem_mechanism(tmp_path):
    shutil.copy(ITEMS / "negative-stem.en.md", tmp_path)
    (warning,) = check_items(tmp_path)
    assert warning.render(lambda message: "UK:" + message).startswith("UK:the question 'q-signs'")


def test_a_quoted_name_with_a_negative_is_not_a_negative_stem(tmp_path):
    text = (ITEMS / "clean.uk.md").read_text(encoding="utf-8")
    text = text.replace("## Що ви робите насамперед?", "## Чого вимагає принцип «Не нашкодь»?")
    (tmp_path / "quoted.uk.md").write_text(text, encoding="utf-8")
    assert check_items(tmp_path) == []


def test_every_rule_threshold_is_documented_for_authors():
    doc = (ITEMS.parents[3] / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = doc.split("### Writing good questions", 1)[1].split("\n## ", 1)[0]
    for phrase in ("**40%**", "1/k", "**50% or more**", "**15%**", "all of the above", "«не»", "`lesson:`", "85%"):
        assert phrase in section, phrase
