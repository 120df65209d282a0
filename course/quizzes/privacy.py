"""Quizzes' part of the export and erasure: attempts with their answers and results.

Attempts hold choices between authored options, never free text about the learner, so they
stay under the pseudonymous user id for the item statistics (DATA-2). The reports' per-question
rows (`quiz_answer`) are a narrower copy of the same results and answers, so the attempts in the
export already hold everything they say."""

from __future__ import annotations

from datetime import datetime

from course.accounts.models import User
from course.extensions import Session
from course.privacy.registry import Contributor, Rows, register, rows
from course.quizzes.models import QuizAttempt


def export(session: Session, user: User) -> dict[str, Rows]:
    table = QuizAttempt.__table__
    return {"quiz_attempt": rows(session, table, table.c.user_id == user.id)}


def erase(session: Session, user: User, now: datetime) -> None:
    """Nothing to remove: answers are option ids of the quiz, under a pseudonymous id."""


register(Contributor("quizzes", ("quiz_attempt",), export, erase))
