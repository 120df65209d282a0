"""Bulk enrolment: check a whole file against the database, apply it as one batch, undo it.

Use cases: a session, the actor and the clock passed in; flush, never commit. The file is parsed
by the pure core (course/cohorts/csvfile.py); here each row meets the database: an e-mail
(case-insensitive, trimmed) that has an account is "already existed" (its name, organisation,
region and position are brought up to date: an upsert), any other is created. Nothing is written
until the whole file is clean, and the change guard refuses a file that would change more than a
set share of the existing learner accounts (a wrong file must not rename a whole region).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from course.accounts.models import ROLE_LEARNER, ROLE_TRAINER, PasswordReset, User
from course.cohorts.csvfile import ParsedFile, Row, RowProblem, parse
from course.cohorts.models import (
    BATCH_APPLIED,
    BATCH_CHECKED,
    BATCH_REJECTED,
    BATCH_UNDONE,
    Cohort,
    CohortMember,
    ImportBatch,
    ImportItem,
)
from course.cohorts.scope import Actor, learner_condition
from course.cohorts.services import CohortError
from course.mail.models import KIND_INVITATION, OutboxMessage
from course.problems import N_
from course.progress.models import LessonRead
from course.quizzes.models import QuizAttempt

CHUNK = 500  # bound parameters per IN (...): well under SQLite's and PostgreSQL's limits
PROFILE = ("full_name", "org_type", "region", "position")
GUARD_FLOOR = 10  # a file may always change this many accounts, whatever the share
KEEP_UNAPPLIED = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ImportSettings:
    max_bytes: int
    max_changed_share: float
    invitation_ttl: timedelta
    mail_enabled: bool
    choices: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Planned:
    row: Row
    user_id: int | None  # None: to be created
    changes: dict  # column -> new value, for an existing account
    previous: dict  # column -> old value
    add_to_cohort: bool


@dataclass
class Check:
    parsed: ParsedFile
    problems: list[RowProblem]
    plan: list[Planned]
    refusal: str | None = None
    refusal_params: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and self.refusal is None and bool(self.plan)

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.plan),
            "created": sum(p.user_id is None for p in self.plan),
            "existed": sum(p.user_id is not None for p in self.plan),
            "updated": sum(bool(p.changes) for p in self.plan),
            "added": sum(p.add_to_cohort for p in self.plan),
        }


@dataclass(frozen=True, slots=True)
class Invitation:
    email: str
    full_name: str
    token: str


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(session: Session, actor: Actor, emails: list[str]) -> tuple[dict[str, User], set[int]]:
    """Accounts already holding these e-mails, and which of them `actor` may see."""
    found: dict[str, User] = {}
    visible: set[int] = set()
    for chunk in _chunks(emails):
        for user in session.scalars(select(User).where(User.email.in_(chunk))):
            found[user.email] = user
        visible.update(session.scalars(select(User.id).where(User.email.in_(chunk), learner_condition(actor))))
    return found, visible


def _members(session: Session, cohort: Cohort | None, user_ids: list[int]) -> set[int]:
    if cohort is None:
        return set()
    members: set[int] = set()
    for chunk in _chunks(user_ids):
        query = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id.in_(chunk))
        members.update(session.scalars(query))
    return members


def _refusal(actor: Actor, row: Row, user: User, visible: set[int]) -> RowProblem | None:
    if actor.role == ROLE_TRAINER and user.id not in visible:
        # The trainer would otherwise gain sight of a learner outside their scope by naming them.
        message = N_("This e-mail belongs to an account outside your cohorts. Ask an administrator to enrol it.")
        return RowProblem(row.line, "email", message, {}, row.email)
    if user.role != ROLE_LEARNER or user.erased_at is not None:
        message = N_("This e-mail belongs to an administrator, a trainer or an erased account: it cannot be enrolled.")
        return RowProblem(row.line, "email", message, {}, row.email)
    return None


def _planned(row: Row, user: User | None, members: set[int], cohort: Cohort | None) -> Planned:
    if user is None:
        return Planned(row, None, {}, {}, cohort is not None)
    wanted = {"full_name": row.full_name, "org_type": row.org_type, "region": row.region, "position": row.position}
    changes = {k: v for k, v in wanted.items() if v is not None and getattr(user, k) != v}
    previous = {k: getattr(user, k) for k in changes}
    return Planned(row, user.id, changes, previous, cohort is not None and user.id not in members)


def check_file(session: Session, actor: Actor, cohort: Cohort | None, data: bytes, settings: ImportSettings) -> Check:
    """The dry run: every problem in the file and against the database, and what applying would do."""
    parsed = parse(data, settings.choices, settings.max_bytes)
    problems = list(parsed.problems)
    if actor.role == ROLE_TRAINER and cohort is None:
        problems.insert(0, RowProblem(0, "", N_("Choose one of your cohorts.")))
    found, visible = _existing(session, actor, [row.email for row in parsed.rows])
    members = _members(session, cohort, [user.id for user in found.values()])
    plan = []
    for row in parsed.rows:
        user = found.get(row.email)
        refusal = _refusal(actor, row, user, visible) if user is not None else None
        if refusal:
            problems.append(refusal)
        else:
            plan.append(_planned(row, user, members, cohort))
    problems.sort(key=lambda p: p.line)  # stable: columns stay in file order
    check = Check(parsed, problems, plan)
    if not problems:
        _guard(session, check, settings)
    return check


def _guard(session: Session, check: Check, settings: ImportSettings) -> None:
    changed = check.counts()["updated"]
    if changed <= GUARD_FLOOR:
        return
    total = session.scalar(select(func.count()).select_from(User).where(User.role == ROLE_LEARNER)) or 0
    if changed > settings.max_changed_share * total:
        check.refusal = N_(
            "This file would change {changed} of the {total} existing learner accounts, more than {percent}%. "
            "Nothing was imported. Check that it is the right file, or import it in smaller parts."
        )
        check.refusal_params = {"changed": changed, "total": total, "percent": round(settings.max_changed_share * 100)}


def store_upload(
    session: Session, actor: Actor, cohort: Cohort | None, filename: str, data: bytes, clean: bool, now: datetime
) -> ImportBatch:
    """Keep the uploaded file as a batch: "checked" waits for the go-ahead; "rejected" is kept
    only so its errors can be downloaded. Unapplied uploads older than a day are dropped."""
    stale = ImportBatch.status.in_((BATCH_CHECKED, BATCH_REJECTED)), ImportBatch.created_at < now - KEEP_UNAPPLIED
    session.execute(delete(ImportBatch).where(*stale))
    batch = ImportBatch(
        created_by_id=actor.id,
        cohort_id=cohort.id if cohort else None,
        filename=filename[:255] or "import.csv",
        source=data,
        status=BATCH_CHECKED if clean else BATCH_REJECTED,
        created_at=now,
        counts={},
    )
    session.add(batch)
    session.flush()
    return batch


def _create_accounts(session: Session, plan: list[Planned], now: datetime) -> dict[str, int]:
    new = [p.row for p in plan if p.user_id is None]
    if not new:
        return {}
    values = [
        {
            "email": row.email,
            "full_name": row.full_name,
            # No password until the learner sets one from the invitation: "" never verifies.
            "password_hash": "",
            "org_type": row.org_type,
            "region": row.region,
            "position": row.position,
            "role": ROLE_LEARNER,
            "locale": row.locale,
            "session_epoch": 0,
            "is_active": True,
            "reminders_opt_out": False,
            "created_at": now,
        }
        for row in new
    ]
    session.execute(insert(User), values)
    ids: dict[str, int] = {}
    for chunk in _chunks([row.email for row in new]):
        ids.update(session.execute(select(User.email, User.id).where(User.email.in_(chunk))).all())
    return ids


def apply_batch(
    session: Session, actor: Actor, batch: ImportBatch, settings: ImportSettings, now: datetime
) -> tuple[Check, list[Invitation]]:
    """Check the stored file again (the database may have changed) and, if clean, apply it."""
    if batch.status != BATCH_CHECKED or batch.source is None:
        raise CohortError(N_("This file has already been imported, or was not checked."))
    cohort = session.get(Cohort, batch.cohort_id) if batch.cohort_id else None
    check = check_file(session, actor, cohort, batch.source, settings)
    if not check.ok:
        return check, []
    created = _create_accounts(session, check.plan, now)
    user_ids = {p.row.email: p.user_id or created[p.row.email] for p in check.plan}
    for planned in check.plan:
        if planned.changes:
            session.execute(update(User).where(User.id == planned.user_id).values(**planned.changes))
    if cohort is not None:
        members = [
            {"cohort_id": cohort.id, "user_id": user_ids[p.row.email], "batch_id": batch.id, "added_at": now}
            for p in check.plan
            if p.add_to_cohort
        ]
        if members:
            session.execute(insert(CohortMember), members)
    items = [
        {
            "batch_id": batch.id,
            "user_id": user_ids[p.row.email],
            "line": p.row.line,
            "created": p.user_id is None,
            "previous": p.previous or None,
        }
        for p in check.plan
        if p.user_id is None or p.changes or p.add_to_cohort
    ]
    if items:
        session.execute(insert(ImportItem), items)
    invitations = _invite(session, actor, [p.row for p in check.plan if p.user_id is None], created, settings, now)
    batch.status, batch.applied_at, batch.counts, batch.source = BATCH_APPLIED, now, check.counts(), None
    session.flush()
    return check, invitations


def _invite(session, actor, rows: list[Row], ids: dict[str, int], settings: ImportSettings, now) -> list[Invitation]:
    """With e-mail set up: an invitation in the outbox per new learner (its link is made when it
    is sent). Without: one-time links now, for the page to show once to whoever imported."""
    if settings.mail_enabled:
        messages = [
            {
                "kind": KIND_INVITATION,
                "user_id": ids[row.email],
                "to_address": row.email,
                "locale": row.locale,
                "params": {},
                "created_by_id": actor.id,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": now,
            }
            for row in rows
        ]
        if messages:
            session.execute(insert(OutboxMessage), messages)
        return []
    invitations, resets = [], []
    for row in rows:
        token = secrets.token_urlsafe(32)
        invitations.append(Invitation(row.email, row.full_name, token))
        resets.append(
            {
                "user_id": ids[row.email],
                "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                "created_by_id": actor.id,
                "created_at": now,
                "expires_at": now + settings.invitation_ttl,
            }
        )
    if resets:
        session.execute(insert(PasswordReset), resets)
    return invitations


def has_started(session: Session, batch: ImportBatch) -> bool:
    """Whether any learner of the batch has read, attempted or (if created by it) logged in since."""
    users = select(ImportItem.user_id).where(ImportItem.batch_id == batch.id)
    created = select(ImportItem.user_id).where(ImportItem.batch_id == batch.id, ImportItem.created.is_(True))
    since = batch.applied_at
    read = exists().where(LessonRead.user_id.in_(users), LessonRead.read_at >= since)
    attempted = exists().where(QuizAttempt.user_id.in_(users), QuizAttempt.started_at >= since)
    logged_in = exists().where(User.id.in_(created), or_(User.last_login_at.is_not(None), User.password_hash != ""))
    return bool(session.scalar(select(or_(read, attempted, logged_in))))


def undo_batch(session: Session, batch: ImportBatch, now: datetime) -> None:
    """Take the batch back: its new accounts deleted (their unsent invitations with them), its
    cohort memberships removed, changed names and details restored. Refused once anyone started."""
    if batch.status != BATCH_APPLIED:
        raise CohortError(N_("Only an applied import can be undone."))
    if has_started(session, batch):
        raise CohortError(N_("Some learners of this import have already started the course: it cannot be undone."))
    items = session.execute(
        select(ImportItem.user_id, ImportItem.created, ImportItem.previous).where(ImportItem.batch_id == batch.id)
    ).all()
    session.execute(delete(CohortMember).where(CohortMember.batch_id == batch.id))
    for user_id, _created, previous in items:
        if previous:
            session.execute(update(User).where(User.id == user_id).values(**previous))
    created = [user_id for user_id, was_created, _previous in items if was_created]
    for chunk in _chunks(created):
        session.execute(delete(User).where(User.id.in_(chunk)))
    batch.status, batch.undone_at = BATCH_UNDONE, now
    session.flush()
