"""The outbox: one row per e-mail, written in the same transaction as the change that caused it.

A row is `pending` (waiting, perhaps for its next retry), `sending` (a worker recorded an attempt
and has not confirmed it yet), `sent`, `failed` (the server refused it for good, or retries ran
out), `unconfirmed` (an attempt whose outcome is unknown: the admin decides, it is never resent by
itself) or `dismissed` (the admin set it aside). The message text is composed at send time, in the
recipient's language; one-time links are made then too, so the table never holds a usable link.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db

PENDING, SENDING, SENT, FAILED, UNCONFIRMED, DISMISSED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "unconfirmed",
    "dismissed",
)
KIND_INVITATION, KIND_RESET, KIND_REMINDER = "invitation", "reset", "reminder"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
