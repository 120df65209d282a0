"""Store what the reports read of a graded attempt (issue 13): its per-question rows
(`quiz_answer`) and its learner's summary at the quiz version (`quiz_learner`).

Use-case layer: called by `submit_attempt` inside the unit of work that grades the attempt,
so the rows are committed with the result or not at all, and a submission is in the reports
as soon as it is committed. Never commits. The summary is one upsert (INSERT ... ON CONFLICT
DO UPDATE, spelt alike by both engines' dialects), adding to the row it finds, so it needs no
read first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func
from sqlalchemy.dialects import postgresql, sqlite

from course.extensions import Session
from course.quizzes.answers import GradedFacts, answer_rows
from course.quizzes.models import QuizAnswer, QuizAttempt, QuizLearner

_ANSWERS = QuizAnswer.__table__.insert()


@dataclass(frozen=True, slots=True)
class ReportRows:
    """What the reports get of one graded attempt: its `quiz_answer` rows and the parameters
    of its `quiz_learner` upsert."""

    answers: list[dict]
    summary: dict[str, Any]


def report_rows(
    attempt: QuizAttempt,
    graded: tuple[float, float, datetime | None],
    results: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> ReportRows:
    """The rows for the open `attempt` about to be graded (`graded`: score, percentage, and when
    it was passed or None), built before the grading write, from what the attempt holds: its
    number among the learner's graded attempts was fixed when it started, so grading reads
    nothing more (and, on SQLite, nothing inside the write-lock window of `@writes_late`)."""
    score, percent, passed_at = graded
    if attempt.attempt_no is None:
        raise ValueError(f"attempt {attempt.id} is graded but has no number: only practice rounds go without")
    facts = GradedFacts(
        attempt.id, attempt.user_id, attempt.content_hash, attempt.attempt_no, attempt.lang, score, percent
    )
    summary = {"user_id": attempt.user_id, "quiz_id": attempt.quiz_id, "content_hash": attempt.content_hash}
    summary |= {"started_at": attempt.started_at, "passed_at": passed_at, "tries": 1 if passed_at else None}
    return ReportRows(answer_rows(facts, results, answers), summary)


def store_report_rows(session: Session, report: ReportRows) -> None:
    """Both, in the unit of work that grades the attempt."""
    if report.answers:
        session.execute(_ANSWERS, report.answers)
    session.execute(_SUMMARY[session.get_bind().dialect.name], report.summary)


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
