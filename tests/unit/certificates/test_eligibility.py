"""The eligibility rule and recertification, as pure code (issue 5: Issuing, Managing)."""

from __future__ import annotations

import pytest

from course.certificates.eligibility import (
    EligibilityRule,
    EligibilityRuleError,
    LearnerRecord,
    course_content_hash,
    course_requirements,
    evaluate,
    lesson_keys,
    recertification,
)

MODULES = [("m1", "h1", ["a", "b"]), ("m2", "h2", ["c"])]
QUIZZES = [("q1", "qh1", "m1", False), ("q2", "qh2", "m2", False), ("fin", "fh", None, True)]


def course(setting="lessons+quizzes", modules=MODULES, quizzes=QUIZZES):
    return course_requirements(EligibilityRule.parse(setting), modules, quizzes)


def record(lessons=(), quizzes=()):
    return LearnerRecord(lesson_keys(lessons), frozenset(quizzes))


ALL_LESSONS = [("m1", "a"), ("m1", "b"), ("m2", "c")]
EVERYTHING = record(ALL_LESSONS, ["q1", "q2", "fin"])


def test_default_rule_needs_every_lesson_and_every_module_quiz():
    rule = EligibilityRule.parse("lessons+quizzes")
    assert rule == EligibilityRule()
    requirements = course()
    assert requirements.quizzes == {"q1", "q2"}  # the final assessment is not required
    assert evaluate(rule, requirements, record(ALL_LESSONS, ["q1", "q2"])).eligible
    missing = evaluate(rule, requirements, record([("m1", "a")], ["q1"]))
    assert not missing.eligible
    assert missing.missing_lessons == (("m1", "b"), ("m2", "c"))
    assert missing.missing_quizzes == ("q2",)


def test_quizzes_only_rule_ignores_lessons():
    rule = EligibilityRule.parse(" quizzes ")
    assert evaluate(rule, course("quizzes"), record([], ["q1", "q2"])).eligible
    assert not evaluate(rule, course("quizzes"), record([], ["q1"])).eligible


def test_lessons_only_rule_ignores_quizzes():
    rule = EligibilityRule.parse("lessons")
    assert course("lessons").quizzes == frozenset()
    assert evaluate(rule, course("lessons"), record(ALL_LESSONS)).eligible


def test_final_can_be_required():
    rule = EligibilityRule.parse("lessons+quizzes+final")
    requirements = course("lessons+quizzes+final")
    assert requirements.quizzes == {"q1", "q2", "fin"}
    assert not evaluate(rule, requirements, record(ALL_LESSONS, ["q1", "q2"])).eligible
    assert evaluate(rule, requirements, EVERYTHING).eligible


def test_extra_progress_outside_the_course_does_not_matter():
    extra = record([*ALL_LESSONS, ("old", "x")], ["q1", "q2", "old"])
    assert evaluate(EligibilityRule(), course(), extra).eligible


def test_an_empty_course_certifies_nobody():
    assert not evaluate(EligibilityRule(), course(modules=[], quizzes=[]), record()).eligible
    no_quizzes = course("quizzes", modules=[("m1", "h", [])], quizzes=[])
    assert not evaluate(EligibilityRule.parse("quizzes"), no_quizzes, record()).eligible


def test_quiz_of_an_unknown_module_is_not_required():
    requirements = course(quizzes=[*QUIZZES, ("orphan", "x", "gone", False)])
    assert "orphan" not in requirements.quizzes


@pytest.mark.parametrize("setting", ["", "+", "all", "lessons+exams", "lessons,quizzes"])
def test_unknown_rule_setting_is_refused(setting):
    with pytest.raises(EligibilityRuleError):
        EligibilityRule.parse(setting)


def test_rule_round_trips_through_its_setting():
    for setting in ("lessons+quizzes", "lessons", "quizzes", "lessons+quizzes+final"):
        assert str(EligibilityRule.parse(setting)) == setting
    assert str(EligibilityRule.parse("Quizzes+LESSONS")) == "lessons+quizzes"


def test_course_hash_ignores_module_order_and_sees_any_change():
    assert course_content_hash({"a": "1", "b": "2"}) == course_content_hash({"b": "2", "a": "1"})
    assert course_content_hash({"a": "1"}) != course_content_hash({"a": "2"})
    assert course_content_hash({"a": "1"}) != course_content_hash({"a": "1", "b": "2"})
    assert len(course().content_hash) == 64


def test_an_edited_quiz_changes_its_module_version():
    before = course()
    after = course(quizzes=[("q1", "EDITED", "m1", False), *QUIZZES[1:]])
    assert before.module_hashes["m1"] != after.module_hashes["m1"]
    assert before.module_hashes["m2"] == after.module_hashes["m2"]
    assert before.content_hash != after.content_hash


def test_recertification_lists_changed_and_new_modules_and_their_quizzes():
    issued = dict(course().module_hashes)
    now = course(
        modules=[*MODULES[:1], ("m2", "h2-new", ["c"]), ("m3", "h3", ["d"])],
        quizzes=[*QUIZZES, ("q3", "qh3", "m3", False)],
    )
    plan = recertification(issued, now)
    assert plan.changed_modules == ("m2", "m3")
    assert plan.quizzes_to_retake == ("q2", "q3")
    assert recertification(issued, course()).changed_modules == ()
