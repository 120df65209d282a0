"""Progress rows: one per (learner, module, lesson) read; ids, never a language's file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import Model


class LessonRead(Model):
    __tablename__ = "lesson_read"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    # The module's content hash when read: later issues show what changed since.
    content_hash: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ModuleLearner(Model):
    """The lessons one learner has read in one module, in one narrow row (issue 13's funnel).

    `lessons` holds the lesson ids read, separated by spaces (lesson ids are lower-case Latin
    letters, digits and hyphens), appended by `mark_read` in the unit of work that records the
    read, so counting "read every lesson the module has now" reads one row per learner and
    module instead of every read. A copy of what `lesson_read` says: no personal data of its own.
    """

    __tablename__ = "module_learner"

    user_id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lessons: Mapped[str] = mapped_column(Text)
