"""What a learner has done and holds: lessons read, quizzes passed, their certificates, and
whether they may get one now. Reads only; a session passed in, never `request`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from course.accounts.models import User
from course.certificates.eligibility import (
    CourseRequirements,
    Eligibility,
    LearnerRecord,
    Recertification,
    course_requirements,
    evaluate,
    lesson_keys,
    recertification,
)
from course.certificates.errors import CertificateNotFound
from course.certificates.models import COURSE_ID, Certificate
from course.certificates.settings import CertificateSettings
from course.certificates.types import certificate_status
from course.clock import as_utc
from course.extensions import Session
from course.progress.services import read_rows

if TYPE_CHECKING:
    from course.certificates.verify import CertificateFacts


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
