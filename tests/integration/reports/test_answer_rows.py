"""The reports read rows written from graded attempts: in the reports as soon as they are opened
after a submission, and filled for the attempts made before the rows existed (migration
i13_answer_rows), on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from course.content.access import EXTENSION_KEY
from course.extensions import db
from course.quizzes.answer_store import pending_count
from course.quizzes.answers import GradedFacts, answer_rows
from course.quizzes.models import QuizAnswer
from tests.conftest import empty_database, make_test_app
from tests.integration.quizzes.helpers import answers, post, start
from tests.integration.reports.conftest import BASE, _attempt, page_tables
from tests.security.helpers import logged_in


def analysed(client) -> str:
    """The "attempts analysed" cell of the basics quiz's item analysis."""
    body = client.get("/admin/reports/items?quiz=basics-quiz").get_data(as_text=True)
    tables = {key: rows for key, _header, rows in page_tables(body)}
    return tables["test"][0][1]


@pytest.mark.parametrize("app_overrides", [{"REPORT_SUPPRESS_BELOW": 1}])
def test_a_submission_is_in_the_item_analysis_the_next_time_it_is_opened(app, make_learner, make_admin, auth, client):
    make_admin()
    admin = logged_in(app, "admin@example.org")
    learner = make_learner()
    auth.login(learner.email)
    public_id = start(client)
    assert analysed(admin) == "0"
    response = post(client, public_id, answers(app, public_id), action="submit", app=app)
    assert response.status_code == 303
    with app.app_context():  # grading only marked the attempt: the report writes its rows
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAnswer)) == 0
        assert pending_count(db.session) == 1
    assert analysed(admin) == "1"
    with app.app_context():
        assert pending_count(db.session) == 0
    body = admin.get("/admin/reports/items?quiz=basics-quiz").get_data(as_text=True)
    questions = {key: rows for key, _header, rows in page_tables(body)}["questions"]
    assert questions and all(row[1] == "1" and row[2] == "100.0" for row in questions)


USER = sa.table(
    "user",
    *(sa.column(name) for name in ("id", "email", "full_name", "password_hash", "org_type", "region", "role")),
    *(sa.column(name) for name in ("locale", "session_epoch", "is_active")),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
ATTEMPT_COLUMNS = ("public_id", "user_id", "quiz_id", "content_hash", "is_practice", "lang", "status", "version")
ATTEMPT_COLUMNS += ("score", "max_score", "percent", "is_passed")
ATTEMPT = sa.table(
    "quiz_attempt",
    sa.column("id"),
    *(sa.column(name) for name in ATTEMPT_COLUMNS),
    *(sa.column(name, sa.JSON()) for name in ("snapshot", "answers", "results")),
    *(sa.column(name, sa.DateTime(timezone=True)) for name in ("started_at", "updated_at", "finished_at")),
)

READ_COLUMNS = ("user_id", "module_id", "lesson_id", "content_hash")
READ = sa.table("lesson_read", *(sa.column(name) for name in READ_COLUMNS), sa.column("read_at", sa.DateTime(True)))


def test_migration_fills_answer_rows_for_attempts_made_before_it(database_url, tmp_path, clock):
    app = make_test_app(database_url, tmp_path, clock)
    with app.app_context():
        empty_database()
        upgrade(revision="i12d_revision_sha256")
        quiz = app.extensions[EXTENSION_KEY].quizzes["basics-quiz"]
        user = {"email": "old@example.org", "full_name": "Old", "password_hash": "x", "org_type": "police"}
        user |= {"region": "lviv", "role": "learner", "locale": "en", "session_epoch": 0, "is_active": True}
        with db.engine.begin() as connection:
            uid = connection.execute(USER.insert().returning(USER.c.id), [{**user, "created_at": BASE}]).scalar()
            failed, passed = _attempt(uid, quiz, False, "uk", BASE), _attempt(uid, quiz, True, None, BASE)
            passed |= {"public_id": "second", "started_at": BASE + timedelta(days=1)}
            practice = {**failed, "public_id": "practice", "is_practice": True}
            open_one = {**failed, "public_id": "open", "status": "in_progress", "started_at": BASE + timedelta(days=2)}
            ids = [connection.execute(ATTEMPT.insert().returning(ATTEMPT.c.id), [a]).scalar() for a in (failed, passed)]
            connection.execute(ATTEMPT.insert(), [practice, open_one])
            read = {"user_id": uid, "module_id": "basics", "content_hash": "h", "read_at": BASE}
            connection.execute(READ.insert(), [{**read, "lesson_id": lesson} for lesson in "ab"])
        upgrade()
        with db.engine.connect() as connection:
            stored = [dict(r._mapping) for r in connection.execute(sa.text("SELECT * FROM quiz_answer"))]
            summary = connection.execute(sa.text("SELECT * FROM quiz_learner")).mappings().all()
            modules = connection.execute(sa.text("SELECT * FROM module_learner")).mappings().all()
            numbers = dict(connection.execute(sa.text("SELECT public_id, attempt_no FROM quiz_attempt")).all())
            waiting = connection.scalar(sa.text("SELECT count(*) FROM quiz_attempt WHERE report_rows_pending"))
        # i11_attempt_number: each graded attempt's number, the open one's too; practice has none.
        assert numbers == {f"p{uid}": 1, "second": 2, "open": 3, "practice": None}
        # i11_report_rows_pending: the rows above are there, so none is left pending (and batch
        # mode's copy of the table, which would have cascaded to them on SQLite, is not used).
        assert waiting == 0
        assert [dict(m) for m in modules] == [{"user_id": uid, "module_id": "basics", "lessons": "a b"}]
        # One learner, one version: two graded attempts, the second passed; practice never counts.
        assert [(s["user_id"], s["attempts"], s["tries_to_pass"]) for s in summary] == [(uid, 2, 2)]
        assert summary[0]["passed_at"] is not None
        expected = [
            row
            for number, (attempt_id, a) in enumerate(zip(ids, (failed, passed), strict=True), start=1)
            for row in answer_rows(
                GradedFacts(attempt_id, uid, a["content_hash"], number, a["lang"], a["score"], a["percent"]),
                a["results"],
                a["answers"],
            )
        ]
        key = lambda row: (row["attempt_id"], row["position"])  # noqa: E731
        assert sorted(stored, key=key) == sorted(expected, key=key)
        assert len(stored) == 2 * len(quiz.questions), "one row per question of each graded attempt, none of practice"
        assert {row["attempt_no"] for row in stored} == {1, 2}
        assert any(row["chosen"] for row in stored) and all(row["chosen"] != "[]" for row in stored)
        db.engine.dispose()
