"""Structured JSON logs (LOG-1): one record per line, so a name with CR/LF cannot forge a line.

Every record carries the UTC time, the request id, the user id and the client IP when there
is a request; never passwords, cookies or tokens.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask_login import current_user

EXTRA_FIELDS = ("event", "error_id", "path", "target", "detail", "actor_id", "count", "status")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if has_request_context():
            entry["request_id"] = request_id()
            entry["ip"] = request.remote_addr
            user = current_user._get_current_object() if _user_loaded() else None
            entry["user_id"] = getattr(user, "id", None)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _user_loaded() -> bool:
    """Only report a user already loaded: logging must never trigger a database query."""
    return "_login_user" in g.__dict__ if has_request_context() else False


def request_id() -> str:
    """This request's id in the logs, made when first logged: most requests log nothing."""
    if "request_id" not in g:
        g.request_id = secrets.token_hex(6)
    return g.request_id


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("frontline")
    logger.handlers = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = True  # pytest's caplog listens on the root logger
