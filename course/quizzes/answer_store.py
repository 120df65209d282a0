"""Store a graded attempt's per-question rows (`quiz_answer`) for the reports (issue 13).

Use-case layer: called by `submit_attempt` inside the unit of work that grades the attempt,
so the rows are committed with the result or not at all, and a submission is in the item
analysis as soon as it is committed. Never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, func, select

from course.extensions import Session
from course.quizzes.answers import GradedFacts, answer_rows
from course.quizzes.models import FINISHED, QuizAnswer, QuizAttempt

_ANSWERS = QuizAnswer.__table__.insert()

_ATTEMPT_NO = select(func.count()).where(
    QuizAttempt.user_id == bindparam("user_id"),
    QuizAttempt.quiz_id == bindparam("quiz_id"),
    QuizAttempt.status == FINISHED,
    QuizAttempt.is_practice.is_(False),
    QuizAttempt.id <= bindparam("attempt_id"),
)


def store_answer_rows(
    session: Session,
    facts: tuple[int, int, str, str, str | None],
    score: float,
    percent: float,
    results: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> None:
    """The graded attempt's per-question rows, in the caller's unit of work.

    Its number among the learner's graded attempts at the quiz counts those finished with an
    id up to its own: ids are given at start and one attempt is open at a time
    (uq_quiz_attempt_open), so that is the order they were started in."""
    attempt_id, user_id, quiz_id, content_hash, lang = facts
    number = session.scalar(_ATTEMPT_NO, {"user_id": user_id, "quiz_id": quiz_id, "attempt_id": attempt_id})
    graded = GradedFacts(attempt_id, user_id, content_hash, int(number or 1), lang, score, percent)
    rows = answer_rows(graded, results, answers)
    if rows:
        session.execute(_ANSWERS, rows)
