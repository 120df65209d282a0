"""Cohort tables: cohorts, their members, trainers' scopes, and import batches with their items.

Persistence only: no request, no current_user, no config.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db


class Cohort(db.Model):
    """A named group of learners, e.g. "Lviv oblast police, spring 2027"."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region: Mapped[str | None] = mapped_column(String(32))
    org_type: Mapped[str | None] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CohortMember(db.Model):
    """A learner in a cohort; `batch_id` names the import that added them, if one did."""

    __tablename__ = "cohort_member"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        Index("ix_cohort_member_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CohortTrainer(db.Model):
    """A trainer assigned to a cohort: they see its members (course/cohorts/scope.py)."""

    __tablename__ = "cohort_trainer"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"), Index("ix_cohort_trainer_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))


class TrainerRegion(db.Model):
    """A trainer's region scope: every learner of `region` (and of `org_type`, when set)."""

    __tablename__ = "trainer_region"
    __table_args__ = (UniqueConstraint("user_id", "region", "org_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(32))
    org_type: Mapped[str | None] = mapped_column(String(32))


# An uploaded file is "checked" (clean, waiting for the go-ahead), "rejected" (kept only so its
# errors can be downloaded), "applied" or "undone". The file itself is dropped once applied.
BATCH_CHECKED, BATCH_REJECTED, BATCH_APPLIED, BATCH_UNDONE = "checked", "rejected", "applied", "undone"


class ImportBatch(db.Model):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    source: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # {"created": n, "existed": n, "updated": n, "added": n, "rows": n}
    counts: Mapped[dict] = mapped_column(JSON, default=dict)


class ImportItem(db.Model):
    """What one row of an applied batch did, so the batch can be undone exactly."""

    __tablename__ = "import_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    created: Mapped[bool] = mapped_column(default=False)
    # The account's values before this batch changed them; None when unchanged.
    previous: Mapped[dict | None] = mapped_column(JSON)
