"""Report fixtures: a small population written straight to the tables (one shared password hash)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import html5lib
import pytest
from sqlalchemy import insert

from course.accounts.models import User
from course.accounts.passwords import hash_password
from course.certificates.models import Certificate
from course.content.access import EXTENSION_KEY
from course.extensions import db
from course.progress.models import LessonRead, ModuleLearner
from course.progress.rules import module_rows
from course.quizzes.answers import GradedFacts, answer_rows, learner_rows
from course.quizzes.models import FINISHED, QuizAnswer, QuizAttempt, QuizLearner
from course.quizzes.services import store_content
from tests.conftest import PASSWORD

NS = "{http://www.w3.org/1999/xhtml}"
BASE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


class Population:
    """Adds learners with reading and attempts; every one shares the test password's hash."""

    def __init__(self, app) -> None:
        self.app = app
        self.hash = hash_password(PASSWORD)
        self.count = 0

    def learners(
        self,
        n: int,
        region: str = "lviv",
        org_type: str = "police",
        locale: str = "uk",
        created: datetime = BASE,
        read: int = 0,
        passed: bool | None = None,
    ) -> list[int]:
        """`n` learners; each reads the first `read` lessons of the basics module and, when
        `passed` is not None, submits one graded attempt at the basics quiz."""
        with self.app.app_context():
            catalog = self.app.extensions[EXTENSION_KEY]
            rows = []
            for _ in range(n):
                self.count += 1
                rows.append(
                    {
                        "email": f"r{self.count}@example.org",
                        "full_name": f"Learner {self.count}",
                        "password_hash": self.hash,
                        "org_type": org_type,
                        "region": region,
                        "role": "learner",
                        "locale": locale,
                        "session_epoch": 0,
                        "is_active": True,
                        "created_at": created,
                    }
                )
            ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows))
            module = catalog.module("basics")
            reads = [
                {
                    "user_id": uid,
                    "module_id": "basics",
                    "lesson_id": lesson.id,
                    "content_hash": "h",
                    "read_at": created + timedelta(hours=1),
                }
                for uid in ids
                for lesson in module.lessons[:read]
            ]
            if reads:
                db.session.execute(LessonRead.__table__.insert(), reads)
                # The per-module rows mark_read keeps (course/progress/services.py).
                keys = ((r["user_id"], r["module_id"], r["lesson_id"]) for r in reads)
                db.session.execute(ModuleLearner.__table__.insert(), module_rows(keys))
            if passed is not None:
                quiz = catalog.quizzes["basics-quiz"]
                store_content(db.session, quiz, catalog.quizzes, created)
                attempts = [_attempt(uid, quiz, passed, locale, created) for uid in ids]
                table = QuizAttempt.__table__
                returning = table.insert().returning(table.c.id, sort_by_parameter_order=True)
                attempt_ids = db.session.execute(returning, attempts).scalars().all()
                # The reports' rows submitting writes (course/quizzes/answer_store.py).
                rows = [
                    row
                    for attempt_id, a in zip(attempt_ids, attempts, strict=True)
                    for row in answer_rows(
                        GradedFacts(attempt_id, a["user_id"], a["content_hash"], 1, locale, a["score"], a["percent"]),
                        a["results"],
                        a["answers"],
                    )
                ]
                db.session.execute(QuizAnswer.__table__.insert(), rows)
                db.session.execute(QuizLearner.__table__.insert(), learner_rows(attempts))
            db.session.commit()
        return ids

    def certificates(self, ids: list[int], issued: datetime, revoked: int = 0) -> None:
        """A certificate for each learner; the first `revoked` of them revoked a week later."""
        with self.app.app_context():
            rows = [
                {
                    "code": f"CODE{uid:08d}",
                    "user_id": uid,
                    "course_id": "frontline",
                    "issue_number": 1,
                    "holder_name": f"Learner {uid}",
                    "lang": "uk",
                    "course_title": "Course",
                    "course_title_en": "Course",
                    "content_hash": "h",
                    "module_hashes": {},
                    "rule": "test",
                    "issued_at": issued,
                    "expires_at": issued + timedelta(days=365),
                    "revoked_at": issued + timedelta(days=7) if i < revoked else None,
                }
                for i, uid in enumerate(ids)
            ]
            db.session.execute(Certificate.__table__.insert(), rows)
            db.session.commit()


def _attempt(user_id: int, quiz, passed: bool, locale: str, at: datetime) -> dict:
    results = {q.id: ["1/1" if passed else "0/1", passed] for q in quiz.questions}
    answers = {
        q.id: {"chosen": sorted(q.correct_ids) if passed else [q.options[-1].id], "matches": []}
        for q in quiz.questions
        if q.kind != "matching"
    }
    total = sum(q.points for q in quiz.questions)
    score = float(len(results)) if passed else 0.0
    return {
        "public_id": f"p{user_id}",
        "user_id": user_id,
        "quiz_id": quiz.id,
        "content_hash": quiz.content_hash,
        "is_practice": False,
        "attempt_no": 1,
        "lang": locale,
        "status": FINISHED,
        "version": 1,
        "snapshot": {"v": 2, "questions": [{"id": q.id, "order": list(q.option_ids)} for q in quiz.questions]},
        "answers": answers,
        "started_at": at,
        "updated_at": at,
        "finished_at": at + timedelta(hours=2),
        "score": score,
        "max_score": total,
        "percent": round(100 * score / total, 1),
        "is_passed": passed,
        "results": results,
    }


@pytest.fixture
def population(app) -> Population:
    return Population(app)


def page_tables(body: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(key, header, rows) of every report table on a page, cell texts as shown."""
    document = html5lib.parse(body)
    tables = []
    for table in document.iter(f"{NS}table"):
        key = table.get("data-table")
        if not key:
            continue
        header = [_text(th) for th in table.find(f"{NS}thead").iter(f"{NS}th")]
        rows = [
            [_text(cell) for cell in tr if cell.tag in (f"{NS}th", f"{NS}td")]
            for tr in table.find(f"{NS}tbody").iter(f"{NS}tr")
            if not any(cell.get("colspan") for cell in tr)  # "Nothing to count yet."
        ]
        tables.append((key, header, rows))
    return tables


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def csv_tables(data: bytes) -> tuple[list[list[str]], list[tuple[str, list[str], list[list[str]]]]]:
    """The CSV's first rows (what, when, filters) and its tables: (title, header, rows)."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    blocks, current = [], []
    for row in rows:
        if not row:
            blocks.append(current)
            current = []
        else:
            current.append(row)
    blocks.append(current)
    head, *sections = blocks
    return head, [(s[0][0], s[1], s[2:]) for s in sections]
