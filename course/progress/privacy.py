"""Progress's part of the export and erasure: lesson reads.

The reads carry no personal data beyond the user id, which erasure turns into a pseudonym;
they stay, so course statistics keep their counts (DATA-2)."""

from __future__ import annotations

from datetime import datetime

from course.accounts.models import User
from course.extensions import Session
from course.privacy.registry import Contributor, Rows, register, rows
from course.progress.models import LessonRead


def export(session: Session, user: User) -> dict[str, Rows]:
    table = LessonRead.__table__
    return {"lesson_read": rows(session, table, table.c.user_id == user.id)}


def erase(session: Session, user: User, now: datetime) -> None:
    """Nothing to remove: a read is (pseudonymous id, lesson, time)."""


register(Contributor("progress", ("lesson_read",), export, erase))
