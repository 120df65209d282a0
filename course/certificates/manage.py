"""Admin use cases: list with filters, CSV and ZIP exports, revoke, reissue, audit log.

Use-case layer: session, acting admin and `now` passed in; flush, never commit. Filters and
sorting come from allow-lists (docs/security.md OUT-5); CSV cells that a spreadsheet would run
as a formula are defused (OUT-4). Every action writes an audit row (who, when) and a
structured log record (LOG-1).
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased, undefer

from course.accounts.models import User
from course.certificates.audit import record_audit
from course.certificates.codes import format_code
from course.certificates.eligibility import short_hash
from course.certificates.errors import CertificateError, CertificateNotFound
from course.certificates.issuing import issue
from course.certificates.models import Certificate, CertificateAudit
from course.certificates.pdfs import stored_pdf
from course.certificates.records import status_of
from course.certificates.settings import CertificateSettings
from course.certificates.types import STATES, display_name
from course.database import contains_name, like_pattern
from course.extensions import Session
from course.problems import N_

PER_PAGE = 50
MAX_ZIP = 500  # certificates per ZIP download: bounded work per request
MAX_REASON = 500
SORTS: dict[str, ColumnElement[Any]] = {
    "issued": Certificate.issued_at.desc(),
    "issued_asc": Certificate.issued_at.asc(),
    "name": Certificate.holder_name.asc(),
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

logger = logging.getLogger("frontline.certificates")


class AlreadyRevoked(CertificateError):
    message = N_("This certificate is already revoked.")


class ReasonRequired(CertificateError):
    message = N_("Give a reason for revoking (at most 500 characters).")


class CannotReissue(CertificateError):
    message = N_("Only the current certificate of a learner who still has an account can be reissued.")


@dataclass(frozen=True, slots=True)
class Filters:
    """The admin list's filters, already validated by the form."""

    status: str = ""
    query: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    sort: str = "issued"


def _status_clause(status: str, now: datetime):
    c = Certificate
    alive = and_(c.revoked_at.is_(None), c.superseded_at.is_(None), c.withdrawn_at.is_(None))
    unexpired = or_(c.expires_at.is_(None), c.expires_at > now)
    return {
        "valid": and_(alive, unexpired),
        "expired": and_(alive, c.expires_at.is_not(None), c.expires_at <= now),
        "revoked": and_(c.withdrawn_at.is_(None), c.revoked_at.is_not(None)),
        "superseded": and_(c.withdrawn_at.is_(None), c.revoked_at.is_(None), c.superseded_at.is_not(None)),
        "withdrawn": c.withdrawn_at.is_not(None),
        "pending": and_(c.withdrawn_at.is_(None), c.pdf_sha256.is_(None)),
    }.get(status)


def filtered(filters: Filters, now: datetime) -> Select:
    """The certificates (with their holder's account, if any) matching `filters`."""
    query = select(Certificate, User).outerjoin(User, User.id == Certificate.user_id)
    clause = _status_clause(filters.status, now)
    if clause is not None:
        query = query.where(clause)
    if filters.query:
        pattern = like_pattern(filters.query.strip())
        query = query.where(
            or_(
                contains_name(Certificate.holder_name, filters.query.strip()),
                User.email.ilike(pattern, escape="\\"),
                Certificate.code == filters.query.strip().upper().replace("-", ""),
            )
        )
    if filters.issued_from:
        query = query.where(Certificate.issued_at >= datetime.combine(filters.issued_from, time()))
    if filters.issued_to:
        end = datetime.combine(filters.issued_to, time()) + timedelta(days=1)
        query = query.where(Certificate.issued_at < end)
    return query.order_by(SORTS.get(filters.sort, SORTS["issued"]), Certificate.id.desc())


def page_of(
    session: Session, filters: Filters, now: datetime, page: int
) -> tuple[list[tuple[Certificate, User | None]], int]:
    """One page of the list and the total count."""
    query = filtered(filters, now)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return [(row[0], row[1]) for row in rows], total


def defuse(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: formula starters get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


CSV_HEADER = (
    "code",
    "holder_name",
    "email",
    "status",
    "issued_at",
    "expires_at",
    "content_version",
    "issue_number",
    "language",
    "revoked_reason",
)


def export_csv(session: Session, admin: User, filters: Filters, now: datetime) -> tuple[bytes, int]:
    """The filtered list as CSV (UTF-8 with BOM, RFC 4180 quoting), with the codes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for certificate, user in session.execute(filtered(filters, now)).all():
        count += 1
        writer.writerow(
            [
                defuse(v)
                for v in (
                    format_code(certificate.code),
                    certificate.holder_name,
                    user.email if user else "",
                    status_of(certificate, now),
                    certificate.issued_at.isoformat(),
                    certificate.expires_at.isoformat() if certificate.expires_at else "",
                    short_hash(certificate.content_hash),
                    certificate.issue_number,
                    certificate.lang,
                    certificate.revoked_reason or "",
                )
            ]
        )
    _record_export(session, admin, "exported_csv", count, now)
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count


def export_zip(
    session: Session, admin: User, filters: Filters, settings: CertificateSettings, now: datetime
) -> tuple[bytes, int]:
    """Up to MAX_ZIP stored PDFs of the filtered list as one ZIP; pending ones are skipped."""
    query = filtered(filters, now).options(undefer(Certificate.pdf)).limit(MAX_ZIP)
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate, _user in session.execute(query).all():
            try:
                pdf = stored_pdf(session, certificate, settings, now)
            except CertificateError:  # being prepared, or withdrawn
                continue
            info = zipfile.ZipInfo(pdf_filename(certificate), date_time=_zip_time(certificate))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, pdf)
            count += 1
    _record_export(session, admin, "exported_zip", count, now)
    return buffer.getvalue(), count


def _zip_time(certificate: Certificate) -> tuple[int, int, int, int, int, int]:
    issued = certificate.issued_at
    return (max(issued.year, 1980), issued.month, issued.day, issued.hour, issued.minute, 0)


def pdf_filename(certificate: Certificate) -> str:
    """An ASCII file name: the code identifies the certificate; names stay out of paths."""
    return f"certificate-{format_code(certificate.code)}.pdf"


def _record_export(session: Session, admin: User, action: str, count: int, now: datetime) -> None:
    record_audit(session, admin, action, None, now, str(count))
    logger.info("certificates exported", extra={"event": f"certificate_{action}", "actor_id": admin.id, "count": count})


def certificate_by_id(session: Session, certificate_id: int) -> Certificate:
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise CertificateNotFound()
    return certificate


def revoke(session: Session, admin: User, certificate: Certificate, reason: str, now: datetime) -> None:
    """Revoke with a reason; the verification page then says revoked, with the reason."""
    reason = display_name(reason)
    if not reason or len(reason) > MAX_REASON:
        raise ReasonRequired()
    if certificate.revoked_at is not None:
        raise AlreadyRevoked()
    certificate.revoked_at = now
    certificate.revoked_reason = reason
    certificate.revoked_by_id = admin.id
    record_audit(session, admin, "revoked", certificate, now, reason)
    logger.info(
        "certificate revoked", extra={"event": "certificate_revoked", "target": certificate.id, "actor_id": admin.id}
    )
    session.flush()


def reissue(
    session: Session,
    admin: User,
    certificate: Certificate,
    settings: CertificateSettings,
    now: datetime,
) -> Certificate:
    """A new certificate with a new code for the same completion; the old one is superseded.

    It prints the learner's current name and the current template (the usual reasons: a
    corrected name, a leaked code) and keeps the old expiry date and course version.
    """
    if certificate.superseded_at is not None or certificate.withdrawn_at is not None:
        raise CannotReissue()
    learner = session.get(User, certificate.user_id) if certificate.user_id else None
    if learner is None:
        raise CannotReissue()
    return issue(
        session,
        learner,
        certificate.content_hash,
        dict(certificate.module_hashes or {}),
        settings,
        now,
        expires_at=certificate.expires_at,
        supersedes=certificate,
        actor=admin,
        action="reissued",
    )


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """The audit page's filters; every one optional."""

    action: str = ""
    actor: str = ""  # part of the acting admin's e-mail
    target: str = ""  # part of the name or e-mail of the account acted on
    since: date | None = None
    until: date | None = None


def audit_log(
    session: Session, limit: int = 200, certificate_id: int | None = None, filters: AuditFilters | None = None
) -> list[tuple[CertificateAudit, User | None, Certificate | None]]:
    """The latest audit rows (all, one certificate's, or those matching `filters`) with their
    actor and certificate; the account acted on is `row.target_user_id` (see `targets`)."""
    query = (
        select(CertificateAudit, User, Certificate)
        .outerjoin(User, User.id == CertificateAudit.actor_id)
        .outerjoin(Certificate, Certificate.id == CertificateAudit.certificate_id)
        .order_by(CertificateAudit.at.desc(), CertificateAudit.id.desc())
        .limit(limit)
    )
    if certificate_id is not None:
        query = query.where(CertificateAudit.certificate_id == certificate_id)
    if filters is not None:
        query = _audit_filtered(query, filters)
    return [(row[0], row[1], row[2]) for row in session.execute(query).all()]


def _audit_filtered(query: Select, filters: AuditFilters) -> Select:
    if filters.action:
        query = query.where(CertificateAudit.action == filters.action)
    if filters.actor:
        query = query.where(User.email.ilike(like_pattern(filters.actor), escape="\\"))
    if filters.target:
        target = aliased(User)
        by_email = target.email.ilike(like_pattern(filters.target), escape="\\")
        matching = select(target.id).where(or_(contains_name(target.full_name, filters.target), by_email))
        query = query.where(CertificateAudit.target_user_id.in_(matching))
    if filters.since:
        query = query.where(CertificateAudit.at >= datetime.combine(filters.since, time()))
    if filters.until:
        query = query.where(CertificateAudit.at < datetime.combine(filters.until, time()) + timedelta(days=1))
    return query


def targets(session: Session, rows: Iterable[tuple[CertificateAudit, object, object]]) -> dict[int, User]:
    """The accounts the audit rows were about, by id: one query."""
    wanted = {entry.target_user_id for entry, _, _ in rows if entry.target_user_id is not None}
    if not wanted:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(wanted)))}


def parse_status(value: str) -> str:
    return value if value in (*STATES, "pending") else ""


def ids(rows: Iterable[tuple[Certificate, User | None]]) -> list[int]:
    return [certificate.id for certificate, _ in rows]
