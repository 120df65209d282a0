"""Cohorts' part of the export and erasure (DATA-1, DATA-2).

Exported: the learner's cohort memberships, what imports did to their account, and (for a
trainer) their cohorts and region scopes. Erased: the import items (their `previous` values hold
an old name), and any upload not yet imported that names the learner (an upload is kept at most
a day, and an imported one no longer holds its file). Memberships stay, under the bare account
number, for course statistics.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from course.cohorts.models import (
    BATCH_CHECKED,
    BATCH_REJECTED,
    CohortMember,
    CohortTrainer,
    ImportBatch,
    ImportItem,
    TrainerRegion,
)
from course.privacy.registry import Contributor, Rows, register, rows

TABLES = (CohortMember, CohortTrainer, TrainerRegion, ImportItem)


def export(session: Session, user) -> dict[str, Rows]:
    return {
        model.__tablename__: rows(session, model.__table__, model.__table__.c.user_id == user.id) for model in TABLES
    }


def erase(session: Session, user, now: datetime) -> None:
    session.execute(delete(ImportItem).where(ImportItem.user_id == user.id))
    email = user.email.lower().encode()
    pending = select(ImportBatch).where(ImportBatch.status.in_((BATCH_CHECKED, BATCH_REJECTED)))
    for batch in session.scalars(pending):
        if batch.source and email in batch.source.lower():
            session.delete(batch)


register(Contributor("cohorts", tuple(model.__tablename__ for model in TABLES), export, erase))
