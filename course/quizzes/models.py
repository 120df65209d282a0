"""Quiz tables: attempts (what was asked, the answers, the result) and quiz versions.

Persistence layer: `db` and core types only. An attempt's snapshot (JSON) is which questions
it drew and their option order, fixed at start; their text, answers and feedback are the
QuizContent row of the attempt's content hash (QUIZ-8). Answers are a JSON object keyed by
question id, so a question holds at most one answer per attempt, and every change goes
through a conditional UPDATE on `version` (QUIZ-5, QUIZ-6). A partial unique index allows
one open attempt per learner, quiz and kind (graded or practice).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Double, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import Model

IN_PROGRESS = "in_progress"
FINISHED = "finished"


class QuizAttempt(Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        Index(
            "uq_quiz_attempt_open",
            "user_id",
            "quiz_id",
            "is_practice",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        Index("ix_quiz_attempt_user_quiz", "user_id", "quiz_id"),
        # The reports (issue 13) read only these columns: an index holding them all lets both
        # engines count attempts without reading the wide rows (snapshot, answers, results).
        Index(
            "ix_quiz_attempt_report",
            "user_id",
            "quiz_id",
            "content_hash",
            "status",
            "is_practice",
            "started_at",
            "is_passed",
            "percent",
            "score",
            "finished_at",
            "lang",
        ),
        # The graded attempts whose report rows are not written yet: a handful at a time, so
        # the index holds only them and finding the oldest never reads the table.
        Index(
            "ix_quiz_attempt_report_rows_pending",
            "id",
            sqlite_where=text("report_rows_pending"),
            postgresql_where=text("report_rows_pending"),
        ),
        # The item analysis ranks each learner's attempts at one quiz in this order.
        Index(
            "ix_quiz_attempt_items",
            "quiz_id",
            "user_id",
            "started_at",
            "content_hash",
            "status",
            "is_practice",
            "score",
            "percent",
            "lang",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Opaque id for URLs, so attempt numbers cannot be guessed or enumerated (AC-3).
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    is_practice: Mapped[bool] = mapped_column(default=False)
    # The learner's language when the attempt started: item analysis compares uk and en
    # figures of the same question (issue 13). NULL for attempts from before it was kept.
    lang: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS)
    # Which of the learner's graded attempts at this quiz it is (1: their first, over every
    # version), fixed at start: one is open at a time, so every earlier one is finished or
    # never will be. The reports' rows carry it; NULL for practice rounds, which never count.
    attempt_no: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=0)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Double)
    max_score: Mapped[int | None]
    percent: Mapped[float | None] = mapped_column(Double)
    is_passed: Mapped[bool | None]
    # Graded, and its rows for the reports (`quiz_answer`, `quiz_learner`) not written yet:
    # set by the grading UPDATE, cleared by the batch that writes them
    # (course/quizzes/answer_store.py). Never set on practice rounds, which never count.
    report_rows_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Per question: [score as "n/d", is_correct]; graded once, never recomputed.
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    practice_of_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="SET NULL"))
    # Answers posted after the session had expired (REL-2e): kept aside, never graded, and
    # shown to the learner, unsaved, when they are back in the attempt after logging in.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)


class QuizContent(Model):
    """One version of a quiz's questions (all languages, answers, feedback), by content hash.

    Written when the first attempt on that version starts, never changed or deleted: it is
    what past attempts are graded and reviewed from (QUIZ-8).
    """

    __tablename__ = "quiz_content"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(64))
    questions: Mapped[dict[str, Any]] = mapped_column(JSON)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuizAnswer(Model):
    """One question of one graded attempt, as narrow columns: what the reports read (issue 13).

    Written from the graded attempt in a later batch (course/quizzes/answer_store.py; the
    report pages write waiting rows before they read) and never changed, like the attempt's
    results. The attempt's JSON stays the record; these rows repeat what the item analysis
    needs, so it counts with GROUP BY instead of parsing ten thousand documents. Practice
    rounds get no rows (they never count). `chosen` is NULL for kinds without options
    (matching, short answer, numerical): their mark is `score` alone.
    """

    __tablename__ = "quiz_answer"
    __table_args__ = (
        # The item analysis reads one version's rows, first attempts by default: every column
        # it reads is in the index, so neither engine touches the table itself; position
        # before the learner, so the attempts' totals (position 0) are a narrow range.
        Index(
            "ix_quiz_answer_items",
            "content_hash",
            "attempt_no",
            "position",
            "user_id",
            "question_id",
            "score",
            "attempt_score",
            "attempt_percent",
            "lang",
            "chosen",
        ),
    )

    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    # The learner's graded attempt at this quiz, counted over every version in the order
    # started (1: their first), so "first attempts" need no ranking at report time.
    attempt_no: Mapped[int]
    position: Mapped[int]  # the question's place in the attempt, from 0
    lang: Mapped[str | None] = mapped_column(String(8))  # the attempt's language
    score: Mapped[float] = mapped_column(Double)  # the mark on this question, in points
    attempt_score: Mapped[float] = mapped_column(Double)  # the attempt's total marks
    attempt_percent: Mapped[float] = mapped_column(Double)
    chosen: Mapped[str | None] = mapped_column(Text)  # option ids as a JSON array


class QuizLearner(Model):
    """One learner's graded attempts at one quiz version, summed up (issue 13).

    Updated from graded attempts in batches, one upsert per learner and version in each
    (course/quizzes/answer_store.py), so the quiz results and the funnel count learners from one
    narrow row each instead of ranking every attempt. Like `quiz_answer`, a copy of what the
    attempts say: no personal data of its own, and the rows of an account that no longer exists
    are never counted (the reports join the accounts).
    """

    __tablename__ = "quiz_learner"

    user_id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int]  # graded attempts at this version
    first_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tries_to_pass: Mapped[int | None]  # the number of the first passing attempt; NULL: not passed
    passed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when it finished
