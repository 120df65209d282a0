"""Retake rules with an injected clock: attempts, cooldown, which attempt counts (QUIZ-7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from course.quizzes.rules import (
    FAILED,
    IN_PROGRESS,
    NOT_STARTED,
    PASSED,
    GradedAttempt,
    counting_attempt,
    quiz_status,
    retake_decision,
)
from course.quizzes.types import QuizSettings

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def attempt(minutes_ago: int, percent: float, passed: bool) -> GradedAttempt:
    return GradedAttempt(NOW - timedelta(minutes=minutes_ago), percent, passed)


def test_retake_refused_before_cooldown_ends_and_allowed_after():
    """QUIZ-7: the cooldown after a failed attempt is decided with the server's clock."""
    settings = QuizSettings(cooldown_minutes=30)
    failed = [attempt(10, 40, False)]
    decision = retake_decision(settings, failed, NOW)
    assert not decision.allowed and decision.reason == "cooldown"
    assert decision.next_allowed_at == NOW + timedelta(minutes=20)
    assert retake_decision(settings, failed, NOW + timedelta(minutes=20)).allowed


def test_no_cooldown_after_a_pass():
    settings = QuizSettings(cooldown_minutes=30)
    assert retake_decision(settings, [attempt(1, 90, True)], NOW).allowed


def test_max_attempts_refuses_further_attempts():
    """QUIZ-7: maximum attempts is enforced in domain code."""
    settings = QuizSettings(max_attempts=2)
    one = [attempt(100, 10, False)]
    assert retake_decision(settings, one, NOW).attempts_left == 1
    decision = retake_decision(settings, one + [attempt(50, 20, False)], NOW)
    assert not decision.allowed and decision.reason == "max_attempts"
    assert retake_decision(QuizSettings(), one * 50, NOW).allowed  # 0 means unlimited


def test_grading_highest_latest_first():
    attempts = [attempt(30, 50, False), attempt(20, 90, True), attempt(10, 70, False)]
    assert counting_attempt("highest", attempts).percent == 90
    assert counting_attempt("latest", attempts).percent == 70
    assert counting_attempt("first", attempts).percent == 50
    assert counting_attempt("highest", []) is None


def test_highest_tie_keeps_the_earlier_attempt():
    attempts = [attempt(30, 90, True), attempt(10, 90, True)]
    assert counting_attempt("highest", attempts).finished_at == NOW - timedelta(minutes=30)


def test_status_for_the_dashboard():
    settings = QuizSettings(cooldown_minutes=60)
    assert quiz_status(settings, [], NOW).state == NOT_STARTED
    assert quiz_status(settings, [], NOW, in_progress=True).state == IN_PROGRESS
    failed = quiz_status(settings, [attempt(10, 20, False)], NOW)
    assert failed.state == FAILED and failed.decision.next_allowed_at == NOW + timedelta(minutes=50)
    assert quiz_status(settings, [attempt(10, 20, False), attempt(5, 95, True)], NOW).state == PASSED
    latest = QuizSettings(grading="latest")
    assert quiz_status(latest, [attempt(10, 95, True), attempt(5, 20, False)], NOW).state == FAILED
