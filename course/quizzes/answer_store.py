"""Write what the reports read of graded attempts (issue 13): their per-question rows
(`quiz_answer`) and each learner's summary at the quiz version (`quiz_learner`).

Use-case layer, written after grading, in batches. Grading only marks the attempt
(`report_rows_pending`, set by the UPDATE that grades it), so the hottest write stays one
statement: writing ten rows and an upsert in it cost a fifth of the submit rate (issue 11's
benchmark). The report pages write the pending rows before they read, so every committed
submission is in them; `flask reports refresh`, run every minute, keeps the backlog short.

Several processes may write at once. An attempt is claimed by the UPDATE that clears its mark
and re-checks it (`... WHERE report_rows_pending`): on PostgreSQL a second claim of the same row
waits for the first to commit and then finds the mark cleared; on SQLite the claim holds the
write lock. So each attempt is counted once. Never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from course.extensions import Session
from course.quizzes.answers import GradedFacts, answer_rows, learner_rows
from course.quizzes.models import QuizAnswer, QuizAttempt, QuizLearner

# Attempts written per statement pair: about ten rows each, so a batch holds SQLite's write
# lock for a few hundredths of a second, between which submits go on.
BATCH = 500

_ATTEMPT = QuizAttempt.__table__
_PENDING = _ATTEMPT.c.report_rows_pending
_ANY_PENDING = select(_ATTEMPT.c.id).where(_PENDING).limit(1)
_COUNT_PENDING = select(func.count()).select_from(_ATTEMPT).where(_PENDING)
_CLAIM = (
    _ATTEMPT.update()
    .where(_ATTEMPT.c.id.in_(select(_ATTEMPT.c.id).where(_PENDING).order_by(_ATTEMPT.c.id).limit(bindparam("n"))))
    .where(_PENDING)
    .values(report_rows_pending=False)
    .returning(
        *(_ATTEMPT.c[name] for name in ("id", "user_id", "quiz_id", "content_hash", "attempt_no", "lang")),
        *(_ATTEMPT.c[name] for name in ("score", "percent", "is_passed", "started_at", "finished_at")),
        *(_ATTEMPT.c[name] for name in ("results", "answers")),
    )
)
_ANSWERS = QuizAnswer.__table__.insert()


def pending_count(session: Session) -> int:
    """Graded attempts whose report rows are not written yet."""
    return session.execute(_COUNT_PENDING).scalar_one()


def write_pending_report_rows(session: Session, limit: int = BATCH) -> int:
    """Write the report rows of up to `limit` pending attempts, oldest first; return how many
    attempts were written. Reads first, so a caller with nothing pending takes no lock."""
    if session.execute(_ANY_PENDING).first() is None:
        return 0
    claimed = sorted(session.execute(_CLAIM, {"n": limit}).all(), key=lambda attempt: attempt.id)
    if not claimed:
        return 0  # another process claimed them between the look and the claim
    answers = [row for attempt in claimed for row in _answer_rows(attempt)]
    if answers:
        session.execute(_ANSWERS, answers)
    summaries = learner_rows(dict(attempt._mapping) for attempt in claimed)
    session.execute(_SUMMARY[session.get_bind().dialect.name], summaries)
    return len(claimed)


def _answer_rows(attempt: Row) -> list[dict]:
    if attempt.attempt_no is None:
        raise ValueError(f"attempt {attempt.id} is graded but has no number: only practice rounds go without")
    facts = GradedFacts(
        attempt.id,
        attempt.user_id,
        attempt.content_hash,
        attempt.attempt_no,
        attempt.lang,
        attempt.score,
        attempt.percent,
    )
    return answer_rows(facts, attempt.results or {}, attempt.answers)


def _summary_upsert(dialect) -> Any:
    """Add a batch's summary of one learner at one quiz version (`learner_rows`: its attempts
    in the order started, the first start, and which of them passed first and when) to the
    row already there. Built once per dialect: compiling a statement new each time costs more
    than running it."""
    table = QuizLearner.__table__
    statement = dialect.insert(table)
    added = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.quiz_id, table.c.content_hash],
        set_={
            "attempts": table.c.attempts + added.attempts,
            # A pass in this batch is its `tries_to_pass`-th attempt here, after those counted
            # before (NULL when none passed, which leaves the row's own value).
            "tries_to_pass": func.coalesce(table.c.tries_to_pass, table.c.attempts + added.tries_to_pass),
            "passed_at": func.coalesce(table.c.passed_at, added.passed_at),
        },
    )


_SUMMARY: dict[str, Any] = {"postgresql": _summary_upsert(postgresql), "sqlite": _summary_upsert(sqlite)}
