"""Reading attempt forms strictly (QUIZ-2) and the attempt page's data carrying no answers (QUIZ-1)."""

from __future__ import annotations

import dataclasses

import pytest
from werkzeug.datastructures import MultiDict

from course.quizzes.drawing import draw_attempt
from course.quizzes.errors import InvalidAnswer
from course.quizzes.forms import parse_answers, read_attempt_post
from course.quizzes.present import asked_page, reviewed
from course.quizzes.types import QuizSettings, Response

from .helpers import good_quizzes


def _drawn():
    quizzes = good_quizzes()
    quiz = dataclasses.replace(quizzes["basics-quiz"], settings=QuizSettings(shuffle_questions=False))
    return draw_attempt(quiz, quizzes, 1)


def test_attempt_fields_are_read_strictly_QUIZ_2():
    assert read_attempt_post(MultiDict({"version": "3", "page": "1", "action": "next"})).page == 1
    assert read_attempt_post(MultiDict({"version": "0"})).action == "save"
    for bad in (
        {"version": "abc"},
        {"version": "-1"},
        {"version": "1.5"},
        {},
        {"version": "1", "action": "delete"},
        {"version": "99999999999999999999"},
        {"version": "1", "page": "x"},
    ):
        with pytest.raises(InvalidAnswer):
            read_attempt_post(MultiDict(bad))
    with pytest.raises(InvalidAnswer):
        read_attempt_post(MultiDict([("version", "1"), ("version", "2")]))


def test_answers_are_parsed_for_the_page_only_QUIZ_2():
    drawn = _drawn()
    tokens = {o: f"c{i}" for i, o in enumerate(drawn[3].option_order)}
    form = MultiDict(
        [
            ("q.q-elements", "deception"),
            ("q.q-elements", "exploitation"),
            ("q.q-consent", "no"),
            ("m.q-match.act", tokens["act"]),
            ("score", "100"),
        ]
    )
    responses = parse_answers(form, drawn)
    assert responses["q-elements"] == Response.of({"deception", "exploitation"})
    assert responses["q-match"] == Response.of(matches={"act": "act"})
    assert responses["q-child"].is_empty  # unanswered on this page clears the answer
    with pytest.raises(InvalidAnswer):
        parse_answers(MultiDict([("q.q-consent", "no"), ("q.q-consent", "yes")]), drawn)
    with pytest.raises(InvalidAnswer):
        parse_answers(MultiDict([("q.not-on-page", "x")]), drawn)
    lenient = parse_answers(MultiDict([("q.q-consent", "zzz"), ("q.q-child", "true")]), drawn, strict=False)
    assert "q-consent" not in lenient and lenient["q-child"] == Response.of({"true"})


def test_attempt_page_data_holds_no_answers_or_feedback_QUIZ_1():
    drawn = _drawn()
    page = asked_page(drawn, 0, {}, "en")
    text = repr(page)
    assert "Palermo" not in text and "Right:" not in text and "correct" not in text
    matching = next(q for q in page if q.kind == "matching")
    assert {o.value for o in matching.options} == {"c0", "c1", "c2", "c3"}


def test_review_marks_right_wrong_and_keeps_feedback():
    drawn = _drawn()
    review = reviewed(drawn, {"q-consent": Response.of({"yes"})}, {"q-consent": ["0/1", False]}, "en")
    consent = next(r for r in review if r.title.startswith("Does consent"))
    chosen = [o for o in consent.options if o.chosen]
    assert len(chosen) == 1 and not chosen[0].correct and "Art. 3(b)" in chosen[0].feedback
    assert consent.score == "0" and not consent.is_correct
