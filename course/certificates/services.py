"""Issuing certificates and serving the stored PDF: use cases for learners and the system.

Services take the session, the learner and `now`; they flush and raise domain errors, and
the view or CLI commits (STYLE.md). They read other domains through their services and
models (lessons read, quiz attempts) and never touch `request` or `current_app`.

Issue (CERT-5): the certificate row is inserted when the learner becomes eligible, inside a
savepoint, so two simultaneous requests produce one row (the unique constraint decides).
The PDF is rendered and stored in the same transaction; if WeasyPrint fails, the row stays,
the failure is logged with an error id, and the next download renders it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from course.accounts.models import User
from course.certificates.codes import new_code, verification_url
from course.certificates.eligibility import (
    CourseRequirements,
    Eligibility,
    LearnerRecord,
    Recertification,
    course_requirements,
    evaluate,
    lesson_keys,
    recertification,
    short_hash,
)
from course.certificates.models import COURSE_ID, Certificate, CertificateAudit
from course.certificates.render import CertificateRenderError, render_pdf, translator
from course.certificates.settings import CertificateSettings
from course.certificates.types import (
    LANGUAGES,
    VALID,
    CertificateContext,
    certificate_status,
    display_name,
    translate_labels,
)
from course.clock import as_utc
from course.extensions import Session
from course.problems import N_
from course.progress.services import read_rows

if TYPE_CHECKING:
    from course.certificates.verify import CertificateFacts

log = logging.getLogger("frontline.certificates")

# The course's title, the same message as the course overview's heading.
COURSE_TITLE = N_("Countering human trafficking: a course for frontline practitioners")
SAMPLE_NAME = "Олена Петренко"


class CertificateError(Exception):
    """A refusal with a user-facing message template."""

    message = N_("This action is not possible.")


class CertificateNotFound(CertificateError):
    message = N_("This certificate does not exist.")


class CertificatePending(CertificateError):
    message = N_("Your certificate is being prepared. Please try again in a minute.")


def requirements_for(catalog: Any, settings: CertificateSettings) -> CourseRequirements:
    """What the course asks for now, from the loaded catalog and the eligibility rule."""
    modules = [(m.id, m.content_hash, m.lesson_ids) for m in catalog.modules]
    quizzes = [(q.id, q.content_hash, q.module_id, bool(q.is_final)) for q in catalog.quizzes.values()]
    return course_requirements(settings.rule, modules, quizzes)


def learner_record(
    session: Session,
    user_id: int,
    quizzes: Mapping[str, Any],
    since: datetime | None = None,
    retake: frozenset[str] = frozenset(),
) -> LearnerRecord:
    """Lessons read and quizzes passed; for quizzes in `retake`, only attempts after `since`."""
    return LearnerRecord(lessons_read(session, user_id), quizzes_passed(session, user_id, quizzes, since, retake))


def lessons_read(session: Session, user_id: int) -> frozenset:
    return lesson_keys((module_id, lesson_id) for module_id, lesson_id, _ in read_rows(session, user_id))


def quizzes_passed(
    session: Session,
    user_id: int,
    quizzes: Mapping[str, Any],
    since: datetime | None = None,
    retake: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """Quizzes whose counting attempt passed; for those in `retake`, only attempts after `since`."""
    from course.quizzes.models import FINISHED, QuizAttempt
    from course.quizzes.rules import GradedAttempt, counting_attempt

    rows = session.execute(
        select(QuizAttempt.quiz_id, QuizAttempt.finished_at, QuizAttempt.percent, QuizAttempt.is_passed).where(
            QuizAttempt.user_id == user_id, QuizAttempt.is_practice.is_(False), QuizAttempt.status == FINISHED
        )
    ).all()
    attempts: dict[str, list[GradedAttempt]] = {}
    for quiz_id, finished_at, percent, passed in rows:
        if finished_at is None:  # a finished attempt always has its time; the column allows none
            continue
        finished = as_utc(finished_at)
        if quiz_id in retake and since is not None and finished <= since:
            continue
        attempts.setdefault(quiz_id, []).append(GradedAttempt(finished, percent or 0.0, bool(passed)))
    passed_ids = set()
    for quiz_id, graded in attempts.items():
        quiz = quizzes.get(quiz_id)
        counting = counting_attempt(quiz.settings.grading if quiz else "highest", graded)
        if counting is not None and counting.is_passed:
            passed_ids.add(quiz_id)
    return frozenset(passed_ids)


def status_of(certificate: Certificate | CertificateFacts, now: datetime) -> str:
    """valid, expired, revoked, superseded or withdrawn, at `now`."""
    return certificate_status(
        revoked=certificate.revoked_at is not None,
        superseded=certificate.superseded_at is not None,
        withdrawn=certificate.withdrawn_at is not None,
        expires_at=as_utc(certificate.expires_at) if certificate.expires_at else None,
        now=now,
    )


def latest_certificate(session: Session, user_id: int) -> Certificate | None:
    """The learner's most recently issued certificate for the course, whatever its state."""
    return session.scalar(
        select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.course_id == COURSE_ID)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(1)
    )


def recertification_plan(certificate: Certificate, course: CourseRequirements, now: datetime) -> Recertification | None:
    """What to redo when the certificate expired or the course changed; None when current."""
    changed = recertification(certificate.module_hashes or {}, course)
    if status_of(certificate, now) == "expired":
        return Recertification(changed.changed_modules, tuple(sorted(course.quizzes)))
    if certificate.content_hash != course.content_hash:
        return changed
    return None


def eligibility_now(
    session: Session, learner: User, catalog: Any, settings: CertificateSettings, now: datetime
) -> tuple[Eligibility, Certificate | None, Recertification | None]:
    """Whether the learner may get a (new) certificate now, their latest one, and any plan."""
    course = requirements_for(catalog, settings)
    latest = latest_certificate(session, learner.id)
    plan = recertification_plan(latest, course, now) if latest is not None else None
    since = as_utc(latest.issued_at) if plan is not None and latest is not None else None
    retake = frozenset(plan.quizzes_to_retake) if plan is not None else frozenset()
    record = learner_record(session, learner.id, catalog.quizzes, since, retake)
    return evaluate(settings.rule, course, record), latest, plan


def could_be_eligible(session: Session, learner: User, catalog: Any, settings: CertificateSettings) -> bool:
    """A cheap necessary condition for `issue_if_eligible`, from reads alone.

    Counts every pass ever: a recertification only narrows which passes count, so a learner
    who fails this cannot be eligible. Lessons come first; most learners are not done yet."""
    if learner.is_admin or not learner.is_active:
        return False
    course = requirements_for(catalog, settings)
    lessons = lessons_read(session, learner.id)
    if settings.rule.lessons and not course.lessons <= lessons:
        return False
    record = LearnerRecord(lessons, quizzes_passed(session, learner.id, catalog.quizzes))
    return evaluate(settings.rule, course, record).eligible


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
    number = 1 + (
        session.scalar(
            select(func.max(Certificate.issue_number)).where(
                Certificate.user_id == learner.id,
                Certificate.course_id == COURSE_ID,
                Certificate.content_hash == content_hash,
            )
        )
        or 0
    )
    lang = learner.locale if learner.locale in LANGUAGES else "uk"
    certificate = Certificate(
        code=new_code(),
        user_id=learner.id,
        course_id=COURSE_ID,
        issue_number=number,
        holder_name=display_name(learner.full_name),
        lang=lang,
        course_title=translator(lang, settings.translations_dir)(COURSE_TITLE),
        course_title_en=COURSE_TITLE,
        content_hash=content_hash,
        module_hashes=dict(module_hashes),
        rule=str(settings.rule),
        issued_at=now,
        expires_at=expires_at,
        outline=outline if outline is not None else (supersedes.outline if supersedes is not None else None),
    )
    existing = _insert_once(session, certificate)
    if existing is not None:
        return existing
    if supersedes is not None and supersedes.superseded_at is None:
        supersedes.superseded_at = now
        supersedes.superseded_by_id = certificate.id
    record_audit(session, actor, action, certificate, now, f"#{supersedes.id}" if supersedes is not None else "")
    log.info(
        "certificate %s",
        action,
        extra={"event": f"certificate_{action}", "target": certificate.id, "actor_id": actor.id if actor else None},
    )
    render_and_store(session, certificate, settings, now)
    session.flush()
    return certificate


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


def context_for(
    certificate: Certificate, settings: CertificateSettings, is_sample: bool = False, lang: str | None = None
) -> CertificateContext:
    """The plain-data context for the stored certificate, in its language or in `lang`: what
    it prints, nothing else (the outline as frozen at issue)."""
    lang = lang or certificate.lang
    gettext = translator(lang, settings.translations_dir)
    outline = certificate.outline or {}
    modules = outline.get("modules") or []
    minutes = sum(int(m.get("minutes") or 0) for m in modules)
    zone = ZoneInfo(settings.timezone)  # the date is the local one, as every page shows it
    expires = as_utc(certificate.expires_at).astimezone(zone).date() if certificate.expires_at else None
    return CertificateContext(
        holder_name=certificate.holder_name,
        lang=lang,
        course_title=certificate.course_title if lang == certificate.lang else gettext(COURSE_TITLE),
        course_title_en=certificate.course_title_en,
        issued_on=as_utc(certificate.issued_at).astimezone(zone).date(),
        expires_on=expires,
        content_version=short_hash(certificate.content_hash),
        code=certificate.code,
        verify_url=verification_url(settings.base_url, certificate.code),
        labels=translate_labels(gettext),
        labels_en=translate_labels(lambda s: s),
        is_sample=is_sample,
        modules=tuple(str(m.get(lang) or m.get("en") or "") for m in modules),
        modules_en=tuple(str(m.get("en") or "") for m in modules),
        hours=-(-minutes // 30) / 2 if minutes else None,  # rounded up to the half hour
        issuer=str(outline.get("issuer") or ""),
    )


def render_and_store(session: Session, certificate: Certificate, settings: CertificateSettings, now: datetime) -> bool:
    """Render the PDF and store it with its SHA-256; on failure log an error id, keep the row."""
    other = next(language for language in LANGUAGES if language != certificate.lang)
    try:
        pdf = render_pdf(context_for(certificate, settings), Path(settings.template_dir))
        pdf_alt = render_pdf(context_for(certificate, settings, lang=other), Path(settings.template_dir))
    except CertificateRenderError as exc:
        certificate.render_error_id = secrets.token_hex(4)
        log.error(
            "certificate rendering failed: %s",
            exc,
            extra={
                "event": "certificate_render_failed",
                "error_id": certificate.render_error_id,
                "target": certificate.id,
            },
        )
        return False
    certificate.pdf = pdf
    certificate.pdf_alt = pdf_alt  # the same certificate in the other language, frozen with it
    certificate.pdf_alt_sha256 = hashlib.sha256(pdf_alt).hexdigest()
    certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf_size = len(pdf)
    certificate.rendered_at = now
    certificate.render_error_id = None
    return True


def stored_pdf(
    session: Session, certificate: Certificate, settings: CertificateSettings, now: datetime, lang: str | None = None
) -> bytes:
    """The PDF exactly as stored at issue, in its language or the other (`lang`); rendered now
    if issue-time rendering failed."""
    if certificate.withdrawn_at is not None:  # erased holder: nothing to print (DATA-2)
        raise CertificateNotFound()
    if certificate.pdf is None and not render_and_store(session, certificate, settings, now):
        raise CertificatePending()
    if lang and lang != certificate.lang:
        return _other_language_pdf(session, certificate, settings, now)
    pdf = certificate.pdf or b""
    if hashlib.sha256(pdf).hexdigest() != certificate.pdf_sha256:
        log.error(
            "stored certificate PDF does not match its SHA-256",
            extra={"event": "certificate_integrity", "target": certificate.id},
        )
        raise CertificatePending()
    return pdf


def _other_language_pdf(session: Session, certificate: Certificate, settings: CertificateSettings, now) -> bytes:
    """The stored other-language PDF. A certificate issued before both were stored gets its
    second language rendered once, on first request, and kept from then on."""
    if certificate.pdf_alt is None:
        other = next(language for language in LANGUAGES if language != certificate.lang)
        try:
            pdf_alt = render_pdf(context_for(certificate, settings, lang=other), Path(settings.template_dir))
        except CertificateRenderError:
            raise CertificatePending() from None
        certificate.pdf_alt, certificate.pdf_alt_sha256 = pdf_alt, hashlib.sha256(pdf_alt).hexdigest()
        session.flush()
    pdf = certificate.pdf_alt or b""
    if hashlib.sha256(pdf).hexdigest() != certificate.pdf_alt_sha256:
        log.error("stored certificate PDF does not match its SHA-256", extra={"event": "certificate_integrity"})
        raise CertificatePending()
    return pdf


def owned_certificate(session: Session, learner: User, code: str) -> Certificate:
    """The learner's own certificate with this code (AC-3), or CertificateNotFound."""
    certificate = session.scalar(select(Certificate).where(Certificate.code == code, Certificate.user_id == learner.id))
    if certificate is None:
        raise CertificateNotFound()
    return certificate


def learner_certificates(session: Session, learner: User) -> list[Certificate]:
    """The learner's certificates, newest first."""
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == learner.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def sample_pdf(settings: CertificateSettings, name: str, lang: str, today: date) -> bytes:
    """A preview through the issuing path: a sample code, a QR to this site, marked SAMPLE."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    certificate = Certificate(
        code=new_code(),
        holder_name=display_name(name) or SAMPLE_NAME,
        lang=lang,
        course_title=translator(lang, settings.translations_dir)(COURSE_TITLE),
        course_title_en=COURSE_TITLE,
        content_hash="0" * 64,
        issued_at=datetime.combine(today, datetime.min.time()),
        expires_at=(datetime.combine(today, datetime.min.time()) + settings.validity if settings.validity else None),
    )
    return render_pdf(context_for(certificate, settings, is_sample=True), Path(settings.template_dir))


def record_audit(
    session: Session,
    actor: User | None,
    action: str,
    certificate: Certificate | None,
    now: datetime,
    detail: str = "",
    target_user_id: int | None = None,
) -> None:
    """One audit row: who (None for the system), what, which certificate or account, when.

    `detail` is data, not prose (a reason, "#id" of the certificate replaced, a count), so the
    admin pages can show it in either language.
    """
    session.add(
        CertificateAudit(
            at=now,
            actor_id=actor.id if actor else None,
            action=action,
            certificate_id=certificate.id if certificate else None,
            detail=detail[:500],
            target_user_id=target_user_id if target_user_id is not None else getattr(certificate, "user_id", None),
        )
    )


def is_current(certificate: Certificate, now: datetime) -> bool:
    return status_of(certificate, now) == VALID
