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

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from course.accounts.models import ROLE_ADMIN, ROLE_LEARNER, ROLE_TRAINER, User
from course.cohorts.models import CohortMember
from course.cohorts.scope import Actor, visible_learners
from course.content.types import Module
from course.database import like_pattern
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
        pattern = like_pattern(query.text)
        statement = statement.where(
            or_(User.full_name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))
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
