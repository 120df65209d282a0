"""Helpers shared by the security tests: table snapshots, dummy URL arguments, logged-in clients."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, LargeBinary, String, select
from werkzeug.routing import IntegerConverter, Rule

from course.extensions import db
from tests.conftest import Auth, empty_database  # noqa: F401 - re-exported for the security tests

SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: compared before and after refused requests."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            tables[table.name] = [tuple(row) for row in rows]
        db.session.rollback()
    return tables


def dummy_values(rule: Rule, **known) -> dict:
    """A value for each URL argument: an int where the converter wants one, a word otherwise."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = known.get(name, 1 if isinstance(converter, IntegerConverter) else "x")
    return values


def url_of(app, rule: Rule, **known) -> str:
    return rule.build(dummy_values(rule, **known), append_unknown=False)[1]


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - SKIPPED_METHODS)


def logged_in(app, email: str):
    """A fresh test client logged in through the real form."""
    client = app.test_client()
    response = Auth(client).login(email)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def migrate_from_empty(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        empty_database()
        upgrade()


def dump_database(app) -> str:
    """The whole database as text: `iterdump` on SQLite, `pg_dump` on PostgreSQL."""
    import sqlite3
    import subprocess

    from tests.pg import PG_BIN

    with app.app_context():
        url = db.engine.url
        db.session.remove()
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database)
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    command = [
        str(PG_BIN / "pg_dump"),
        "-h",
        url.host,
        "-p",
        str(url.port),
        "-U",
        url.username,
        "--no-owner",
        "--inserts",
        url.database,
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


def fill_row(model, **values):
    """A row with every required column given a plausible value (robust to new columns)."""
    for column in model.__table__.columns:
        if column.name in values or column.nullable or column.primary_key or column.default is not None:
            continue
        kind = column.type
        values[column.name] = (
            datetime(2026, 11, 2, tzinfo=UTC)
            if isinstance(kind, DateTime)
            else {}
            if isinstance(kind, JSON)
            else b"%PDF-1.4 test"
            if isinstance(kind, LargeBinary)
            else False
            if isinstance(kind, Boolean)
            else 1
            if isinstance(kind, Integer)
            else secrets.token_hex(8)[: (kind.length or 16)]
            if isinstance(kind, String)
            else None
        )
    return model(**values)
