"""Cohort use cases: create, edit, archive; assign trainers to cohorts and to region scopes.

Services take the session, the actor and the clock; they flush and raise CohortError, never commit.
Only admins reach these (the views say so); the scope itself lives in course/cohorts/scope.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.models import ROLE_TRAINER, User
from course.accounts.validation import clean_text, name_problem
from course.cohorts.models import Cohort, CohortMember, CohortTrainer, TrainerRegion
from course.problems import N_


class CohortError(Exception):
    """A refusal with a user-facing message template."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CohortData:
    name: str
    region: str | None
    org_type: str | None
    starts_on: date
    due_on: date | None


def _validated(session: Session, data: CohortData, cohort_id: int | None) -> CohortData:
    name = clean_text(data.name)
    problem = name_problem(name)
    if problem:
        raise CohortError(problem)
    if data.region and data.region not in REGIONS or data.org_type and data.org_type not in ORG_TYPES:
        raise CohortError(N_("Choose from the list."))
    if data.due_on is not None and data.due_on < data.starts_on:
        raise CohortError(N_("The due date cannot be before the start date."))
    taken = session.scalar(select(Cohort.id).where(func.lower(Cohort.name) == name.lower()))
    if taken is not None and taken != cohort_id:
        raise CohortError(N_("A cohort with this name already exists."))
    return CohortData(name, data.region or None, data.org_type or None, data.starts_on, data.due_on)


def create_cohort(session: Session, data: CohortData, now: datetime) -> Cohort:
    """A new cohort; names are unique, whatever their case."""
    clean = _validated(session, data, None)
    cohort = Cohort(
        name=clean.name,
        region=clean.region,
        org_type=clean.org_type,
        starts_on=clean.starts_on,
        due_on=clean.due_on,
        created_at=now,
    )
    session.add(cohort)
    session.flush()
    return cohort


def edit_cohort(session: Session, cohort: Cohort, data: CohortData) -> None:
    clean = _validated(session, data, cohort.id)
    cohort.name, cohort.region, cohort.org_type = clean.name, clean.region, clean.org_type
    cohort.starts_on, cohort.due_on = clean.starts_on, clean.due_on
    session.flush()


def set_archived(session: Session, cohort: Cohort, archived: bool) -> None:
    """An archived cohort keeps its members but leaves lists, reminders and trainers' scopes."""
    cohort.is_archived = archived
    session.flush()


def add_trainer(session: Session, cohort: Cohort, trainer: User) -> None:
    if trainer.role != ROLE_TRAINER:
        raise CohortError(N_("Give this account the trainer role first."))
    exists = session.scalar(
        select(CohortTrainer.id).where(CohortTrainer.cohort_id == cohort.id, CohortTrainer.user_id == trainer.id)
    )
    if exists is None:
        session.add(CohortTrainer(cohort_id=cohort.id, user_id=trainer.id))
        session.flush()


def remove_trainer(session: Session, cohort: Cohort, trainer_id: int) -> None:
    session.execute(
        delete(CohortTrainer).where(CohortTrainer.cohort_id == cohort.id, CohortTrainer.user_id == trainer_id)
    )


def add_region_scope(session: Session, trainer: User, region: str, org_type: str | None) -> None:
    """The trainer sees every learner of `region` (of `org_type` only, when given)."""
    if trainer.role != ROLE_TRAINER:
        raise CohortError(N_("Give this account the trainer role first."))
    if region not in REGIONS or (org_type and org_type not in ORG_TYPES):
        raise CohortError(N_("Choose from the list."))
    query = select(TrainerRegion.id).where(
        TrainerRegion.user_id == trainer.id,
        TrainerRegion.region == region,
        TrainerRegion.org_type.is_(None) if not org_type else TrainerRegion.org_type == org_type,
    )
    if session.scalar(query) is None:
        session.add(TrainerRegion(user_id=trainer.id, region=region, org_type=org_type or None))
        session.flush()


def remove_region_scope(session: Session, trainer: User, scope_id: int) -> None:
    session.execute(delete(TrainerRegion).where(TrainerRegion.id == scope_id, TrainerRegion.user_id == trainer.id))


def trainers_of(session: Session, cohort: Cohort) -> list[User]:
    query = select(User).join(CohortTrainer, CohortTrainer.user_id == User.id)
    return list(session.scalars(query.where(CohortTrainer.cohort_id == cohort.id).order_by(User.full_name)))


def trainer_accounts(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == ROLE_TRAINER).order_by(User.full_name)))


def region_scopes(session: Session, trainer_id: int) -> list[TrainerRegion]:
    query = select(TrainerRegion).where(TrainerRegion.user_id == trainer_id).order_by(TrainerRegion.id)
    return list(session.scalars(query))


def member_counts(session: Session, cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    query = select(CohortMember.cohort_id, func.count()).where(CohortMember.cohort_id.in_(cohort_ids))
    return dict(session.execute(query.group_by(CohortMember.cohort_id)).all())
