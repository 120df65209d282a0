"""Shared fixtures: the app on a real SQLite file or a real PostgreSQL cluster, users, clock.

Each test session (each pytest-xdist worker) has its own SQLite file and its own PostgreSQL
cluster. The schema is created once per database; between tests its tables are emptied, so
a table added to the models is covered without a change here. A test that needs an empty
schema (migrations) calls `empty_database()`, and the next `reset_database()` rebuilds it.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from hypothesis import HealthCheck, settings
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import text

from course import caches, create_app
from course.accounts.models import User
from course.accounts.services import Registration, create_admin, register
from course.authoring import serving
from course.extensions import db
from tests.pg import Cluster

# Property tests check behaviour, not speed: on a shared 2-core machine running two workers an
# example can take seconds, which Hypothesis would report as a failure (deadline, too_slow).
settings.register_profile("frontline", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("frontline")

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


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each integration test runs twice: on SQLite and on PostgreSQL 15."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


# A real argon2id, at parameters that cost about a millisecond instead of half a second: most
# tests log someone in, and hashing was most of the suite's time. Tests of the production
# parameters and of equal timing (AUTH-1, AUTH-4) are marked `real_argon2` and keep them.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Hashed once per worker, not once per test (2,000 argon2 runs for one constant).
FAST_DUMMY_HASH = FAST_HASHER.hash("frontline-dummy-password-for-timing")


@pytest.fixture(autouse=True)
def fast_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_argon2"):
        return
    from course.accounts import passwords, services

    monkeypatch.setattr(passwords, "hasher", FAST_HASHER)
    monkeypatch.setattr(services, "DUMMY_HASH", FAST_DUMMY_HASH)


def _untraced(method: Callable) -> Callable:
    """`method`, run with this thread's tracer (coverage's) switched off and put back after."""

    @functools.wraps(method)
    def call(*args, **kwargs):
        tracer = sys.gettrace()
        sys.settrace(None)
        try:
            return method(*args, **kwargs)
        finally:
            sys.settrace(tracer)

    return call


@pytest.fixture(scope="session", autouse=True)
def weasyprint_untraced() -> Iterator[None]:
    """WeasyPrint lays out and writes PDFs without coverage's tracer watching.

    Coverage measures course/ only, yet on Python 3.11 tracing slows every frame it sees:
    each certificate or job-aid PDF took twice as long under `--cov` (45 -> 86 ms), and the
    suite prints several hundred. Only WeasyPrint's own frames go untraced; the code of
    course/ around the call is measured as before (the report came out the same).
    """
    import weasyprint

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weasyprint.HTML, "write_pdf", _untraced(weasyprint.HTML.write_pdf))
        yield


class SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole test session, through Jinja's own extension point.

    Every test builds a new app, so a new Jinja environment that would compile every template
    it renders again: that was a fifth of the suite's time. Jinja checks each bucket against
    the template's source checksum, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()


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
        app = create_app(config)
        app.jinja_env.bytecode_cache = SHARED_BYTECODE
        return app
    finally:
        del os.environ["INSTANCE_PATH"]


# Databases whose schema is exactly `db.create_all()`'s, so emptying the tables resets them.
_schema_ready: set[str] = set()
# Per database, the statements that empty it (reset_database), made once.
_emptying: dict[str, list[str]] = {}


def empty_database() -> None:
    """Drop everything (inside an app context), so create_all or migrations start from nothing."""
    _schema_ready.discard(str(db.engine.url))
    _emptying.pop(str(db.engine.url), None)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def reset_database() -> None:
    """Every table of the models, empty, ids from 1 (inside an app context). The schema is
    built once per database; after that only the rows go."""
    url = str(db.engine.url)
    if url not in _schema_ready:
        empty_database()
        db.create_all()
        _schema_ready.add(url)
    with db.engine.begin() as connection:
        if url not in _emptying:
            _emptying[url] = _emptying_statements(connection)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("; ".join(_emptying[url]))  # one round trip
        else:  # SQLite's driver runs one statement per call
            for statement in _emptying[url]:
                connection.exec_driver_sql(statement)


def _emptying_statements(connection) -> list[str]:
    """Statements that empty every table, children first (foreign keys are enforced), and
    restart PostgreSQL's id sequences. DELETE, not TRUNCATE: on tables of a few rows
    PostgreSQL's TRUNCATE costs about 25 ms a test (new files for every table), DELETE 5.
    `setval(..., 1, false)`, not ALTER SEQUENCE ... RESTART, which also writes a new file for
    each sequence: 10 ms a test for sixteen of them, against well under one."""
    preparer = connection.dialect.identifier_preparer
    statements = [f"DELETE FROM {preparer.format_table(table)}" for table in reversed(db.metadata.sorted_tables)]
    if connection.dialect.name == "postgresql":
        sequences = connection.exec_driver_sql("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        restarts = [f"setval('{preparer.quote(name)}', 1, false)" for (name,) in sequences]
        statements += [f"SELECT {', '.join(restarts)}"] if restarts else []
    return statements


@pytest.fixture
def app_overrides() -> dict:
    """Settings a test module changes for its `app` (override this fixture in the module)."""
    return {}


@dataclass
class Pooled:
    """An app as the factory left it, to be handed out again after a test has used it."""

    app: Flask
    config: dict
    attributes: dict
    extensions: dict
    served_from: str | None
    shape: tuple

    @classmethod
    def keep(cls, app: Flask) -> Pooled:
        return cls(app, dict(app.config), dict(vars(app)), dict(app.extensions),
                   serving.served(app).files_hash, app_shape(app))  # fmt: skip

    def restore(self, clock: FakeClock) -> Flask:
        """Settings, attributes, extensions (the catalog and the release it serves) and every
        per-process cache as they were when the factory returned."""
        app = self.app
        app.config.clear()
        app.config.update(self.config, CLOCK=clock)
        for name in set(vars(app)) - set(self.attributes):
            delattr(app, name)
        vars(app).update(self.attributes)
        app.extensions.clear()
        app.extensions.update(self.extensions)
        serving.start_from_files(app, self.served_from or "")
        caches.clear()
        return app


def app_shape(app: Flask) -> tuple:
    """What a test could have added to an app that restoring would not take away: routes,
    hooks, handlers, template filters. A pooled app whose shape changed is thrown away."""
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    # Handlers, not the keys of Flask's defaultdicts: looking up the handler for an error
    # raised in a blueprint adds that blueprint's empty entry, which changes nothing.
    handlers = sum(len(by_class) for by_code in app.error_handler_spec.values() for by_class in by_code.values())
    return (
        len(list(app.url_map.iter_rules())),
        len(app.view_functions),
        tuple(sum(len(funcs) for funcs in registry.values()) for registry in hooks),
        handlers,
        len(app.jinja_env.filters),
        len(app.jinja_env.globals),
    )


# Building an app costs 30-60 ms (most of it Werkzeug compiling a hundred routes), and nearly
# every test needs one: each xdist worker keeps the apps its tests built, per database and
# settings, and restores one to its just-built state for the next test that asks for the same.
_pool: dict[tuple[str, str], list[Pooled]] = {}


@pytest.fixture(scope="session")
def pooled_instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pooled")


@pytest.fixture
def make_app(
    request: pytest.FixtureRequest, database_url: str, pooled_instance_path: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[Callable[..., Flask]]:
    """Apps with other settings on the test database, emptied first. Apps come from the pool
    unless the test is marked `fresh_app` (it adds routes, which Flask allows only before an
    app's first request)."""
    fresh = request.node.get_closest_marker("fresh_app") is not None
    taken: list[tuple[tuple[str, str], Pooled | None, Flask]] = []

    def make(**overrides) -> Flask:
        key = (database_url, repr(sorted(overrides.items())))
        idle = [] if fresh else _pool.setdefault(key, [])
        if idle:
            pooled: Pooled | None = idle.pop()
            app = pooled.restore(clock)
        else:
            app = make_test_app(database_url, tmp_path if fresh else pooled_instance_path, clock, **overrides)
            pooled = None if fresh else Pooled.keep(app)
        with app.app_context():
            reset_database()
        taken.append((key, pooled, app))
        return app

    yield make
    for key, pooled, app in taken:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # no connection outlives its test: a test may drop them all
        if pooled is not None and app_shape(app) == pooled.shape:
            _pool[key].append(pooled)


@pytest.fixture
def app(make_app: Callable[..., Flask], app_overrides: dict) -> Flask:
    return make_app(**app_overrides)


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


@pytest.fixture
def admin_client(app, make_admin):
    """A client logged in as an admin through the real form."""
    client = app.test_client()
    response = Auth(client).login(make_admin().email)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


# The files whose tests take seconds each (subprocesses, gunicorn, `make run`, real argon2):
# run first, so that at the end both xdist workers are left with short tests and neither sits
# idle while the other finishes a long one. Order only; every test still runs.
LONG_FIRST = (
    "tests/integration/test_serving.py",
    "tests/security/test_reliability.py",
    "tests/security/test_passwords.py",
    "tests/integration/authoring/test_two_processes.py",
    "tests/integration/authoring/test_cli.py",
    "tests/e2e/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))  # stable: order kept within
