"""The learners report: filter, sort, page, and a CSV export safe to open in a spreadsheet.

Every query starts from `visible_learners(actor)` (course/cohorts/scope.py): a trainer's report,
search, CSV and page count cover their learners only.

Use cases: a session passed in, no request. Every parameter that reaches SQL comes from an
allowlist or is a bound value (OUT-5): sort keys map to columns here, never `text(user input)`;
the search text is a LIKE pattern with its wildcards escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from course.accounts.models import ROLE_ADMIN, ROLE_LEARNER, ROLE_TRAINER, User
from course.cohorts.models import CohortMember
from course.cohorts.scope import Actor, visible_learners
from course.content.types import Module
from course.database import contains_name, like_pattern
from course.extensions import Session
from course.progress.models import LessonRead
from course.progress.rules import CourseProgress, ReadKey, course_progress

PER_PAGE = 50
MAX_TEXT = 100
SORTS = {
    "name": (User.full_name, User.id),
    "email": (User.email, User.id),
    "registered": (User.created_at.desc(), User.id),
    "progress": (User.full_name, User.id),  # then by progress, in Python: it is not a column
}
ROLES = {
    "learner": (ROLE_LEARNER,),
    "trainer": (ROLE_TRAINER,),
    "admin": (ROLE_ADMIN,),
    "any": (ROLE_LEARNER, ROLE_TRAINER, ROLE_ADMIN),
}
# OUT-4: a cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class BadQuery(ValueError):
    """A report parameter outside its allowlist or range: the view answers 400."""


@dataclass(frozen=True, slots=True)
class LearnerQuery:
    text: str = ""
    sort: str = "name"
    role: str = "learner"
    page: int = 1
    cohort: int | None = None


@dataclass(frozen=True, slots=True)
class ReportPage:
    rows: list[tuple[User, CourseProgress]]
    total: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a learner has done beyond reading, shown beside the lessons, never blended with
    them: a learner with every lesson read and a failed quiz is not "100 %" (issue 16)."""

    module_quizzes_passed: int
    module_quizzes: int
    final_passed: bool | None  # None: the course has no final assessment
    certificate: str  # a certificate state (course/certificates/types.py) or "" for none


def outcomes(session: Session, users: Sequence[User], quizzes: Mapping, now: datetime) -> dict[int, Outcome]:
    """Quizzes passed and the latest certificate's state for each of `users`: two queries."""
    from course.certificates.models import Certificate
    from course.certificates.records import status_of
    from course.quizzes.models import QuizAttempt

    ids = [user.id for user in users]
    passed: dict[int, set[str]] = {}
    latest: dict[int, Certificate] = {}
    if ids:
        query = select(QuizAttempt.user_id, QuizAttempt.quiz_id).where(
            QuizAttempt.user_id.in_(ids), QuizAttempt.is_passed.is_(True), QuizAttempt.is_practice.is_(False)
        )
        for user_id, quiz_id in session.execute(query.distinct()):
            passed.setdefault(user_id, set()).add(quiz_id)
        certificates = select(Certificate).where(Certificate.user_id.in_(ids)).order_by(Certificate.issued_at)
        latest = {c.user_id: c for c in session.scalars(certificates) if c.user_id is not None}  # the last issued wins
    module_ids = {quiz_id for quiz_id, quiz in quizzes.items() if quiz.module_id}
    final_ids = set(quizzes) - module_ids
    return {
        user_id: Outcome(
            len(passed.get(user_id, set()) & module_ids),
            len(module_ids),
            bool(passed.get(user_id, set()) & final_ids) if final_ids else None,
            status_of(latest[user_id], now) if user_id in latest else "",
        )
        for user_id in ids
    }


def parse_query(args: Mapping[str, str]) -> LearnerQuery:
    """The report parameters, or BadQuery; `page` beyond the last page is clamped later."""
    text = (args.get("q") or "").strip()
    sort, role = args.get("sort") or "name", args.get("role") or "learner"
    page, cohort = args.get("page") or "1", args.get("cohort") or ""
    if len(text) > MAX_TEXT or sort not in SORTS or role not in ROLES:
        raise BadQuery(sort)
    if not page.isdigit() or len(page) > 9 or int(page) < 1:
        raise BadQuery(page)
    if cohort and (not cohort.isdigit() or len(cohort) > 9):
        raise BadQuery(cohort)
    return LearnerQuery(text, sort, role, int(page), int(cohort) if cohort else None)


def _matching(actor: Actor, query: LearnerQuery):
    statement = visible_learners(actor).where(User.role.in_(ROLES[query.role]))
    if query.cohort is not None:
        member = select(CohortMember.user_id).where(CohortMember.cohort_id == query.cohort)
        statement = statement.where(User.id.in_(member))
    if query.text:
        # ILIKE folds every alphabet on both engines (SQLite's lower() is replaced: database.py).
        statement = statement.where(
            or_(
                contains_name(User.full_name, query.text),
                User.email.ilike(like_pattern(query.text), escape="\\"),
            )
        )
    return statement


def _progress(session: Session, users: Sequence[User], modules: Sequence[Module]) -> list[tuple[User, CourseProgress]]:
    reads: dict[int, list[ReadKey]] = {}
    ids = [user.id for user in users]
    if ids:
        query = select(LessonRead.user_id, LessonRead.module_id, LessonRead.lesson_id)
        for user_id, module_id, lesson_id in session.execute(query.where(LessonRead.user_id.in_(ids))):
            reads.setdefault(user_id, []).append((module_id, lesson_id))
    return [(user, course_progress(modules, reads.get(user.id, []))) for user in users]


def learner_report(session: Session, actor: Actor, modules: Sequence[Module], query: LearnerQuery) -> ReportPage:
    """One page of the report: users matching the query, each with their course progress."""
    statement = _matching(actor, query)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(query.page, pages)
    ordered = statement.order_by(*SORTS[query.sort])
    if query.sort == "progress":
        everyone = _progress(session, session.scalars(ordered).all(), modules)
        everyone.sort(key=lambda row: -row[1].percent)  # stable: names stay in order within a percent
        rows = everyone[(page - 1) * PER_PAGE : page * PER_PAGE]
    else:
        users = session.scalars(ordered.offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
        rows = _progress(session, users, modules)
    return ReportPage(rows, total, page, pages)


def all_rows(
    session: Session, actor: Actor, modules: Sequence[Module], query: LearnerQuery
) -> list[tuple[User, CourseProgress]]:
    """Every matching user, in the query's order, for the CSV export."""
    users = session.scalars(_matching(actor, query).order_by(*SORTS[query.sort])).all()
    rows = _progress(session, users, modules)
    if query.sort == "progress":
        rows.sort(key=lambda row: -row[1].percent)
    return rows


def safe_cell(value: object) -> str:
    """A spreadsheet cell that is never a formula: `=1+1` becomes `'=1+1` (OUT-4)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """RFC 4180 CSV (quoted as needed, CRLF line ends), every cell defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
