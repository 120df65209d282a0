"""Grading per question kind, partial credit, validation of tampered responses, properties."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.quizzes.scoring import InvalidResponse, grade_attempt, grade_question
from course.quizzes.types import Response

from .helpers import good_quizzes, question


def test_single_choice_scores_full_points_only_for_the_correct_option():
    q = question("single", points=3)
    assert grade_question(q, Response.of({"a"})).score == 3
    assert grade_question(q, Response.of({"b"})).score == 0
    assert grade_question(q, None).is_answered is False


def test_multiple_choice_partial_credit_follows_the_documented_rule():
    q = question("multiple", points=2, correct=("a", "b"), options=("a", "b", "c", "d"))
    assert grade_question(q, Response.of({"a", "b"})).score == 2
    assert grade_question(q, Response.of({"a"})).score == 1
    assert grade_question(q, Response.of({"a", "c"})).score == 0
    assert grade_question(q, Response.of({"c", "d"})).score == 0  # never below zero
    result = grade_question(q, Response.of({"a", "c"}))
    assert result.wrong_ids == {"c"} and result.missed_ids == {"b"} and not result.is_correct


def test_multiple_choice_thirds_are_exact():
    q = question("multiple", points=1, correct=("a", "b", "c"), options=("a", "b", "c", "d"))
    assert grade_question(q, Response.of({"a", "b"})).score == Fraction(2, 3)


def test_matching_scores_each_prompt_and_names_the_wrong_ones():
    q = question("matching", points=3, correct=(), options=("x", "y", "z", "w"), prompts=("x", "y", "z"))
    result = grade_question(q, Response.of(matches={"x": "x", "y": "z"}))
    assert result.score == 1
    assert result.wrong_ids == {"y"} and result.missed_ids == {"z"}
    assert grade_question(q, Response.of(matches={"x": "x", "y": "y", "z": "z"})).is_correct


@pytest.mark.parametrize(
    "kind,response",
    [
        ("single", Response.of({"a", "b"})),  # QUIZ-2: parameter pollution on single choice
        ("single", Response.of({"zzz"})),  # QUIZ-2: unknown option id
        ("single", Response.of(matches={"a": "a"})),
        ("multiple", Response.of({"a", "other-question-option"})),
        ("matching", Response.of({"x"})),
        ("matching", Response.of(matches={"w": "x"})),  # a distractor is not a prompt
        ("matching", Response.of(matches={"x": "nope"})),
    ],
)
def test_tampered_responses_are_refused(kind, response):
    """QUIZ-2: option ids must belong to this question; single choice takes one value."""
    q = question(
        kind,
        options=("x", "y", "w") if kind == "matching" else ("a", "b", "c"),
        prompts=("x", "y") if kind == "matching" else (),
    )
    with pytest.raises(InvalidResponse):
        grade_attempt([q], {q.id: response}, 80)


def test_answers_for_questions_not_drawn_are_refused():
    """QUIZ-2: a question id that is not in the attempt."""
    q = question()
    with pytest.raises(InvalidResponse) as caught:
        grade_attempt([q], {"not-drawn": Response.of({"a"})}, 80)
    assert caught.value.question_id == "not-drawn"


def test_pass_mark_is_compared_exactly():
    questions = [dataclasses.replace(question(), id=f"q{i}") for i in range(10)]
    eight = {f"q{i}": Response.of({"a"}) for i in range(8)}
    assert grade_attempt(questions, eight, 80).is_passed
    assert not grade_attempt(questions, eight, 81).is_passed
    result = grade_attempt(questions, eight, 80)
    assert result.percent == 80.0 and result.wrong_question_ids == ("q8", "q9")


def _responses(q):
    ids = list(q.option_ids)
    if q.kind == "matching":
        prompts = [p.id for p in q.prompts]
        return st.dictionaries(st.sampled_from(prompts), st.sampled_from(ids)).map(lambda m: Response.of(matches=m))
    if q.kind == "multiple":
        return st.sets(st.sampled_from(ids)).map(Response.of)
    return st.sets(st.sampled_from(ids), max_size=1).map(Response.of)


QUESTIONS = list(good_quizzes()["basics-quiz"].questions)


@st.composite
def question_and_response(draw):
    q = draw(st.sampled_from(QUESTIONS))
    return q, draw(_responses(q))


@given(question_and_response())
def test_score_is_within_zero_and_max(pair):
    """Hypothesis: the score of any valid response lies in [0, points]."""
    q, response = pair
    result = grade_question(q, response)
    assert 0 <= result.score <= result.max_score == q.points


@given(question_and_response(), st.randoms())
def test_score_does_not_depend_on_option_order(pair, rng):
    """Hypothesis: shuffling the options (as an attempt does) never changes the grade."""
    q, response = pair
    options = list(q.options)
    rng.shuffle(options)
    shuffled = dataclasses.replace(q, options=tuple(options))
    assert grade_question(shuffled, response) == grade_question(q, response)


@given(question_and_response())
def test_rescoring_gives_the_same_result(pair):
    """Hypothesis: grading is deterministic, so re-scoring a stored attempt changes nothing."""
    q, response = pair
    assert grade_question(q, response) == grade_question(q, response)
    assert grade_attempt([q], {q.id: response}, 80) == grade_attempt([q], {q.id: response}, 80)


@given(st.lists(question_and_response(), max_size=4, unique_by=lambda p: p[0].id))
def test_attempt_score_within_bounds(pairs):
    questions = [q for q, _ in pairs]
    result = grade_attempt(questions, {q.id: r for q, r in pairs}, 80)
    assert 0 <= result.score <= result.max_score
    assert 0.0 <= result.percent <= 100.0
