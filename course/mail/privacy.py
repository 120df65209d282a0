"""Mail's part of the export and erasure (DATA-1, DATA-2): the outbox rows addressed to the
learner. Erasure deletes them, sent or not: each holds the e-mail address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from course.mail.models import OutboxMessage
from course.privacy.registry import Contributor, Rows, register, rows


def export(session: Session, user) -> dict[str, Rows]:
    table = OutboxMessage.__table__
    return {"outbox_message": rows(session, table, table.c.user_id == user.id)}


def erase(session: Session, user, now: datetime) -> None:
    session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user.id))


register(Contributor("mail", ("outbox_message",), export, erase))
