"""Short-answer and numerical questions: comparison, number reading, parsing, parity, grading."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from course.quizzes.item_checks import QuizItems, check_quiz
from course.quizzes.loader import load_quizzes
from course.quizzes.parser import parse_body
from course.quizzes.question_types import question_type
from course.quizzes.scoring import grade_attempt, grade_question
from course.quizzes.snapshot import content_from_json, content_to_json, responses_from_json, responses_to_json
from course.quizzes.typed import (
    MAX_SHORT_ANSWER,
    first_not_a_number,
    normalise_answer,
    parse_accepted_number,
    parse_number,
)
from course.quizzes.types import NUMERICAL, SHORT_ANSWER, Response
from course.reports.items import ItemAnalysis, Thresholds, question_meta, random_guess

from .helpers import DATA, module

TYPED = DATA / "typed"
MODULES = {"next-steps": module("next-steps", ("only",))}
HEADER = "---\nid: t\nmodule: next-steps\ntitle: T\n---\n\n"


def _quiz():
    quizzes, problems = load_quizzes(TYPED, MODULES)
    assert problems == []
    return quizzes["typed-quiz"]


def _question(question_id: str):
    return _quiz().question(question_id)


def _problems(tmp_path: Path, en_body: str, uk_body: str | None = None) -> list[str]:
    (tmp_path / "t.en.md").write_text(HEADER + en_body, encoding="utf-8")
    (tmp_path / "t.uk.md").write_text(HEADER + (en_body if uk_body is None else uk_body), encoding="utf-8")
    _, problems = load_quizzes(tmp_path, MODULES)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("м'ята", "м’ята"),  # U+0027 and U+2019
        ("мʼята", "м'ята"),  # U+02BC and U+0027
        ("М’ЯТА", "мʼята"),
        ("  Palermo   Protocol ", "palermo protocol"),
        ("Palermo\u00a0Protocol", "Palermo Protocol"),  # no-break space
        ("ＰＡＬＥＲＭＯ", "palermo"),  # full-width letters (NFKC)
        ("Straße", "STRASSE"),  # case folding, not lower()
        ("ﬁve", "five"),  # the ligature (NFKC)
    ],
)
def test_short_answers_compare_after_normalisation(typed, accepted):
    assert normalise_answer(typed) == normalise_answer(accepted)


def test_normalisation_keeps_different_words_apart():
    assert normalise_answer("Palermo") != normalise_answer("Palermo Protocol")
    assert normalise_answer("м'ята") != normalise_answer("мята")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3,5", Fraction(7, 2)),
        ("3.5", Fraction(7, 2)),
        ("-2", Fraction(-2)),
        ("\u22122,25", Fraction(-9, 4)),  # the minus sign U+2212
        ("+4", Fraction(4)),
        (",5", Fraction(1, 2)),
        ("1 000", Fraction(1000)),
        ("1\u00a0000,5", Fraction(2001, 2)),
        (" 2000 ", Fraction(2000)),
        ("０.１", Fraction(1, 10)),  # full-width digits (NFKC)
        ("0.1", Fraction(1, 10)),  # exact: never 0.1000000000000000055
    ],
)
def test_numbers_take_a_decimal_comma_or_point(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "3,5,1", "1.000,5", "3.", "1e3", "--1", "1 00", "½", "3 5", "1" * 41])
def test_what_is_not_a_number_is_refused(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("3,5", (Fraction(7, 2), Fraction(7, 2))),
        ("3.5 ± 0.5", (Fraction(3), Fraction(4))),
        ("3,5 +- 0,5", (Fraction(3), Fraction(4))),
        ("3.5 +/- 0.5", (Fraction(3), Fraction(4))),
        ("1..5", (Fraction(1), Fraction(5))),
        ("-1,5..-0,5", (Fraction(-3, 2), Fraction(-1, 2))),
    ],
)
def test_author_answers_are_a_value_a_tolerance_or_a_range(text, bounds):
    assert parse_accepted_number(text) == bounds


@pytest.mark.parametrize("text", ["5..1", "3 ± -1", "three", "1..", "3 ± x"])
def test_broken_author_answers_are_refused(text):
    assert parse_accepted_number(text) is None


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("3,45", True),  # the lower edge: 3.5 - 0.05, included
        ("3.55", True),  # the upper edge, included
        ("3.449", False),
        ("3,551", False),
        ("3,5", True),
        ("abc", False),
    ],
)
def test_tolerance_edges_are_inclusive_and_exact(typed, right):
    result = grade_question(_question("q-half"), Response.of(text=typed))
    assert result.is_correct is right and result.score == (1 if right else 0)
    assert result.is_answered


def test_short_answer_accepts_every_language_list_and_any_apostrophe():
    question = _question("q-name")
    assert question.kind == SHORT_ANSWER
    for typed in ("мар'яна", "МАРʼЯНА", "Мар’яна", " maryana "):
        assert grade_question(question, Response.of(text=typed)).is_correct, typed
    assert not grade_question(question, Response.of(text="Марина")).is_correct
    empty = grade_question(question, Response())
    assert not empty.is_answered and empty.score == 0


def test_a_whole_attempt_grades_typed_answers_exactly():
    quiz = _quiz()
    responses = {
        "q-protocol": Response.of(text="the palermo protocol"),
        "q-name": Response.of(text="Maryana"),
        "q-year": Response.of(text="1999"),
        "q-half": Response.of(text="3,5"),
    }
    result = grade_attempt(quiz.questions, responses, quiz.settings.pass_mark)
    assert result.score == Fraction(3) and result.max_score == 4 and result.is_passed
    assert result.wrong_question_ids == ("q-year",)


def test_first_not_a_number_names_the_question():
    quiz = _quiz()
    responses = {"q-year": Response.of(text="2000"), "q-half": Response.of(text="три з половиною")}
    assert first_not_a_number(quiz.questions, responses) == 3
    assert first_not_a_number(quiz.questions, {"q-half": Response.of(text="3,5")}) is None


def test_stored_questions_and_typed_text_survive_the_snapshot():
    quiz = _quiz()
    again = content_from_json(content_to_json(quiz.questions))
    assert again["q-half"] == quiz.question("q-half")
    assert again["q-name"].accepted["uk"][0].text == "Мар’яна"
    responses = {"q-name": Response.of(text="  мар'яна "), "q-year": Response()}
    stored = responses_to_json(responses)
    assert stored == {"q-name": {"chosen": [], "matches": [], "text": "мар'яна"}}
    assert responses_from_json(stored) == {"q-name": Response.of(text="мар'яна")}


def test_an_old_snapshot_without_typed_keys_still_reads():
    data = content_to_json(_quiz().questions)
    del data["q-name"]["accepted"], data["q-name"]["other_feedback"]
    assert content_from_json(data)["q-name"].accepted == {}


def test_item_analysis_takes_facility_from_the_score_and_has_no_option_table():
    question = _question("q-year")
    meta = question_meta(question)
    assert meta.options == () and random_guess(question) is None
    analysis = ItemAnalysis({question.id: meta}, (None, None))
    for score in ("1/1", "0/1", "1/1"):  # answers are text: there is no option to count
        mark = float(Fraction(score))
        analysis.add(mark, mark * 100, {question.id: [score, mark == 1]}, {question.id: {"text": "2000"}}, "en")
    stats = analysis.item_stats(question.id, Thresholds(min_n=1))
    assert stats.n == 3 and stats.facility == pytest.approx(2 / 3) and stats.options == ()


def test_typed_questions_load_with_their_feedback():
    quiz = _quiz()
    protocol = quiz.question("q-protocol")
    assert [a.text for a in protocol.accepted["en"]] == ["Palermo Protocol", "Palermo", "The Palermo Protocol"]
    assert [a.text for a in protocol.accepted["uk"]] == ["Палермський протокол", "Протокол Палермо", "Палермо"]
    assert 'href="/modules/next-steps/only"' in protocol.other_feedback_html["en"]
    assert protocol.options == ()
    assert quiz.question("q-half").kind == NUMERICAL


def test_typed_question_problems_are_reported_at_their_lines(tmp_path):
    body = (
        "## Name it {#q-a type=shortanswer}\n"  # line 7
        "\n"
        "- = Palermo\n"
        "- = palermo\n"  # line 10: the same answer twice
        "- [x] Wrong form {#x}\n"  # line 11
        "\n"
        "## A number {#q-b type=numerical}\n"  # line 13
        "\n"
        "- = three\n"  # line 15
        "- *\n"
        "  Feedback.\n"
    )
    found = _problems(tmp_path, body)
    en = [p for p in found if "t.en.md" in p]
    assert any(
        p.endswith(
            ":7: the question 'q-a' needs feedback for a wrong answer: add a line '- *' after the "
            "accepted answers, with the feedback under it indented by two spaces"
        )
        for p in en
    )
    assert any(":10: the accepted answer 'palermo' is the same as one above" in p for p in en)
    assert any(":11: in a shortanswer question each accepted answer is a line '- = answer'" in p for p in en)
    assert any(":15: 'three' is not a number" in p for p in en)


def test_a_question_without_accepted_answer_is_reported(tmp_path):
    found = _problems(tmp_path, "## Name it {#q-a type=shortanswer}\n\n- *\n  Feedback.\n")
    assert any(":7: the question 'q-a' accepts no answer" in p for p in found)


def test_numerical_values_must_agree_across_languages(tmp_path):
    en = "## Half of 7? {#q-h type=numerical}\n\n- = 3.5 ± 0.05\n- *\n  Feedback [S1].\n"
    same = en.replace("3.5 ± 0.05", "3,5 +- 0,05")
    assert _problems(tmp_path, en, same) == []
    other = en.replace("3.5 ± 0.05", "3.5")
    found = _problems(tmp_path, en, other)
    assert any(":7: the question 'q-h': the accepted numbers differ from" in p for p in found)


def test_short_answer_lists_may_differ_by_language_but_kinds_may_not(tmp_path):
    en = "## Name it {#q-a type=shortanswer}\n\n- = Palermo\n- *\n  Feedback.\n"
    uk = "## Назвіть {#q-a type=shortanswer}\n\n- = Палермо\n- = Палермський протокол\n- *\n  Відгук.\n"
    assert _problems(tmp_path, en, uk) == []
    found = _problems(tmp_path, en, uk.replace("shortanswer", "numerical").replace("Палермо", "1"))
    assert any(":7: the question 'q-a': 'type' differs" in p for p in found)


def test_typed_answers_longer_than_the_field_are_refused():
    question = _question("q-protocol")
    assert question_type(SHORT_ANSWER).validate(question, Response.of(text="x" * MAX_SHORT_ANSWER)) is None
    assert question_type(SHORT_ANSWER).validate(question, Response.of(text="x" * (MAX_SHORT_ANSWER + 1)))
    assert question_type(SHORT_ANSWER).validate(question, Response.of({"a"}))


def test_the_typed_test_quiz_copies_cleanly(tmp_path):
    for path in TYPED.iterdir():
        shutil.copy(path, tmp_path / path.name)
    quizzes, problems = load_quizzes(tmp_path, MODULES)
    assert problems == [] and len(quizzes["typed-quiz"].questions) == 4


def test_item_checks_warn_about_an_exact_decimal_and_feedback_that_points_nowhere():
    body = parse_body("## Pi to two places? {#q-pi type=numerical}\n\n- = 3,14\n- *\n  Think again.\n", 1)
    found = [(p.line, p.render()) for p in check_quiz(QuizItems("pi.en.md", body))]
    assert any(line == 1 and "accepts only exactly 3.14" in text for line, text in found)
    assert any(line == 1 and "sends the learner nowhere" in text for line, text in found)
    fine = parse_body("## Year? {#q-y type=numerical}\n\n- = 2000\n- *\n  See [S1].\n", 1)
    assert check_quiz(QuizItems("y.en.md", fine)) == []
