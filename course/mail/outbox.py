"""Outbox use cases: enqueue a message, claim one for sending, record what happened to it.

Services take the session and the clock and flush; the worker (course/mail/worker.py) commits
between the steps, because each step must be durable before the next one starts: the attempt is
recorded before the message is handed to SMTP, and marked sent only after SMTP accepted it.

Claiming is safe with several workers on several hosts: PostgreSQL skips rows another worker has
locked (`FOR UPDATE SKIP LOCKED`); on SQLite, one UPDATE both picks and claims the row, under the
database's write lock.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course.accounts.models import User
from course.mail.models import DISMISSED, FAILED, PENDING, SENDING, SENT, UNCONFIRMED, OutboxMessage

MAX_BACKOFF = timedelta(hours=6)
# A "sending" row older than this lost its worker mid-send: it is flagged, never resent by itself.
STALE_AFTER = timedelta(minutes=15)


def enqueue(
    session: Session, kind: str, user: User, now: datetime, params: dict | None = None, actor_id: int | None = None
) -> OutboxMessage:
    """A message for `user`, in their language, written with the caller's change."""
    message = OutboxMessage(
        kind=kind,
        user_id=user.id,
        to_address=user.email,
        locale=user.locale,
        params=params or {},
        created_by_id=actor_id,
        status=PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    session.flush()
    return message


def _due(now: datetime):
    return (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )


def claim_next(session: Session, worker: str, now: datetime) -> OutboxMessage | None:
    """Claim the next due message: it becomes "sending" with one more attempt recorded."""
    token = f"{worker}:{secrets.token_hex(8)}"[:64]
    claimed = {
        "status": SENDING,
        "attempts": OutboxMessage.attempts + 1,
        "claimed_at": now,
        "claimed_by": token,
    }
    if session.get_bind().dialect.name == "postgresql":
        message_id = session.scalar(_due(now).with_for_update(skip_locked=True))
        if message_id is None:
            return None
        statement = update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING)
    else:
        statement = update(OutboxMessage).where(
            OutboxMessage.id == _due(now).scalar_subquery(), OutboxMessage.status == PENDING
        )
    if session.execute(statement.values(**claimed), execution_options={"synchronize_session": False}).rowcount != 1:
        return None
    return session.scalar(select(OutboxMessage).where(OutboxMessage.claimed_by == token))


def mark_sent(message: OutboxMessage, now: datetime) -> None:
    message.status, message.sent_at, message.last_error = SENT, now, None


def mark_not_sent(message: OutboxMessage, reason: str, temporary: bool, max_attempts: int, now: datetime) -> None:
    """Nothing was handed over: retry later with exponential back-off, or give up."""
    message.last_error = reason[:2000]
    if not temporary or message.attempts >= max_attempts:
        message.status = FAILED
        return
    delay = min(timedelta(minutes=2 ** (message.attempts - 1)), MAX_BACKOFF)
    message.status, message.next_attempt_at = PENDING, now + delay


def mark_unconfirmed(message: OutboxMessage, reason: str) -> None:
    message.status, message.last_error = UNCONFIRMED, reason[:2000]


def flag_stale(session: Session, now: datetime) -> int:
    """Rows left "sending" by a worker that died mid-send become "unconfirmed" for the admin."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - STALE_AFTER)
        .values(status=UNCONFIRMED, last_error="the worker stopped before the server confirmed this message")
    )
    return session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def needing_attention(session: Session, now: datetime, limit: int = 200) -> list[OutboxMessage]:
    """Messages an admin must decide about: unconfirmed, failed, or stuck mid-send."""
    stuck = (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - STALE_AFTER)
    query = select(OutboxMessage).where((OutboxMessage.status.in_((UNCONFIRMED, FAILED))) | stuck)
    return list(session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


def decide(message: OutboxMessage, resend: bool, now: datetime) -> None:
    """The admin's decision on a flagged message: send it again, or set it aside."""
    if message.status not in (UNCONFIRMED, FAILED, SENDING):
        return
    if resend:
        message.status, message.next_attempt_at, message.attempts = PENDING, now, 0
    else:
        message.status = DISMISSED
