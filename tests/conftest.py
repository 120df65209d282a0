"""Shared fixtures: the app on a real SQLite file or a real PostgreSQL cluster, users, clock."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from course import create_app
from course.accounts.models import User
from course.accounts.services import Registration, create_admin, register
from course.extensions import db
from tests.pg import Cluster

DATA = Path(__file__).parent / "data"
TEST_COURSE = DATA / "course"
PASSWORD = "correct horse battery staple"


@dataclass
class FakeClock:
    """Injected as app.config["CLOCK"]; tests move time instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_url(pg_cluster: Cluster) -> str:
    return pg_cluster.create_database("frontline_test")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each integration test runs twice: on a fresh SQLite file and on PostgreSQL 15."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")


def make_test_app(database_url: str, tmp_path: Path, clock: FakeClock, **overrides):
    config = {
        "ENV_NAME": "test",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONTENT_DIR": str(TEST_COURSE),
        "QUIZZES_DIR": str(TEST_COURSE / "quizzes"),
        "CLOCK": clock,
        **overrides,
    }
    import os

    os.environ["INSTANCE_PATH"] = str(tmp_path / "instance")
    try:
        return create_app(config)
    finally:
        del os.environ["INSTANCE_PATH"]


def empty_database() -> None:
    """Drop everything (inside an app context), so create_all or migrations start from nothing."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def reset_database() -> None:
    """Empty schema for each test: drop and create every table (fast enough on both engines)."""
    empty_database()
    db.create_all()


@pytest.fixture
def app_overrides() -> dict:
    """Settings a test module changes for its `app` (override this fixture in the module)."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, clock: FakeClock, app_overrides: dict):
    app = make_test_app(database_url, tmp_path, clock, **app_overrides)
    with app.app_context():
        reset_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_learner(app, clock) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(**overrides) -> User:
        number = next(counter)
        values = {
            "email": f"learner{number}@example.org",
            "full_name": f"Олена Петренко {number}",
            "password": PASSWORD,
            "org_type": "police",
            "region": "lviv",
            "position": None,
            "locale": "uk",
        }
        values.update(overrides)
        with app.app_context():
            user = register(db.session, Registration(**values), clock())
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


@pytest.fixture
def make_admin(app, clock) -> Callable[..., User]:
    def make(email: str = "admin@example.org", password: str = PASSWORD) -> User:
        with app.app_context():
            user = create_admin(db.session, email, password, clock())
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    """The CSRF token from a form on `url`, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_FIELD.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


class Auth:
    """flaskr's auth helper: log in and out through the real forms, CSRF included."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, next_url: str | None = None):
        data = {"email": email, "password": password, "csrf_token": csrf_token(self.client)}
        url = "/login" + (f"?next={next_url}" if next_url else "")
        if next_url:
            data["next"] = next_url
        return self.client.post(url, data=data)

    def logout(self):
        token = csrf_token(self.client, "/dashboard")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)
