"""Domain errors raised by quiz services; views and the CLI turn them into pages and exit codes.

Core module: standard library only.
"""

from __future__ import annotations

from datetime import datetime

from course.problems import N_


class QuizError(Exception):
    """Base of every refusal a learner can meet; `message` is an English template."""

    message = N_("This action is not possible.")


class AttemptNotFound(QuizError):
    """No such attempt, or not the learner's own (both look the same: AC-3, QUIZ-3)."""

    message = N_("This attempt does not exist.")


class AttemptAlreadySubmitted(QuizError):
    message = N_("This attempt was already submitted. Here is its result.")


class StaleAttempt(QuizError):
    """The form came from an older version of the attempt (another tab saved since): QUIZ-6."""

    message = N_("This quiz was changed in another tab. Here is the latest state.")

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


class InvalidAnswer(QuizError):
    """A tampered or malformed answer (QUIZ-2)."""

    message = N_("Some answers were not valid for this attempt. Nothing was changed.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class RetakeNotAllowed(QuizError):
    def __init__(self, reason: str, next_allowed_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.next_allowed_at = next_allowed_at
        self.message = (
            N_("You have used all the attempts allowed for this quiz.")
            if reason == "max_attempts"
            else N_("You can take this quiz again after a short break.")
        )


class PracticeNotAvailable(QuizError):
    message = N_("There is nothing to practise: every question was answered correctly.")
