"""Liveness and readiness (REL-2c): no secrets or versions; exempt from login.

`/healthz` answers 200 when this process and its database answer, 503 otherwise (the contract
of issue 3: a worker that cannot reach its database cannot serve a learner either); it runs
one `SELECT 1` and nothing else. `/readyz` says whether the site can serve learners fully: the
database answers, its schema is at the migrations' head, the instance folder is writable, and
how much content loaded.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import inspect, text

from course.access import public
from course.content.access import current_catalog
from course.extensions import db
from course.unit_of_work import reads

bp = Blueprint("health", __name__)


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions in migrations/ (read once per process)."""
    return frozenset(ScriptDirectory(directory).get_heads())


def _database_revisions() -> frozenset[str] | None:
    """The revisions stamped in the database, or None when it does not answer."""
    try:
        connection = db.session.connection()
        stamped: list[str] = []
        if inspect(connection).has_table("alembic_version"):
            stamped = list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        else:
            connection.execute(text("SELECT 1"))
        db.session.rollback()
        return frozenset(stamped)
    except Exception:  # noqa: BLE001 - any failure means "not ready", never a 500
        db.session.rollback()
        return None


def _instance_writable() -> bool:
    folder = Path(current_app.instance_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
            pass
        return os.access(folder, os.W_OK)
    except OSError:
        return False


@bp.get("/healthz")
@public
@reads
def healthz():
    """200 when the database answers a `SELECT 1`, 503 otherwise; nothing else is checked."""
    database = _database_revisions() is not None
    body = {"status": "ok" if database else "unavailable", "database": database}
    return jsonify(body), 200 if database else 503


@bp.get("/readyz")
@public
@reads
def readyz():
    """200 when learners can be served; 503 with the failing checks named otherwise."""
    catalog = current_catalog()
    revisions = _database_revisions()
    checks = {
        "database": revisions is not None,
        "migrations": revisions == migration_heads(current_app.extensions["migrate"].directory),
        "instance_writable": _instance_writable(),
    }
    ready = all(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        **checks,
        "modules": len(catalog.modules),
        "content_problems": len(catalog.problems),
    }
    return jsonify(body), 200 if ready else 503
