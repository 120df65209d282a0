"""REL-2(c): /healthz checks the database only (issue 3's contract); /readyz also checks
migrations and disk."""

from __future__ import annotations

import pytest

from course.extensions import db
from tests.conftest import make_test_app
from tests.pg import free_port
from tests.security.helpers import migrate_from_empty

READY_KEYS = {"status", "database", "migrations", "instance_writable", "modules", "content_problems"}


def test_healthz_is_200_with_the_database_up_REL_2c(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_healthz_is_503_with_the_database_down_REL_2c(tmp_path, clock, engine):
    url = (
        "sqlite:////nonexistent-dir/x.db"
        if engine == "sqlite"
        else f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/frontline?connect_timeout=2"
    )
    app = make_test_app(url, tmp_path, clock)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": False}
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_ready_on_a_migrated_database_REL_2c(app, client):
    migrate_from_empty(app)
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert set(body) == READY_KEYS
    assert body["status"] == "ok" and body["database"] and body["migrations"] and body["instance_writable"]
    assert body["modules"] == 2 and body["content_problems"] == 0


def test_readyz_refuses_a_schema_not_made_by_migrations_REL_2c(app, client):
    """The `app` fixture builds tables with create_all: no revision stamped, so not at head."""
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] is True and response.get_json()["migrations"] is False


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_readyz_reports_the_database_down_REL_2c(tmp_path, clock, engine):
    """A missing SQLite file's folder, or a PostgreSQL server that does not answer."""
    url = (
        "sqlite:////nonexistent-dir/x.db"
        if engine == "sqlite"
        else f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/frontline?connect_timeout=2"
    )
    app = make_test_app(url, tmp_path, clock)
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert set(body) == READY_KEYS and body["database"] is False and body["status"] == "unavailable"
    with app.app_context():
        db.engine.dispose()


def test_readyz_reports_an_unwritable_instance_folder_REL_2c(database_url, tmp_path, clock):
    (tmp_path / "blocker").write_text("a file where the folder should be")
    app = make_test_app(database_url, tmp_path, clock)
    app.instance_path = str(tmp_path / "blocker" / "instance")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["instance_writable"] is False
    with app.app_context():
        db.engine.dispose()


def test_health_bodies_carry_no_versions_or_secrets_REL_2c(app, client):
    for url in ("/healthz", "/readyz"):
        text = client.get(url).get_data(as_text=True).lower()
        assert "version" not in text and "secret" not in text and "postgres" not in text
