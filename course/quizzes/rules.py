"""Retake rules and quiz status: attempts allowed, cooldown, which attempt counts.

Core module: standard library only. The clock is always passed in (`now`), so tests fix it and
the server, never the browser, decides when the next attempt is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from course.quizzes.types import QuizSettings

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
PASSED = "passed"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class GradedAttempt:
    """What the rules need to know about one finished, graded attempt."""

    finished_at: datetime
    percent: float
    is_passed: bool


@dataclass(frozen=True, slots=True)
class RetakeDecision:
    """Whether a new graded attempt may start now; if not, why and from when."""

    allowed: bool
    reason: str = ""  # "", "max_attempts" or "cooldown"
    next_allowed_at: datetime | None = None
    attempts_left: int | None = None  # None: unlimited


@dataclass(frozen=True, slots=True)
class QuizStatus:
    state: str
    counting: GradedAttempt | None
    decision: RetakeDecision
    attempts_used: int


def counting_attempt(grading: str, attempts: Sequence[GradedAttempt]) -> GradedAttempt | None:
    """The attempt whose result counts: highest (default), latest or first."""
    if not attempts:
        return None
    ordered = sorted(attempts, key=lambda a: a.finished_at)
    if grading == "first":
        return ordered[0]
    if grading == "latest":
        return ordered[-1]
    # Highest; on a tie the earlier one, so the pass date does not move.
    return max(ordered, key=lambda a: (a.percent, -ordered.index(a)))


def retake_decision(settings: QuizSettings, attempts: Sequence[GradedAttempt], now: datetime) -> RetakeDecision:
    """May a new graded attempt start at `now`? Cooldown follows only a failed attempt."""
    used = len(attempts)
    left = None if settings.max_attempts == 0 else max(0, settings.max_attempts - used)
    if left == 0:
        return RetakeDecision(False, "max_attempts", None, 0)
    if attempts and settings.cooldown_minutes:
        last = max(attempts, key=lambda a: a.finished_at)
        if not last.is_passed:
            ready_at = last.finished_at + timedelta(minutes=settings.cooldown_minutes)
            if now < ready_at:
                return RetakeDecision(False, "cooldown", ready_at, left)
    return RetakeDecision(True, "", None, left)


def quiz_status(
    settings: QuizSettings,
    attempts: Sequence[GradedAttempt],
    now: datetime,
    in_progress: bool = False,
) -> QuizStatus:
    """Not started, in progress, passed, or failed (with when the next attempt is allowed)."""
    decision = retake_decision(settings, attempts, now)
    counting = counting_attempt(settings.grading, attempts)
    if in_progress:
        state = IN_PROGRESS
    elif counting is None:
        state = NOT_STARTED
    else:
        state = PASSED if counting.is_passed else FAILED
    return QuizStatus(state, counting, decision, len(attempts))
