"""Who may see which learner: the ONE place the trainer scope is enforced.

Every admin query about learners starts from `visible_learners(actor)` (the learners report, its
CSV, its search, the learner page, cohort member lists, the import's matching of existing
accounts), so a new page cannot forget the scope. An admin sees everyone; a trainer sees the
learners of their cohorts that are not archived, and of their region (x organisation type) scopes,
and nobody else: not admins, not other trainers, not erased accounts; anyone else sees nobody.

`actor` needs only `.id` and `.role` (current_user is a read-only value). Use-case layer: no request.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Select, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from course.accounts.models import ROLE_ADMIN, ROLE_LEARNER, ROLE_TRAINER, User
from course.cohorts.models import Cohort, CohortMember, CohortTrainer, ImportBatch, TrainerRegion


class Actor(Protocol):
    id: int
    role: str


def _trainer_cohort_ids(actor: Actor):
    return (
        select(CohortTrainer.cohort_id)
        .join(Cohort, Cohort.id == CohortTrainer.cohort_id)
        .where(CohortTrainer.user_id == actor.id, Cohort.is_archived.is_(False))
    )


def learner_condition(actor: Actor):
    """The WHERE clause on `User` for the learners `actor` may see."""
    if actor.role == ROLE_ADMIN:
        return User.id.is_not(None)
    if actor.role != ROLE_TRAINER:
        return false()
    in_cohort = exists().where(CohortMember.user_id == User.id, CohortMember.cohort_id.in_(_trainer_cohort_ids(actor)))
    in_region = exists().where(
        TrainerRegion.user_id == actor.id,
        TrainerRegion.region == User.region,
        or_(TrainerRegion.org_type.is_(None), TrainerRegion.org_type == User.org_type),
    )
    return and_(User.role == ROLE_LEARNER, User.erased_at.is_(None), or_(in_cohort, in_region))


def visible_learners(actor: Actor) -> Select:
    """`SELECT user ...` limited to what `actor` may see; add filters, order and paging to it."""
    return select(User).where(learner_condition(actor))


def visible_learner(session: Session, actor: Actor, user_id: int) -> User | None:
    """The user if `actor` may see them; None alike for "no such user" and "not yours" (AC-3)."""
    return session.scalar(visible_learners(actor).where(User.id == user_id))


def visible_cohorts(actor: Actor) -> Select:
    """Cohorts `actor` may open: all for an admin, their own unarchived ones for a trainer."""
    if actor.role == ROLE_ADMIN:
        return select(Cohort)
    if actor.role != ROLE_TRAINER:
        return select(Cohort).where(false())
    return select(Cohort).where(Cohort.id.in_(_trainer_cohort_ids(actor)))


def visible_cohort(session: Session, actor: Actor, cohort_id: int) -> Cohort | None:
    return session.scalar(visible_cohorts(actor).where(Cohort.id == cohort_id))


def visible_batches(actor: Actor) -> Select:
    """Import batches: an admin sees all; a trainer only those they uploaded themselves (their
    rows name learners, perhaps ones the trainer never got to see)."""
    if actor.role == ROLE_ADMIN:
        return select(ImportBatch)
    if actor.role != ROLE_TRAINER:
        return select(ImportBatch).where(false())
    return select(ImportBatch).where(ImportBatch.created_by_id == actor.id)


def visible_batch(session: Session, actor: Actor, batch_id: int) -> ImportBatch | None:
    return session.scalar(visible_batches(actor).where(ImportBatch.id == batch_id))
