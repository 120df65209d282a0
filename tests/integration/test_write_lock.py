"""REL-1 on SQLite: write requests hold the write lock; quiz saves (@reads_first) only to write.

Another connection stands in for another gunicorn worker: while this request holds SQLite's
write lock, the other one's BEGIN IMMEDIATE fails at once (busy timeout 0).
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from course.database import start_write
from course.extensions import db
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


def test_REL_1_a_write_request_takes_the_lock_with_its_first_statement(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/modules/basics/first/read", method="POST"):
        db.session.execute(text("SELECT 1"))
        assert not other_worker_can_write(path)
        db.session.rollback()
    assert other_worker_can_write(path)


def test_REL_1_a_quiz_save_reads_without_the_lock_and_takes_it_to_write(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/attempts/some-attempt", method="POST"):
        db.session.execute(text("SELECT 1"))
        assert other_worker_can_write(path)  # the other workers' saves go on meanwhile
        start_write(db.session)
        assert not other_worker_can_write(path)
        start_write(db.session)  # already held: nothing changes
        assert not other_worker_can_write(path)
        db.session.commit()
    assert other_worker_can_write(path)
