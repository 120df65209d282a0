"""Drawing, shuffling and snapshots: fixed by a seed, stored once, restored exactly (QUIZ-8)."""

from __future__ import annotations

import dataclasses
import json

from course.quizzes.drawing import draw_attempt, practice_questions
from course.quizzes.snapshot import (
    content_from_json,
    content_to_json,
    from_snapshot,
    responses_from_json,
    responses_to_json,
    to_snapshot,
)
from course.quizzes.types import QuizSettings, Response

from .helpers import good_quizzes


def test_same_seed_same_draw_and_different_seeds_differ():
    quizzes = good_quizzes()
    quiz = quizzes["basics-quiz"]
    first = draw_attempt(quiz, quizzes, 7)
    assert first == draw_attempt(quiz, quizzes, 7)
    orders = {tuple(d.question.id for d in draw_attempt(quiz, quizzes, s)) for s in range(30)}
    assert len(orders) > 1
    assert {d.question.id for d in first} == {q.id for q in quiz.questions}


def test_draw_takes_the_configured_number_without_repeats():
    quizzes = good_quizzes()
    quiz = dataclasses.replace(quizzes["basics-quiz"], settings=QuizSettings(draw=2, shuffle_questions=False))
    for seed in range(20):
        drawn = draw_attempt(quiz, quizzes, seed)
        ids = [d.question.id for d in drawn]
        assert len(ids) == 2 == len(set(ids))
        file_order = [q.id for q in quiz.questions]
        assert ids == sorted(ids, key=file_order.index)


def test_options_keep_file_order_unless_shuffled_except_matching():
    quizzes = good_quizzes()
    quiz = dataclasses.replace(quizzes["basics-quiz"], settings=QuizSettings(shuffle_options=False))
    matching_orders = set()
    for seed in range(20):
        for drawn in draw_attempt(quiz, quizzes, seed):
            if drawn.question.kind == "matching":
                matching_orders.add(drawn.option_order)
            else:
                assert drawn.option_order == drawn.question.option_ids
    assert len(matching_orders) > 1  # matching answers are always shuffled


def test_final_assessment_draws_per_module():
    quizzes = good_quizzes()
    drawn = draw_attempt(quizzes["final-assessment"], quizzes, 3)
    assert len(drawn) == 2
    assert all(d.question.quiz_id == "basics-quiz" for d in drawn)


def test_snapshot_survives_json_and_rebuilds_the_same_questions():
    """QUIZ-8: the snapshot stores everything review and grading need."""
    quizzes = good_quizzes()
    drawn = draw_attempt(quizzes["basics-quiz"], quizzes, 11)
    data = json.loads(json.dumps(to_snapshot(drawn)))
    content = json.loads(json.dumps(content_to_json(quizzes["basics-quiz"].questions)))
    assert from_snapshot(data, content_from_json(content)) == drawn
    assert len(json.dumps(data)) < 400  # the text is stored once per version, not per attempt


def test_responses_round_trip_through_json():
    responses = {
        "q1": Response.of({"b", "a"}),
        "q2": Response.of(matches={"x": "y"}),
        "q3": Response.of(),
    }
    data = json.loads(json.dumps(responses_to_json(responses)))
    assert "q3" not in data
    assert responses_from_json(data) == {k: v for k, v in responses.items() if k != "q3"}


def test_practice_round_has_only_the_missed_questions():
    quizzes = good_quizzes()
    drawn = draw_attempt(quizzes["basics-quiz"], quizzes, 5)
    practice = practice_questions(drawn, {"q-child", "q-match"}, 9)
    assert {d.question.id for d in practice} == {"q-child", "q-match"}
