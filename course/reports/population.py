"""Who a report counts: the one place the learner population is defined.

Every report query starts from `learner_ids(actor, filters)`, a SELECT of user ids, so a
restriction is added here once and holds in every report, on the screen and in the CSV alike.
It starts from the viewer's scope, `visible_learners(actor)` (course/cohorts/scope.py): an
admin counts every learner, a trainer only the learners they may see, whatever the filters
say; a cohort filter then narrows that further. Use-case layer: models, an actor (`.id`,
`.role`) and a `Filters` value, no request, no current_user.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, exists, or_

from course.accounts.models import ROLE_LEARNER, User
from course.cohorts.models import CohortMember
from course.cohorts.scope import Actor, visible_learners
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


def learner_ids(actor: Actor, filters: Filters) -> Select:
    """SELECT user.id of the learners `actor` may see that the filters describe (for an admin,
    erased accounts included: their row stays, without personal data, for exactly this kind of
    count; a trainer's scope leaves them out)."""
    statement = visible_learners(actor).with_only_columns(User.id).where(User.role == ROLE_LEARNER)
    if filters.cohort is not None:
        member = exists().where(CohortMember.user_id == User.id, CohortMember.cohort_id == filters.cohort)
        statement = statement.where(member)
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
