"""REL-2(c): PostgreSQL connections that sat idle are tested before use, so a server restart
(or a proxy dropping idle connections) does not turn the next requests into errors."""

from __future__ import annotations

from sqlalchemy import create_engine, text

import course.database
from course.extensions import db
from tests.conftest import FakeClock, make_test_app


def drop_every_other_connection(url: str) -> int:
    engine = create_engine(url)
    with engine.begin() as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    engine.dispose()
    return dropped


def test_an_idle_connection_dropped_by_the_server_is_replaced_REL_2c(pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr(course.database, "PING_AFTER_IDLE_SECONDS", 0.0)
    app = make_test_app(pg_url, tmp_path, FakeClock())
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # a pooled connection now exists
    assert drop_every_other_connection(pg_url) >= 1
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()
