"""REL-1 on SQLite: the declared unit of work chooses the lock: `@writes` from its first
statement, `@writes_late` from its first write, `@reads` never.

Another connection stands in for another gunicorn worker: while this request holds SQLite's
write lock, the other one's BEGIN IMMEDIATE fails at once (busy timeout 0).
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, text, update

from course.accounts.models import User
from course.extensions import db
from course.unit_of_work import reads, writes, writes_late
from tests.conftest import FakeClock, make_test_app, reset_database


@pytest.fixture
def sqlite_app(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'lock.db'}", tmp_path, FakeClock())
    with app.app_context():
        reset_database()
    return app, str(tmp_path / "lock.db")


def other_worker_can_write(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


def test_REL_1_a_writes_unit_takes_the_lock_with_its_first_statement_whatever_the_method(sqlite_app):
    app, path = sqlite_app

    @writes
    def view() -> None:
        db.session.execute(text("SELECT 1"))
        assert not other_worker_can_write(path)
        db.session.rollback()

    with app.test_request_context("/anything", method="GET"):
        view()
    assert other_worker_can_write(path)


def test_REL_1_a_writes_unit_that_already_read_takes_the_lock_when_it_starts(sqlite_app):
    """The user loader reads before the view: from the view on, reads and writes are one
    transaction holding the lock."""
    app, path = sqlite_app

    @writes
    def view() -> None:
        assert not other_worker_can_write(path)
        db.session.rollback()

    with app.test_request_context("/anything", method="POST"):
        db.session.execute(text("SELECT 1"))  # what a loader does, in the request's @reads phase
        assert other_worker_can_write(path)
        view()
    assert other_worker_can_write(path)


def test_REL_1_a_writes_late_unit_reads_without_the_lock_and_takes_it_to_write(sqlite_app):
    app, path = sqlite_app

    @writes_late
    def view() -> None:
        db.session.execute(select(User.id))
        assert other_worker_can_write(path)  # the other workers' saves go on meanwhile
        db.session.execute(update(User).where(User.id == 0).values(locale="en"))
        assert not other_worker_can_write(path)
        db.session.execute(update(User).where(User.id == 0).values(locale="uk"))  # held: nothing changes
        assert not other_worker_can_write(path)
        db.session.commit()

    with app.test_request_context("/anything", method="POST"):
        view()
    assert other_worker_can_write(path)


def test_REL_1_a_reads_unit_never_holds_the_lock(sqlite_app):
    app, path = sqlite_app

    @reads
    def view() -> None:
        db.session.execute(select(User.id))
        assert other_worker_can_write(path)

    with app.test_request_context("/anything", method="POST"):
        view()


def test_cached_reads_check_the_database_once_per_request_and_after_each_commit(sqlite_app):
    """Within a request the cached reads see the database as of the first one, like a
    transaction; the next request, or a commit, makes them look again."""
    from course import readcache

    app, path = sqlite_app

    def count() -> int:
        return readcache.cached_read(
            db.session, "users", lambda: db.session.execute(text('SELECT count(*) FROM "user"')).scalar_one()
        )

    def other_worker_adds_a_user(n: int) -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute(
            'INSERT INTO "user" (email, full_name, password_hash, org_type, region, role, locale,'
            " session_epoch, is_active, created_at) VALUES (?, 'X', 'x', 'police', 'lviv',"
            " 'learner', 'uk', 0, 1, '2026-01-01 00:00:00')",
            (f"u{n}@example.org",),
        )
        other.close()

    with app.test_request_context("/dashboard"):
        readcache.begin_request()
        assert count() == 0
        other_worker_adds_a_user(1)
        assert count() == 0  # the same request: the same view of the data
        readcache.end_request()
        readcache.begin_request()
        assert count() == 1  # a new request looks again
        other_worker_adds_a_user(2)
        db.session.commit()  # any commit, this request's own included, means: look again
        assert count() == 2
        readcache.end_request()
    other_worker_adds_a_user(3)
    with app.app_context():
        assert count() == 3  # outside a request every read looks
