"""Progress use cases: record a lesson as read, read a learner's progress, list for admins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from course.accounts.models import ROLE_LEARNER, User
from course.content.types import Module
from course.extensions import Session
from course.progress.models import LessonRead, ModuleLearner
from course.progress.rules import CourseProgress, ReadKey, course_progress
from course.quizzes.rules import QuizStatus
from course.quizzes.services import learner_quiz_statuses
from course.quizzes.types import Quiz
from course.readcache import cached_read

FINAL_QUIZ_KEY = "final"


def mark_read(session: Session, user: User, module: Module, lesson_id: str, now: datetime) -> bool:
    """Record the lesson as read; True if this is the first time. Safe against double clicks."""
    exists = select(LessonRead.id).where(
        LessonRead.user_id == user.id, LessonRead.module_id == module.id, LessonRead.lesson_id == lesson_id
    )
    if session.scalar(exists) is not None:
        return False
    row = LessonRead(
        user_id=user.id, module_id=module.id, lesson_id=lesson_id, content_hash=module.content_hash, read_at=now
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a second tab recorded it between our check and insert
        return False
    add_to_module_row(session, user.id, module.id, lesson_id)
    return True


def add_to_module_row(session: Session, user_id: int, module_id: str, lesson_id: str) -> None:
    """Append a newly read lesson to the learner's row for the module (the funnel counts these
    rows): one upsert, which adds to whatever row it finds, so two tabs never lose a lesson."""
    table = ModuleLearner.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(user_id=user_id, module_id=module_id, lessons=lesson_id)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.module_id],
        set_={"lessons": table.c.lessons + " " + statement.excluded.lessons},
    )
    session.execute(statement)


# Built once: certificate eligibility asks this after every pass.
_READ_ROWS = select(LessonRead.module_id, LessonRead.lesson_id, LessonRead.read_at).where(
    LessonRead.user_id == bindparam("user_id")
)
_MODULE_READ_ROWS = _READ_ROWS.where(LessonRead.module_id == bindparam("module_id"))


def read_rows(session: Session, user_id: int, module_id: str | None = None) -> list[tuple[str, str, datetime]]:
    if module_id is None:
        rows = session.execute(_READ_ROWS, {"user_id": user_id})
    else:
        rows = session.execute(_MODULE_READ_ROWS, {"user_id": user_id, "module_id": module_id})
    return [tuple(row) for row in rows]  # type: ignore[misc]


def read_lessons(session: Session, user_id: int, module_id: str) -> frozenset[str]:
    return frozenset(lesson for _, lesson, _ in read_rows(session, user_id, module_id))


# Built once: the lesson page (the hottest page) asks only this, on every request.
_IS_READ = (
    select(LessonRead.id)
    .where(
        LessonRead.user_id == bindparam("user_id"),
        LessonRead.module_id == bindparam("module_id"),
        LessonRead.lesson_id == bindparam("lesson_id"),
    )
    .limit(1)
)


def lesson_is_read(session: Session, user_id: int, module_id: str, lesson_id: str) -> bool:
    """One indexed lookup on the (user, module, lesson) unique index, through the read cache."""
    params = {"user_id": user_id, "module_id": module_id, "lesson_id": lesson_id}

    def load() -> bool:
        return session.connection().execute(_IS_READ, params).first() is not None

    return cached_read(session, ("read", user_id, module_id, lesson_id), load)


def learner_progress(session: Session, user: User, modules: Sequence[Module]) -> CourseProgress:
    rows = read_rows(session, user.id)
    last: ReadKey | None = None
    if rows:
        latest = max(rows, key=lambda row: row[2])
        last = (latest[0], latest[1])
    return course_progress(modules, [(m, lesson) for m, lesson, _ in rows], last)


def all_learners_progress(session: Session, modules: Sequence[Module]) -> list[tuple[User, CourseProgress]]:
    """Every learner with their progress: two queries, whatever the number of learners."""
    learners = session.scalars(select(User).where(User.role == ROLE_LEARNER).order_by(User.full_name)).all()
    reads: dict[int, list[ReadKey]] = {}
    for user_id, module_id, lesson_id in session.execute(
        select(LessonRead.user_id, LessonRead.module_id, LessonRead.lesson_id)
    ):
        reads.setdefault(user_id, []).append((module_id, lesson_id))
    return [(u, course_progress(modules, reads.get(u.id, []))) for u in learners]


def quiz_statuses(
    session: Session, user: User, quizzes: Mapping[str, Quiz], now: datetime
) -> dict[str, tuple[Quiz, QuizStatus]]:
    """Quiz status per module id (the final assessment under "final"), for the dashboard."""
    statuses = learner_quiz_statuses(session, user, quizzes, now)
    return {quiz.module_id or FINAL_QUIZ_KEY: (quiz, statuses[quiz.id]) for quiz in quizzes.values()}
