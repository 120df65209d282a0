"""Issuing certificates: to a learner who has just become eligible, and (for admins, through
course/certificates/manage.py) a reissue. Use cases: the session, the learner and `now` passed
in; flush and raise domain errors, never commit (STYLE.md).

Issue (CERT-5): the certificate row is inserted when the learner becomes eligible, inside a
savepoint, so two simultaneous requests produce one row (the unique constraint decides). The
PDF is rendered and stored in the same transaction (course/certificates/pdfs.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from course.accounts.models import User
from course.certificates.audit import record_audit
from course.certificates.codes import new_code
from course.certificates.models import COURSE_ID, Certificate
from course.certificates.pdfs import course_titles, render_and_store
from course.certificates.records import eligibility_now, requirements_for, status_of
from course.certificates.settings import CertificateSettings
from course.certificates.types import LANGUAGES, display_name
from course.extensions import Session

log = logging.getLogger("frontline.certificates")


def issue_if_eligible(
    session: Session,
    learner: User,
    catalog: Any,
    settings: CertificateSettings,
    now: datetime,
    asked: bool = False,
) -> Certificate | None:
    """Issue the learner's certificate if they have just become eligible; else None.

    A first certificate, or a recertification once an expired or outdated one has been
    redone. When the course changed only where there is no quiz to retake, nothing proves
    the learner read the change, so the new certificate waits until they ask (`asked`).
    A revoked or withdrawn latest certificate blocks issue: an admin decides (reissue).
    """
    if learner.is_admin or not learner.is_active:
        return None
    eligibility, latest, plan = eligibility_now(session, learner, catalog, settings, now)
    if latest is not None and (plan is None or status_of(latest, now) in ("revoked", "withdrawn")):
        return None
    if plan is not None and not plan.quizzes_to_retake and not asked:
        return None
    if not eligibility.eligible:
        return None
    course = requirements_for(catalog, settings)
    expires_at = now + settings.validity if settings.validity else None
    return issue(
        session,
        learner,
        course.content_hash,
        course.module_hashes,
        settings,
        now,
        expires_at=expires_at,
        supersedes=latest,
        outline=course_outline(catalog, settings),
    )


def course_outline(catalog: Any, settings: CertificateSettings) -> dict:
    """What the certificate prints about the course, frozen at issue: each module's title in
    both languages and its estimated minutes (the module files' `minutes`), and the issuer."""
    modules = [
        {"id": m.id, "uk": m.text("title", "uk"), "en": m.text("title", "en"), "minutes": int(m.minutes or 0)}
        for m in catalog.modules
    ]
    return {"modules": modules, "issuer": settings.issuer}


def issue(
    session: Session,
    learner: User,
    content_hash: str,
    module_hashes: Mapping[str, str],
    settings: CertificateSettings,
    now: datetime,
    *,
    expires_at: datetime | None,
    supersedes: Certificate | None = None,
    actor: User | None = None,
    action: str = "issued",
    outline: dict | None = None,
) -> Certificate:
    """Insert the certificate (once, whatever the concurrency), supersede the old, render."""
    lang = learner.locale if learner.locale in LANGUAGES else "uk"
    certificate = Certificate(
        code=new_code(),
        user_id=learner.id,
        course_id=COURSE_ID,
        issue_number=_next_issue_number(session, learner.id, content_hash),
        holder_name=display_name(learner.full_name),
        content_hash=content_hash,
        module_hashes=dict(module_hashes),
        rule=str(settings.rule),
        issued_at=now,
        expires_at=expires_at,
        outline=outline if outline is not None else (supersedes.outline if supersedes is not None else None),
        **course_titles(lang, settings),
    )
    existing = _insert_once(session, certificate)
    if existing is not None:
        return existing
    _supersede_and_record(session, certificate, supersedes, actor, action, now)
    render_and_store(session, certificate, settings, now)
    session.flush()
    return certificate


def _next_issue_number(session: Session, user_id: int, content_hash: str) -> int:
    latest = session.scalar(
        select(func.max(Certificate.issue_number)).where(
            Certificate.user_id == user_id,
            Certificate.course_id == COURSE_ID,
            Certificate.content_hash == content_hash,
        )
    )
    return 1 + (latest or 0)


def _supersede_and_record(
    session: Session, certificate: Certificate, supersedes: Certificate | None, actor: User | None, action: str, now
) -> None:
    """The replaced certificate marked superseded by the new one; the audit row; the log record."""
    if supersedes is not None and supersedes.superseded_at is None:
        supersedes.superseded_at = now
        supersedes.superseded_by_id = certificate.id
    record_audit(session, actor, action, certificate, now, f"#{supersedes.id}" if supersedes is not None else "")
    log.info(
        "certificate %s",
        action,
        extra={"event": f"certificate_{action}", "target": certificate.id, "actor_id": actor.id if actor else None},
    )


def _insert_once(session: Session, certificate: Certificate) -> Certificate | None:
    """Add the row; None when inserted, or the row a simultaneous request inserted first."""
    try:
        with session.begin_nested():
            session.add(certificate)
        return None
    except IntegrityError:  # a simultaneous request issued it first: that one stands
        existing = session.scalar(
            select(Certificate).where(
                Certificate.user_id == certificate.user_id,
                Certificate.course_id == certificate.course_id,
                Certificate.content_hash == certificate.content_hash,
                Certificate.issue_number == certificate.issue_number,
            )
        )
        if existing is None:
            raise
        return existing
