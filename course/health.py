"""Liveness and readiness (REL-2c): no secrets or versions; exempt from login."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from course.access import public
from course.content.access import current_catalog
from course.extensions import db

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready", never a 500
        db.session.rollback()
        return False


@bp.get("/healthz")
@public
def healthz():
    """200 when the app and its database answer, 503 otherwise."""
    ok = _database_ok()
    return jsonify(status="ok" if ok else "unavailable", database=ok), 200 if ok else 503


@bp.get("/readyz")
@public
def readyz():
    catalog = current_catalog()
    ok = _database_ok()
    body = {"database": ok, "modules": len(catalog.modules), "content_problems": len(catalog.problems)}
    return jsonify(body), 200 if ok else 503
