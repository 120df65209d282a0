"""The outbox worker behind `flask mail send`: at most once, even if killed mid-send.

For each message: (1) claim it and record the attempt, commit; (2) make its one-time link, if
it has one, and compose it in the recipient's language, commit; (3) hand it to SMTP; (4) record
the outcome, commit. A worker killed between (1) and (4) leaves the row "sending": no worker
claims it again, and after a while it is flagged "unconfirmed" for the admin to decide.

Run from the CLI (it owns the transactions). Links are built by a callable the caller passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from course.accounts.models import User
from course.accounts.services import AccountError, issue_reset
from course.extensions import Session
from course.mail import outbox
from course.mail.compose import compose
from course.mail.models import KIND_INVITATION, KIND_RESET, OutboxMessage
from course.mail.smtp import NotSent, SmtpSettings, Unconfirmed, build, send
from course.message_catalogs import translations_dir, translator


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    smtp: SmtpSettings
    max_attempts: int
    reset_ttl: timedelta
    invitation_ttl: timedelta
    link: Callable[..., str]  # (endpoint, **values) -> absolute URL
    message_domain: str = "frontline.invalid"


@dataclass
class Summary:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    unconfirmed: int = 0
    flagged: int = 0
    errors: list[str] = field(default_factory=list)


def _params(session: Session, message: OutboxMessage, user: User, settings: WorkerSettings, now: datetime) -> dict:
    """What the text needs; for invitations and resets, a new one-time link (only its hash is kept)."""
    params = {"name": user.full_name, "email": user.email, **message.params}
    if message.kind in (KIND_INVITATION, KIND_RESET):
        ttl = settings.invitation_ttl if message.kind == KIND_INVITATION else settings.reset_ttl
        issuer = SimpleNamespace(id=message.created_by_id)
        token = issue_reset(session, user, issuer, now, ttl)  # type: ignore[arg-type]
        params.update(
            link=settings.link("accounts.reset_start", token=token),
            expires=f"{now + ttl:%Y-%m-%d %H:%M}",
            minutes=int(ttl.total_seconds() // 60),
        )
    else:
        params.update(
            link=settings.link("progress.dashboard"),
            account_link=settings.link("accounts.account"),
        )
    return params


def deliver(session: Session, message: OutboxMessage, settings: WorkerSettings, clock: Callable[[], datetime]) -> str:
    """Steps (2) to (4) for one claimed message; returns its outcome."""
    user = session.get(User, message.user_id)
    try:
        if user is None or user.erased_at is not None:
            raise AccountError("the recipient's account is gone")
        params = _params(session, message, user, settings, clock())
    except AccountError as refusal:
        outbox.mark_not_sent(message, refusal.message, False, settings.max_attempts, clock())
        session.commit()
        return "failed"
    subject, body = compose(message.kind, params, translator(message.locale, translations_dir()))
    email = build(settings.smtp, message.to_address, subject, body, f"<outbox-{message.id}@{settings.message_domain}>")
    session.commit()  # the link exists before anyone can receive it
    try:
        send(settings.smtp, email)
    except NotSent as error:
        outbox.mark_not_sent(message, str(error), error.temporary, settings.max_attempts, clock())
        outcome = "retry" if message.status == "pending" else "failed"
    except Unconfirmed as error:
        outbox.mark_unconfirmed(message, str(error))
        outcome = "unconfirmed"
    else:
        outbox.mark_sent(message, clock())
        outcome = "sent"
    session.commit()
    return outcome


def run(session: Session, settings: WorkerSettings, clock: Callable[[], datetime], worker: str, limit: int) -> Summary:
    """Send every due message (at most `limit`), one claim at a time; stop when none is due."""
    summary = Summary()
    summary.flagged = outbox.flag_stale(session, clock())
    session.commit()
    for _ in range(limit):
        message = outbox.claim_next(session, worker, clock())
        session.commit()  # (1): the attempt is on record before anything is sent
        if message is None:
            break
        outcome = deliver(session, message, settings, clock)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if outcome != "sent" and message.last_error:
            summary.errors.append(f"#{message.id}: {message.last_error}")
        if outcome == "retry":
            break  # the server is unreachable or busy: the rest wait for the next run
    return summary
