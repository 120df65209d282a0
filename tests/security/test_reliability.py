"""Reliability: concurrent workers on one database and all-or-nothing requests (REL-1);
migrations (REL-2a) and online SQLite backups (REL-2b). Health checks are in test_health.py."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, func, inspect, select, text

from course.accounts.models import User
from course.extensions import db
from tests.conftest import csrf_token, make_test_app
from tests.security.helpers import empty_database, logged_in, migrate_from_empty, snapshot
from tests.security.workers import LESSONS, learner_writes, write_course

PROCESSES = 4
QUIZ_ROUNDS = 3


@pytest.fixture
def course_dir(tmp_path) -> Path:
    return write_course(tmp_path / "course")


@pytest.fixture
def big_app(make_app, course_dir):
    return make_app(CONTENT_DIR=str(course_dir), QUIZZES_DIR=str(course_dir / "quizzes"))


def _register(app, clock, count: int) -> list[str]:
    from course.accounts.services import Registration, register

    emails = [f"worker{i}@example.org" for i in range(count)]
    with app.app_context():
        for email in emails:
            register(
                db.session,
                Registration(email, "Паралельна Людина", "correct horse battery staple", "police", "lviv", None, "uk"),
                clock(),
            )
        db.session.commit()
    return emails


def _count(app, table: str, **where) -> int:
    with app.app_context():
        model = db.metadata.tables[table]
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(model.c[column] == value)
        value = db.session.scalar(query)
        db.session.rollback()
        return value


def _separate_processes() -> BaseContext:
    """Worker processes that share no app, connection or thread with this one or each other, as
    gunicorn's workers don't: forked from multiprocessing's fork server, a fresh interpreter
    that has only imported the code. Spawning each from nothing cost it about three seconds of
    imports, which made these tests a sixth of the whole suite's CPU time."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["course.app", "tests.conftest", "tests.security.workers", "tests.integration.quizzes.helpers"]
    )
    return context


def _run_workers(database_url: str, course_dir: Path, tmp_path: Path, emails: list[str], quizzes: int):
    with ProcessPoolExecutor(max_workers=len(emails), mp_context=_separate_processes()) as pool:
        futures = [
            pool.submit(learner_writes, database_url, str(course_dir), str(tmp_path / f"w{i}"), email, quizzes)
            for i, email in enumerate(emails)
        ]
        return [future.result(timeout=600) for future in futures]


def test_four_processes_writing_at_once_lose_nothing_REL_1(big_app, database_url, course_dir, tmp_path, clock):
    """4 worker processes x (50 lesson reads + 3 graded quiz submissions), one database."""
    emails = _register(big_app, clock, PROCESSES)
    results = _run_workers(database_url, course_dir, tmp_path, emails, QUIZ_ROUNDS)
    for result in results:
        assert result["errors"] == []
        assert "database is locked" not in result["log"] and "OperationalError" not in result["log"]
        assert result["statuses"][0] == 302 and set(result["statuses"][1:]) <= {302, 303}, result["statuses"]
    assert _count(big_app, "lesson_read", module_id="big") == PROCESSES * LESSONS
    if "quiz_attempt" in db.metadata.tables:
        assert _count(big_app, "quiz_attempt", status="finished") == PROCESSES * QUIZ_ROUNDS
        assert _count(big_app, "quiz_attempt") == PROCESSES * QUIZ_ROUNDS


def test_sqlite_connections_are_tuned_for_concurrent_workers_REL_1(tmp_path, clock):
    app = make_test_app(f"sqlite:///{tmp_path / 'tuned.db'}", tmp_path, clock)
    with app.app_context(), db.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
        }
        db.engine.dispose()
    assert pragmas == {"journal_mode": "wal", "busy_timeout": 10000, "foreign_keys": 1, "synchronous": 1}


def _failing_after_first_write(app):
    """Arm a failure right after the next INSERT, UPDATE or DELETE reaches the database."""
    state = {"armed": True}

    def fail(connection, cursor, statement, parameters, context, executemany):
        if state["armed"] and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            state["armed"] = False
            raise RuntimeError("injected failure after the first write")

    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", fail)
    return state


def _submit_quiz(app, client):
    from tests.integration.quizzes.helpers import answers, start

    public_id = start(client)
    data = answers(app, public_id)
    with app.app_context():
        from course.quizzes.models import QuizAttempt

        version = db.session.scalar(select(QuizAttempt.version).where(QuizAttempt.public_id == public_id))
        db.session.rollback()
    form = {
        "version": str(version),
        "page": "0",
        "action": "submit",
        "csrf_token": csrf_token(client, f"/attempts/{public_id}"),
        **data,
    }
    return lambda: client.post(f"/attempts/{public_id}", data=form)


ACTIONS = ["mark_read", "quiz_submit", "register", "password_change", "admin_erase"]


def _prepared_request(app, action: str, learner, admin):
    """The request for `action`, tokens fetched beforehand, as a call to make later."""
    client = logged_in(app, (admin if action == "admin_erase" else learner).email)
    if action == "quiz_submit":
        return _submit_quiz(app, client)
    if action == "register":  # a visitor's own token, so the refusal is the injected failure
        visitor = app.test_client()
        data = {
            "full_name": "Нова Людина",
            "email": "new@example.org",
            "password": "correct horse battery staple",
            "org_type": "police",
            "region": "lviv",
            "position": "",
            "csrf_token": csrf_token(visitor, "/register"),
        }
        return lambda: visitor.post("/register", data=data)
    url, page, data = {
        "mark_read": ("/modules/basics/first/read", "/modules/basics/first", {}),
        "password_change": (
            "/account/password",
            "/account/password",
            {"current_password": "correct horse battery staple", "new_password": "another long passphrase"},
        ),
        "admin_erase": (f"/admin/users/{learner.id}/erase", f"/admin/users/{learner.id}", {"confirm": "y"}),
    }[action]
    data["csrf_token"] = csrf_token(client, page)
    return lambda: client.post(url, data=data)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_failure_after_the_first_write_leaves_the_database_unchanged_REL_1(app, make_learner, make_admin, action):
    """One unit of work per request: an exception after the first INSERT/UPDATE/DELETE rolls all back."""
    if action == "quiz_submit" and "quizzes.start" not in app.view_functions:
        pytest.skip("no quizzes in this build")
    learner, admin = make_learner(), make_admin()
    request = _prepared_request(app, action, learner, admin)
    before = snapshot(app)
    state = _failing_after_first_write(app)
    response = request()
    assert not state["armed"], "the request never wrote: the test proves nothing"
    assert response.status_code == 500 and "Traceback" not in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_migrations_upgrade_downgrade_and_match_the_models_REL_2a(app):
    """`upgrade head` from nothing, `downgrade base`, `upgrade head` again; then the models and the
    migrated schema are the same (alembic check), on SQLite and PostgreSQL."""

    def differences():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)

    with app.app_context():
        empty_database()
        upgrade()
        assert differences() == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert differences() == []
        db.engine.dispose()


def test_upgrading_a_database_with_data_keeps_it_REL_2a(app):
    """Rows written under the first release survive every later migration unchanged."""
    columns = ("id", "email", "full_name", "password_hash", "role", "session_epoch", "created_at")
    with app.app_context():
        empty_database()
        upgrade(revision="0001_initial")
        with db.engine.begin() as connection:
            for number in range(3):
                connection.execute(
                    text(
                        'INSERT INTO "user" (id, email, full_name, password_hash, org_type, region, role, locale, '
                        "session_epoch, is_active, created_at) VALUES (:id, :email, :name, 'x', 'police', 'lviv', "
                        "'learner', 'uk', 0, :yes, :at)"
                    ),
                    {
                        "id": number + 1,
                        "email": f"old{number}@example.org",
                        "name": f"Стара Людина {number}",
                        "yes": True,
                        "at": "2026-01-01 00:00:00",
                    },
                )
                connection.execute(
                    text(
                        "INSERT INTO lesson_read (user_id, module_id, lesson_id, content_hash, read_at) "
                        "VALUES (:id, 'basics', 'first', 'h', '2026-01-02 00:00:00')"
                    ),
                    {"id": number + 1},
                )
        query = text(f'SELECT {", ".join(columns)} FROM "user" ORDER BY id')
        with db.engine.connect() as connection:
            before = connection.execute(query).all()
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(query).all() == before
            assert connection.execute(text("SELECT count(*) FROM lesson_read")).scalar() == 3
        assert db.session.scalar(select(func.count()).select_from(User).where(User.erased_at.is_(None))) == 3
        db.session.remove()
        db.engine.dispose()


def test_sqlite_backup_during_writes_is_consistent_and_boots_REL_2b(tmp_path, clock, course_dir):
    database = tmp_path / "live.db"
    url = f"sqlite:///{database}"
    app = make_test_app(url, tmp_path, clock, CONTENT_DIR=str(course_dir), QUIZZES_DIR=str(course_dir / "quizzes"))
    migrate_from_empty(app)
    emails = _register(app, clock, 2)
    runner = app.test_cli_runner()
    with ProcessPoolExecutor(max_workers=2, mp_context=_separate_processes()) as pool:
        futures = [
            pool.submit(learner_writes, url, str(course_dir), str(tmp_path / f"w{i}"), email, 0)
            for i, email in enumerate(emails)
        ]
        while _count(app, "lesson_read") < 10:  # back up in the middle of the writing
            time.sleep(0.01)  # not a busy loop: it would take a core from the writers
        during = runner.invoke(args=["backup", str(tmp_path / "during.db")])
        results = [future.result(timeout=600) for future in futures]
    assert during.exit_code == 0, during.output
    assert all(r["errors"] == [] and set(r["statuses"][1:]) == {302} for r in results)
    copy = sqlite3.connect(tmp_path / "during.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copied = copy.execute("SELECT count(*) FROM lesson_read").fetchone()[0]
    copy.close()
    assert 10 <= copied <= 2 * LESSONS
    restored = make_test_app(
        f"sqlite:///{tmp_path / 'during.db'}",
        tmp_path / "restored",
        clock,
        CONTENT_DIR=str(course_dir),
        QUIZZES_DIR=str(course_dir / "quizzes"),
    )
    ready = restored.test_client().get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert _count(restored, "lesson_read") == copied and _count(restored, "user") == 2
    after = runner.invoke(args=["backup", str(tmp_path / "after.db")])
    assert after.exit_code == 0 and "integrity check: ok" in after.output
    final = make_test_app(
        f"sqlite:///{tmp_path / 'after.db'}",
        tmp_path / "final",
        clock,
        CONTENT_DIR=str(course_dir),
        QUIZZES_DIR=str(course_dir / "quizzes"),
    )
    assert snapshot(final) == snapshot(app)
    for each in (app, restored, final):
        with each.app_context():
            db.engine.dispose()


def test_backup_refuses_to_overwrite_or_to_copy_postgresql_REL_2b(app, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    with app.app_context():
        is_sqlite = db.engine.dialect.name == "sqlite"
    result = runner.invoke(args=["backup", str(target if is_sqlite else tmp_path / "new.db")])
    assert result.exit_code == 1
    assert ("exists" in result.output) if is_sqlite else ("pg_dump" in result.output)
    assert target.read_text() == "keep me"
