"""The reports' SQL: one aggregate query per figure, every one joined to the population.

Use-case layer: a session and validated `Filters` in, plain counts out; no request, no
current_user, no commit. Counting happens in the database (GROUP BY), so a report costs a
handful of queries whatever the number of learners; Python only lays the counts out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, literal, or_, select

from course.accounts.models import User
from course.certificates.models import Certificate
from course.cohorts.scope import Actor
from course.content.types import Module
from course.extensions import Session
from course.progress.models import ModuleLearner
from course.progress.rules import completed
from course.quizzes.models import FINISHED, QuizAttempt, QuizContent, QuizLearner
from course.reports.filters import Filters
from course.reports.population import learner_ids
from course.reports.sql import Hours, Month

GROUP_COLUMNS = {"region": User.region, "org_type": User.org_type, "lang": User.locale}


def population(actor: Actor, filters: Filters, by: str = "none"):
    """The population as a subquery (id, g): g is the breakdown value ("" without one)."""
    group = GROUP_COLUMNS[by] if by in GROUP_COLUMNS else literal("")
    return learner_ids(actor, filters).add_columns(group.label("g")).subquery("population")


def _pairs(session: Session, statement) -> dict:
    """A two-column result as a dict."""
    return {key: value for key, value in session.execute(statement)}


def graded(attempt=QuizAttempt):
    """Finished graded attempts (practice rounds never count). `= false`, not `IS false`: an
    equality lets PostgreSQL use the index's order past that column."""
    return and_(attempt.status == FINISHED, attempt.is_practice == false())


@dataclass(frozen=True, slots=True)
class FunnelCounts:
    groups: tuple[str, ...]
    registered: dict[str, int]
    started: dict[str, int]
    modules: dict[tuple[str, str], int]  # (group, module id) -> learners who read every lesson
    quizzes: dict[tuple[str, str], int]  # (group, quiz id) -> learners who passed
    certified: dict[str, int]


def funnel_counts(session: Session, actor: Actor, modules: Sequence[Module], filters: Filters, by: str) -> FunnelCounts:
    """Each funnel stage counted per breakdown group, five queries in all."""
    p = population(actor, filters, by)
    registered = _pairs(session, select(p.c.g, func.count()).group_by(p.c.g))
    # A row per learner and module once a lesson is read, and per quiz version once an attempt is graded.
    read = exists().where(ModuleLearner.user_id == p.c.id)
    activity = or_(read, exists().where(QuizLearner.user_id == p.c.id))
    started = _pairs(session, select(p.c.g, func.count()).where(activity).group_by(p.c.g))
    passed = (
        select(p.c.g, QuizLearner.quiz_id, func.count(QuizLearner.user_id.distinct()))
        .join(p, p.c.id == QuizLearner.user_id)
        .where(QuizLearner.tries_to_pass.is_not(None))
        .group_by(p.c.g, QuizLearner.quiz_id)
    )
    certified = (
        select(p.c.g, func.count(Certificate.user_id.distinct()))
        .join(p, p.c.id == Certificate.user_id)
        .where(Certificate.revoked_at.is_(None), Certificate.withdrawn_at.is_(None))
        .group_by(p.c.g)
    )
    quizzes = {(g, q): n for g, q, n in session.execute(passed)}
    return FunnelCounts(
        tuple(sorted(registered)),
        registered,
        started,
        _modules_completed(session, p, modules),
        quizzes,
        _pairs(session, certified),
    )


def _modules_completed(session: Session, p, modules: Sequence[Module]) -> dict[tuple[str, str], int]:
    """Learners who read every current lesson of a module (reads of removed lessons ignored).

    One row per learner and module (`module_learner`) lists the lessons read; the rows are
    counted per distinct list, and Python checks each list against the module as it is now."""
    by_id = {m.id: m for m in modules if m.lessons}
    if not by_id:
        return {}
    keys = (p.c.g, ModuleLearner.module_id, ModuleLearner.lessons)
    counted = (
        select(*keys, func.count())
        .join(p, p.c.id == ModuleLearner.user_id)
        .where(ModuleLearner.module_id.in_(list(by_id)))
        .group_by(*keys)
    )
    out: Counter[tuple[str, str]] = Counter()
    for g, module_id, lessons, count in session.execute(counted):
        if completed(lessons, by_id[module_id]):
            out[(g, module_id)] += count
    return dict(out)


@dataclass(slots=True)
class QuizVersionCounts:
    quiz_id: str
    content_hash: str
    attempts: int = 0
    learners: int = 0
    passed: int = 0
    tries: Counter = field(default_factory=Counter)  # attempts needed to pass -> learners
    hours: Counter = field(default_factory=Counter)  # whole hours from first start to pass -> learners
    scores: list[int] = field(default_factory=lambda: [0] * 10)  # attempts per 10-point band


def quiz_counts(session: Session, actor: Actor, filters: Filters) -> list[QuizVersionCounts]:
    """Per quiz and content version: attempts, learners, passes, tries and time to pass, scores.

    Two queries: attempts per score band (their sum is the attempts), and learners per
    (attempts needed, hours to pass) from their summaries (`quiz_learner`, kept from graded
    attempts), the learners who never passed with neither."""
    p = population(actor, filters)
    # No breakdown here: IN lets both engines drive from the covering index (user_id first).
    counted = QuizAttempt.user_id.in_(select(p.c.id))
    out: dict[tuple[str, str], QuizVersionCounts] = {}

    def row(quiz_id: str, content_hash: str) -> QuizVersionCounts:
        return out.setdefault((quiz_id, content_hash), QuizVersionCounts(quiz_id, content_hash))

    band = _band()
    keys = (QuizAttempt.quiz_id, QuizAttempt.content_hash, band)
    bands = select(*keys, func.count()).where(graded(), counted).group_by(*keys)
    for quiz_id, content_hash, index, count in session.execute(bands):
        item = row(quiz_id, content_hash)
        item.scores[int(index)] += count
        item.attempts += count
    for quiz_id, content_hash, tries, hours, count in session.execute(_per_learner(p)):
        item = row(quiz_id, content_hash)
        item.learners += count
        if tries is not None:
            item.passed += count
            item.tries[int(tries)] += count
            item.hours[int(hours or 0)] += count
    return sorted(out.values(), key=lambda item: (item.quiz_id, item.content_hash))


def _band():
    """The 10-point score band 0..9 of an attempt (100 % falls in the top band)."""
    percent = func.coalesce(QuizAttempt.percent, 0)
    return case(*((percent >= 10 * band, band) for band in range(9, 0, -1)), else_=0)


def _per_learner(p):
    """(quiz, version, attempts needed, hours from first start to passing, learners), from the
    learners' summaries; attempts needed and hours are NULL for those who have not passed."""
    q = QuizLearner
    hours = Hours(q.passed_at, q.first_started_at)
    keys = (q.quiz_id, q.content_hash, q.tries_to_pass, hours)
    return select(*keys, func.count()).where(q.user_id.in_(select(p.c.id))).group_by(*keys)


def version_dates(session: Session) -> dict[str, datetime]:
    """When each stored quiz version was first used (its QuizContent row was written)."""
    return _pairs(session, select(QuizContent.content_hash, QuizContent.stored_at))


@dataclass(frozen=True, slots=True)
class CertificateCounts:
    by_month: dict[str, Counter]  # "YYYY-MM" -> {"issued": n, "renewed": n, "revoked": n, "expired": n}
    by_region: dict[str, Counter]


def certificate_counts(session: Session, actor: Actor, filters: Filters, now: datetime) -> CertificateCounts:
    """Certificates issued, renewed (a later issue), revoked and expired, by month and region."""
    p = population(actor, filters, "region")
    events = {
        "issued": (Certificate.issued_at, Certificate.id.is_not(None)),
        "renewed": (Certificate.issued_at, Certificate.issue_number > 1),
        "revoked": (Certificate.revoked_at, Certificate.revoked_at.is_not(None)),
        "expired": (
            Certificate.expires_at,
            and_(Certificate.expires_at < now, Certificate.revoked_at.is_(None)),
        ),
    }
    by_month: dict[str, Counter] = {}
    by_region: dict[str, Counter] = {}
    for name, (column, condition) in events.items():
        month = Month(column)
        query = (
            select(month, p.c.g, func.count())
            .join(p, p.c.id == Certificate.user_id)
            .where(condition)
            .group_by(month, p.c.g)
        )
        for key, region, count in session.execute(query):
            by_month.setdefault(key, Counter())[name] += count
            by_region.setdefault(region, Counter())[name] += count
    return CertificateCounts(by_month, by_region)
