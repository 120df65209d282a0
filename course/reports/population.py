"""Who a report counts: the one place the learner population is defined.

Every report query starts from `learner_ids(filters)`, a SELECT of user ids, so a new
restriction (a cohort filter, a trainer who sees only their own cohorts) is added here once
and holds in every report, on the screen and in the CSV alike. Use-case layer: models and a
`Filters` value, no request, no current_user.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, exists, or_, select

from course.accounts.models import ROLE_LEARNER, User
from course.progress.models import LessonRead
from course.quizzes.models import FINISHED, QuizAttempt
from course.reports.filters import Filters


def period_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The period as UTC instants: from the start of `start` to the end of `end` (inclusive)."""
    start = datetime.combine(filters.start, time(), UTC) if filters.start else None
    end = datetime.combine(filters.end + timedelta(days=1), time(), UTC) if filters.end else None
    return start, end


def _within(column, start: datetime | None, end: datetime | None) -> list:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def learner_ids(filters: Filters) -> Select:
    """SELECT user.id of the learners the filters describe (erased accounts included: their
    row stays, without personal data, for exactly this kind of count)."""
    statement = select(User.id).where(User.role == ROLE_LEARNER)
    if filters.region:
        statement = statement.where(User.region == filters.region)
    if filters.org_type:
        statement = statement.where(User.org_type == filters.org_type)
    if filters.lang:
        statement = statement.where(User.locale == filters.lang)
    start, end = period_bounds(filters)
    if start is None and end is None:
        return statement
    if filters.period == "registration":
        return statement.where(*_within(User.created_at, start, end))
    read = exists().where(LessonRead.user_id == User.id, *_within(LessonRead.read_at, start, end))
    attempted = exists().where(
        QuizAttempt.user_id == User.id,
        QuizAttempt.status == FINISHED,
        *_within(QuizAttempt.finished_at, start, end),
    )
    return statement.where(or_(read, attempted))
