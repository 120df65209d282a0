"""The weekly reminder to learners who stalled in a cohort with a due date (`flask mail remind`).

Stalled: the course is not finished and nothing was read for REMINDER_STALLED_DAYS, counted from
the later of their last lesson read and the day they joined the cohort. One reminder a week at
most, whatever the number of cohorts; learners who opted out (My account) get none.
Use case: session, catalog modules and clock passed in; flush, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.accounts.models import ROLE_LEARNER, User
from course.clock import as_utc
from course.cohorts.models import Cohort, CohortMember
from course.content.types import Module
from course.mail.models import KIND_REMINDER, OutboxMessage
from course.mail.outbox import enqueue
from course.progress.models import LessonRead
from course.progress.rules import course_progress

WEEK = timedelta(days=6, hours=12)  # a cron that runs a little early still skips last week's


@dataclass(frozen=True, slots=True)
class Due:
    cohort: Cohort
    percent: int
    days_left: int


def active_cohorts(session: Session, today: date) -> list[Cohort]:
    query = select(Cohort).where(
        Cohort.is_archived.is_(False), Cohort.due_on.is_not(None), Cohort.due_on >= today, Cohort.starts_on <= today
    )
    return list(session.scalars(query.order_by(Cohort.due_on, Cohort.id)))


def _members(session: Session, cohort: Cohort):
    query = (
        select(User, CohortMember.added_at)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort.id,
            User.role == ROLE_LEARNER,
            User.is_active.is_(True),
            User.erased_at.is_(None),
            User.reminders_opt_out.is_(False),
        )
    )
    return session.execute(query).all()


def _recently_reminded(session: Session, now: datetime) -> set[int]:
    query = select(OutboxMessage.user_id).where(
        OutboxMessage.kind == KIND_REMINDER, OutboxMessage.created_at > now - WEEK
    )
    return set(session.scalars(query))


def _reads(session: Session, user_ids: list[int]) -> dict[int, list]:
    reads: dict[int, list] = {}
    if user_ids:
        query = select(LessonRead.user_id, LessonRead.module_id, LessonRead.lesson_id, LessonRead.read_at)
        for user_id, module_id, lesson_id, read_at in session.execute(query.where(LessonRead.user_id.in_(user_ids))):
            reads.setdefault(user_id, []).append((module_id, lesson_id, as_utc(read_at)))
    return reads


def enqueue_reminders(session: Session, modules: Sequence[Module], now: datetime, stalled: timedelta) -> int:
    """Put a reminder in the outbox for each stalled learner; returns how many."""
    done = _recently_reminded(session, now)
    count = 0
    for cohort in active_cohorts(session, now.date()):
        members = [(user, added) for user, added in _members(session, cohort) if user.id not in done]
        reads = _reads(session, [user.id for user, _added in members])
        for user, added_at in members:
            mine = reads.get(user.id, [])
            progress = course_progress(modules, [(m, lesson) for m, lesson, _at in mine])
            last = max([as_utc(added_at), *(at for _m, _l, at in mine)])
            if progress.percent >= 100 or now - last < stalled:
                continue
            params = {"cohort": cohort.name, "due": cohort.due_on.isoformat(), "percent": f"{progress.percent}%"}
            enqueue(session, KIND_REMINDER, user, now, params)
            done.add(user.id)
            count += 1
    return count


def dashboard_dues(session: Session, user_id: int, percent: int, today: date) -> list[Due]:
    """The learner's cohorts with a due date, soonest first, for the dashboard."""
    query = (
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, Cohort.is_archived.is_(False), Cohort.due_on.is_not(None))
        .order_by(Cohort.due_on)
    )
    return [Due(cohort, percent, (cohort.due_on - today).days) for cohort in session.scalars(query)]
