"""Quiz use cases: start, save, submit, practise, and the learner's status per quiz.

Use-case layer: core, models and a session passed in; never request, current_user or
commit() (the view or CLI commits once). Every change to an attempt is a conditional UPDATE:
`WHERE status='in_progress' AND version=:seen`, checked by rowcount, so a double click, a
second tab or ten parallel submits give exactly one result (QUIZ-4, QUIZ-5, QUIZ-6).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, bindparam, select
from sqlalchemy.exc import IntegrityError

from course.accounts.models import User
from course.caches import LRU
from course.clock import as_utc
from course.extensions import Session
from course.quizzes.drawing import DrawnQuestion, draw_attempt, practice_questions, question_pool
from course.quizzes.errors import (
    AttemptAlreadySubmitted,
    AttemptNotFound,
    InvalidAnswer,
    PracticeNotAvailable,
    RetakeNotAllowed,
    StaleAttempt,
)
from course.quizzes.models import FINISHED, IN_PROGRESS, QuizAttempt, QuizContent
from course.quizzes.rules import GradedAttempt, QuizStatus, quiz_status, retake_decision
from course.quizzes.scoring import InvalidResponse, grade_attempt, validate_responses
from course.quizzes.snapshot import (
    content_from_json,
    content_to_json,
    from_snapshot,
    responses_from_json,
    responses_to_json,
)
from course.quizzes.snapshot import to_snapshot as questions_snapshot
from course.quizzes.types import AttemptResult, Question, Quiz, QuizSettings, Response


def new_public_id() -> str:
    """128 random bits, URL-safe: attempt URLs cannot be guessed (AC-3)."""
    return secrets.token_urlsafe(16)


_OWNED = select(QuizAttempt).where(
    QuizAttempt.public_id == bindparam("public_id"), QuizAttempt.user_id == bindparam("user_id")
)


def owned_attempt(session: Session, learner: User, public_id: str) -> QuizAttempt:
    """The learner's own attempt, or AttemptNotFound, whoever else's it may be (AC-3)."""
    attempt = session.scalar(_OWNED, {"public_id": public_id[:32], "user_id": learner.id})
    if attempt is None:
        raise AttemptNotFound()
    return attempt


def open_attempt(session: Session, learner: User, quiz_id: str, practice: bool = False) -> QuizAttempt | None:
    """The learner's attempt in progress on this quiz, if any."""
    return session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == learner.id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.is_practice == practice,
            QuizAttempt.status == IN_PROGRESS,
        )
    )


def graded_attempts(session: Session, learner: User, quiz_id: str) -> list[QuizAttempt]:
    """Finished graded (not practice) attempts, oldest first."""
    return list(
        session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == learner.id,
                QuizAttempt.quiz_id == quiz_id,
                QuizAttempt.is_practice.is_(False),
                QuizAttempt.status == FINISHED,
            )
            .order_by(QuizAttempt.finished_at, QuizAttempt.id)
        )
    )


def finished_attempts(session: Session, user_id: int, limit: int = 100) -> list[QuizAttempt]:
    """A learner's graded (not practice) attempts on every quiz, newest first: the admin's view."""
    return list(
        session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.is_practice.is_(False), QuizAttempt.status == FINISHED)
            .order_by(QuizAttempt.finished_at.desc(), QuizAttempt.id.desc())
            .limit(limit)
        )
    )


def _as_graded(attempt: QuizAttempt) -> GradedAttempt:
    return GradedAttempt(
        as_utc(attempt.finished_at or attempt.updated_at),
        attempt.percent or 0.0,
        bool(attempt.is_passed),
    )


def start_attempt(
    session: Session, learner: User, quiz: Quiz, quizzes: Mapping[str, Quiz], now: datetime
) -> QuizAttempt:
    """Resume the open attempt, or start one if the retake rules allow (QUIZ-7)."""
    existing = open_attempt(session, learner, quiz.id)
    if existing is not None:
        return existing
    history = [_as_graded(a) for a in graded_attempts(session, learner, quiz.id)]
    decision = retake_decision(quiz.settings, history, now)
    if not decision.allowed:
        raise RetakeNotAllowed(decision.reason, decision.next_allowed_at)
    drawn = draw_attempt(quiz, quizzes, secrets.randbits(32))
    store_content(session, quiz, quizzes, now)
    snapshot = snapshot_of(drawn, quiz.settings)
    return _insert(session, learner, quiz.id, quiz.content_hash, snapshot, now, attempt_no=len(history) + 1)


def snapshot_of(drawn: tuple[DrawnQuestion, ...], settings: QuizSettings) -> dict[str, Any]:
    """What was asked and the settings in force, so later edits change nothing (QUIZ-8)."""
    data = questions_snapshot(drawn)
    data["settings"] = dataclasses.asdict(settings)
    return data


def _insert(
    session: Session,
    learner: User,
    quiz_id: str,
    content_hash: str,
    snapshot: dict[str, Any],
    now: datetime,
    practice_of: QuizAttempt | None = None,
    attempt_no: int | None = None,
) -> QuizAttempt:
    attempt = QuizAttempt(
        public_id=new_public_id(),
        user_id=learner.id,
        quiz_id=quiz_id,
        content_hash=content_hash,
        is_practice=practice_of is not None,
        lang=learner.locale,
        status=IN_PROGRESS,
        attempt_no=attempt_no,
        version=0,
        snapshot=snapshot,
        answers={},
        started_at=now,
        updated_at=now,
        practice_of_id=practice_of.id if practice_of else None,
    )
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:  # a double click started one between our check and insert
        existing = open_attempt(session, learner, quiz_id, practice_of is not None)
        if existing is None:
            raise
        return existing
    return attempt


# Quiz versions never change once stored, so each process keeps the ones it has read.
_CONTENT: LRU[str, dict[str, Question]] = LRU(64)


def store_content(session: Session, quiz: Quiz, quizzes: Mapping[str, Quiz], now: datetime) -> None:
    """Store this quiz version's questions (its whole pool) once, under its content hash."""
    stored = select(QuizContent.content_hash).where(QuizContent.content_hash == quiz.content_hash)
    if session.scalar(stored) is not None:
        return
    pool = [q for source, _ in question_pool(quiz, quizzes) for q in source.questions]
    row = QuizContent(content_hash=quiz.content_hash, quiz_id=quiz.id, questions=content_to_json(pool), stored_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another learner started this version at the same moment
        pass


def content_questions(session: Session, content_hash: str) -> dict[str, Question]:
    """The questions of one stored quiz version, by id."""
    questions = _CONTENT.get(content_hash)
    if questions is None:
        data = session.scalar(select(QuizContent.questions).where(QuizContent.content_hash == content_hash))
        questions = content_from_json(data or {})
        if data is not None:  # a version not stored yet (or rolled back) is looked up again next time
            _CONTENT.put(content_hash, questions)
    return questions


def attempt_questions(session: Session, attempt: QuizAttempt) -> tuple[DrawnQuestion, ...]:
    """The questions as asked in this attempt, in their order, with their stored text."""
    cached = attempt.__dict__.get("_drawn")
    if cached is None:
        questions = content_questions(session, attempt.content_hash)
        cached = attempt.__dict__["_drawn"] = from_snapshot(attempt.snapshot, questions)
    return cached


def attempt_settings(attempt: QuizAttempt) -> QuizSettings:
    return QuizSettings(**attempt.snapshot.get("settings", {}))


def stored_responses(attempt: QuizAttempt) -> dict[str, Response]:
    return responses_from_json(attempt.answers)


def _merged(session: Session, attempt: QuizAttempt, responses: Mapping[str, Response]) -> dict[str, Any]:
    questions = [d.question for d in attempt_questions(session, attempt)]
    try:
        validate_responses(questions, responses)
    except InvalidResponse as invalid:
        raise InvalidAnswer(invalid.message) from None
    merged = stored_responses(attempt)
    merged.update(responses)
    return responses_to_json(merged)


def save_answers(
    session: Session,
    attempt: QuizAttempt,
    responses: Mapping[str, Response],
    version: int,
    now: datetime,
) -> int:
    """Store answers for some questions; return the new version. Refuses stale forms."""
    if attempt.status != IN_PROGRESS:
        raise AttemptAlreadySubmitted()
    answers = _merged(session, attempt, responses)
    _update(session, attempt, version, answers=answers, now=now)
    return version + 1


def submit_attempt(
    session: Session,
    attempt: QuizAttempt,
    responses: Mapping[str, Response],
    version: int,
    now: datetime,
) -> AttemptResult:
    """Save the last answers and grade the attempt from its snapshot, exactly once."""
    if attempt.status != IN_PROGRESS:
        raise AttemptAlreadySubmitted()
    answers = _merged(session, attempt, responses)
    questions = [d.question for d in attempt_questions(session, attempt)]
    result = grade_attempt(questions, responses_from_json(answers), attempt_settings(attempt).pass_mark)
    results = {r.question_id: [f"{r.score.numerator}/{r.score.denominator}", r.is_correct] for r in result.questions}
    _update(
        session,
        attempt,
        version,
        answers=answers,
        now=now,
        score=float(result.score),
        max_score=result.max_score,
        percent=result.percent,
        is_passed=result.is_passed,
        results=results,
        # The reports' rows are written from the attempt afterwards, in batches
        # (course/quizzes/answer_store.py); practice rounds never count, so they get none.
        report_rows_pending=not attempt.is_practice,
    )
    return result


_TABLE = QuizAttempt.__table__
# Built once: saves and submits are the hottest writes, and building a statement costs more
# than running it. Core statements on the table skip the ORM's bulk-update bookkeeping.
_GUARD = (
    (_TABLE.c.id == bindparam("attempt_id"))
    & (_TABLE.c.status == IN_PROGRESS)
    & (_TABLE.c.version == bindparam("seen_version"))
)
_SAVE = (
    _TABLE.update()
    .where(_GUARD)
    .values(
        answers=bindparam("answers", type_=JSON),
        version=bindparam("new_version"),
        updated_at=bindparam("now"),
    )
)
_SUBMIT = (
    _TABLE.update()
    .where(_GUARD)
    .values(
        answers=bindparam("answers", type_=JSON),
        version=bindparam("new_version"),
        updated_at=bindparam("now"),
        status=FINISHED,
        finished_at=bindparam("now"),
        score=bindparam("score"),
        max_score=bindparam("max_score"),
        percent=bindparam("percent"),
        is_passed=bindparam("is_passed"),
        results=bindparam("results", type_=JSON),
        report_rows_pending=bindparam("report_rows_pending"),
    )
)


def _update(session: Session, attempt: QuizAttempt, seen_version: int, **values: Any) -> None:
    """The conditional UPDATE every change goes through; refusals say why (QUIZ-5, QUIZ-6)."""
    statement = _SUBMIT if "results" in values else _SAVE
    params = {"attempt_id": attempt.id, "seen_version": seen_version, "new_version": seen_version + 1, **values}
    # The answers were merged with the attempt as read; only that version may be overwritten.
    if attempt.version == seen_version:
        if session.execute(statement, params).rowcount == 1:  # type: ignore[attr-defined]
            session.expire(attempt)
            return
    session.expire(attempt)
    status, version = session.execute(
        select(QuizAttempt.status, QuizAttempt.version).where(QuizAttempt.id == attempt.id)
    ).one()
    if status != IN_PROGRESS:
        raise AttemptAlreadySubmitted()
    raise StaleAttempt(version)


def keep_pending(session: Session, attempt: QuizAttempt, responses: Mapping[str, Response], page: int) -> None:
    """Set aside answers that arrived after the session expired (REL-2e); nothing is graded."""
    if attempt.status != IN_PROGRESS or not responses:
        return
    attempt.pending = {"page": page, "answers": responses_to_json(responses)}
    session.flush()


def take_pending(session: Session, attempt: QuizAttempt) -> tuple[int, dict[str, Response]] | None:
    """The answers set aside for this attempt, once; they are then forgotten."""
    pending = attempt.pending
    if not pending or attempt.status != IN_PROGRESS:
        return None
    attempt.pending = None
    session.flush()
    return int(pending.get("page", 0)), responses_from_json(pending.get("answers"))


def start_practice(session: Session, learner: User, attempt: QuizAttempt, now: datetime) -> QuizAttempt:
    """A round of only the questions answered wrong; it never counts towards the pass."""
    if attempt.status != FINISHED or attempt.user_id != learner.id:
        raise PracticeNotAvailable()
    wrong = {qid for qid, (_, correct) in (attempt.results or {}).items() if not correct}
    if not wrong:
        raise PracticeNotAvailable()
    existing = open_attempt(session, learner, attempt.quiz_id, practice=True)
    if existing is not None and existing.practice_of_id == attempt.id:
        return existing
    if existing is not None:  # an unfinished practice round of an older attempt: replace it
        session.delete(existing)
        session.flush()
    drawn = practice_questions(attempt_questions(session, attempt), wrong, secrets.randbits(32))
    snapshot = {**questions_snapshot(drawn), "settings": attempt.snapshot.get("settings", {})}
    return _insert(session, learner, attempt.quiz_id, attempt.content_hash, snapshot, now, practice_of=attempt)


def learner_quiz_statuses(
    session: Session, learner: User, quizzes: Mapping[str, Quiz], now: datetime
) -> dict[str, QuizStatus]:
    """Status of every quiz for one learner, from one query (dashboard, progress)."""
    rows = session.execute(
        select(
            QuizAttempt.quiz_id,
            QuizAttempt.status,
            QuizAttempt.finished_at,
            QuizAttempt.updated_at,
            QuizAttempt.percent,
            QuizAttempt.is_passed,
        ).where(QuizAttempt.user_id == learner.id, QuizAttempt.is_practice.is_(False))
    ).all()
    finished: dict[str, list[GradedAttempt]] = {}
    open_ids: set[str] = set()
    for quiz_id, status, finished_at, updated_at, percent, passed in rows:
        if status == IN_PROGRESS:
            open_ids.add(quiz_id)
        else:
            graded = GradedAttempt(as_utc(finished_at or updated_at), percent or 0.0, bool(passed))
            finished.setdefault(quiz_id, []).append(graded)
    return {
        quiz_id: quiz_status(quiz.settings, finished.get(quiz_id, []), now, quiz_id in open_ids)
        for quiz_id, quiz in quizzes.items()
    }
