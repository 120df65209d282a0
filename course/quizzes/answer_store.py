"""Store what the reports read of a graded attempt (issue 13): its per-question rows
(`quiz_answer`) and its learner's summary at the quiz version (`quiz_learner`).

Use-case layer: called by `submit_attempt` inside the unit of work that grades the attempt,
so the rows are committed with the result or not at all, and a submission is in the reports
as soon as it is committed. Never commits. The summary is one upsert (INSERT ... ON CONFLICT
DO UPDATE, spelt alike by both engines' dialects), adding to the row it finds, so it needs no
read first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from course.extensions import Session
from course.quizzes.models import FINISHED, QuizAnswer, QuizAttempt, QuizLearner

_ANSWERS = QuizAnswer.__table__.insert()

_GRADED_BEFORE = select(func.count()).where(
    QuizAttempt.user_id == bindparam("user_id"),
    QuizAttempt.quiz_id == bindparam("quiz_id"),
    QuizAttempt.status == FINISHED,
    QuizAttempt.is_practice.is_(False),
    QuizAttempt.id < bindparam("attempt_id"),
)


def graded_number(session: Session, attempt: QuizAttempt) -> int:
    """The open attempt's number among the learner's graded attempts at its quiz, counted over
    every version in the order started (1: their first).

    Ids are given at start and one attempt is open at a time (uq_quiz_attempt_open), so every
    attempt before this one was finished or never will be before it started: the count cannot
    change while it is open. So it is read before the grading write, which on SQLite keeps it
    out of the write lock's window (`@writes_late`): a shorter window is fewer collisions
    between workers, each of which costs SQLite's busy handler a sleep of a millisecond or more."""
    params = {"user_id": attempt.user_id, "quiz_id": attempt.quiz_id, "attempt_id": attempt.id}
    return int(session.scalar(_GRADED_BEFORE, params) or 0) + 1


def store_report_rows(
    session: Session, rows: list[dict], quiz: tuple[int, str, str, datetime, datetime | None]
) -> None:
    """Both, for the attempt just graded: `rows` from `answer_rows` (built before the write, as
    its number is), and `quiz` is its learner, quiz and version, when it started and when it was
    passed (None for a fail)."""
    user_id, quiz_id, content_hash, started_at, passed_at = quiz
    if rows:
        session.execute(_ANSWERS, rows)
    _summary(session, (user_id, quiz_id, content_hash), started_at, passed_at)


def _summary(session: Session, key: tuple[int, str, str], started_at: datetime, passed_at: datetime | None) -> None:
    user_id, quiz_id, content_hash = key
    values = {"user_id": user_id, "quiz_id": quiz_id, "content_hash": content_hash}
    values |= {"started_at": started_at, "passed_at": passed_at, "tries": 1 if passed_at else None}
    session.execute(_SUMMARY[session.get_bind().dialect.name], values)


def _summary_upsert(dialect) -> Any:
    """The summary upsert with bound parameters, built once per dialect: building it (and
    compiling a statement new each time) cost more than the rest of grading."""
    table = QuizLearner.__table__
    statement = dialect.insert(table).values(
        user_id=bindparam("user_id"),
        quiz_id=bindparam("quiz_id"),
        content_hash=bindparam("content_hash"),
        attempts=1,
        first_started_at=bindparam("started_at"),
        tries_to_pass=bindparam("tries"),
        passed_at=bindparam("passed_at"),
    )
    passed_now = statement.excluded.passed_at.is_not(None)
    return statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.quiz_id, table.c.content_hash],
        set_={
            "attempts": table.c.attempts + 1,
            "tries_to_pass": func.coalesce(table.c.tries_to_pass, case((passed_now, table.c.attempts + 1))),
            "passed_at": func.coalesce(table.c.passed_at, statement.excluded.passed_at),
        },
    )


_SUMMARY = {"postgresql": _summary_upsert(postgresql), "sqlite": _summary_upsert(sqlite)}
