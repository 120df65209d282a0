"""The eligibility rule and recertification, as pure code (issue 5: Issuing, Managing)."""

from __future__ import annotations

import pytest

from course.certificates.eligibility import (
    CourseRequirements,
    EligibilityRule,
    EligibilityRuleError,
    LearnerRecord,
    course_content_hash,
    evaluate,
    lesson_keys,
    recertification,
)

COURSE = CourseRequirements(
    lessons=lesson_keys([("m1", "a"), ("m1", "b"), ("m2", "c")]),
    quizzes=frozenset({"q1", "q2"}),
    module_hashes={"m1": "h1", "m2": "h2"},
    quiz_modules={"q1": "m1", "q2": "m2"},
)


def record(lessons=(), quizzes=()):
    return LearnerRecord(lesson_keys(lessons), frozenset(quizzes))


EVERYTHING = record([("m1", "a"), ("m1", "b"), ("m2", "c")], ["q1", "q2"])


def test_default_rule_needs_every_lesson_and_every_quiz():
    rule = EligibilityRule.parse("lessons+quizzes")
    assert rule == EligibilityRule()
    assert evaluate(rule, COURSE, EVERYTHING).eligible
    missing = evaluate(rule, COURSE, record([("m1", "a")], ["q1"]))
    assert not missing.eligible
    assert missing.missing_lessons == (("m1", "b"), ("m2", "c"))
    assert missing.missing_quizzes == ("q2",)


def test_quizzes_only_rule_ignores_lessons():
    rule = EligibilityRule.parse(" quizzes ")
    assert evaluate(rule, COURSE, record([], ["q1", "q2"])).eligible
    assert not evaluate(rule, COURSE, record([], ["q1"])).eligible


def test_lessons_only_rule_ignores_quizzes():
    rule = EligibilityRule.parse("lessons")
    assert evaluate(rule, COURSE, record([("m1", "a"), ("m1", "b"), ("m2", "c")])).eligible


def test_extra_progress_outside_the_course_does_not_matter():
    extra = record([*EVERYTHING.lessons_read, ("old", "x")], [*EVERYTHING.quizzes_passed, "old"])
    assert evaluate(EligibilityRule(), COURSE, extra).eligible


def test_an_empty_course_certifies_nobody():
    empty = CourseRequirements(frozenset(), frozenset(), {}, {})
    assert not evaluate(EligibilityRule(), empty, record()).eligible
    no_quizzes = CourseRequirements(frozenset(), frozenset(), {"m1": "h"}, {})
    assert not evaluate(EligibilityRule.parse("quizzes"), no_quizzes, record()).eligible


@pytest.mark.parametrize("setting", ["", "+", "all", "lessons+exams", "lessons,quizzes"])
def test_unknown_rule_setting_is_refused(setting):
    with pytest.raises(EligibilityRuleError):
        EligibilityRule.parse(setting)


def test_rule_round_trips_through_its_setting():
    for setting in ("lessons+quizzes", "lessons", "quizzes"):
        assert str(EligibilityRule.parse(setting)) == setting
    assert str(EligibilityRule.parse("quizzes+lessons")) == "lessons+quizzes"


def test_course_hash_ignores_module_order_and_sees_any_change():
    assert course_content_hash({"a": "1", "b": "2"}) == course_content_hash({"b": "2", "a": "1"})
    assert course_content_hash({"a": "1"}) != course_content_hash({"a": "2"})
    assert course_content_hash({"a": "1"}) != course_content_hash({"a": "1", "b": "2"})
    assert len(COURSE.content_hash) == 64


def test_recertification_lists_changed_and_new_modules_and_their_quizzes():
    issued = {"m1": "h1", "m2": "old"}
    now = CourseRequirements(
        COURSE.lessons,
        frozenset({"q1", "q2", "q3"}),
        {"m1": "h1", "m2": "h2", "m3": "h3"},
        {"q1": "m1", "q2": "m2", "q3": "m3"},
    )
    plan = recertification(issued, now)
    assert plan.changed_modules == ("m2", "m3")
    assert plan.quizzes_to_retake == ("q2", "q3")
    assert recertification({"m1": "h1", "m2": "h2"}, COURSE).changed_modules == ()
