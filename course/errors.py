"""Friendly error pages in the user's language, with an error id that is also logged (HDR-4)."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from course.extensions import db
from course.problems import N_

log = logging.getLogger("frontline.errors")

TITLES = {
    400: N_("The request could not be understood."),
    403: N_("You do not have access to this page."),
    404: N_("This page does not exist."),
    405: N_("This action is not available here."),
    409: N_("This was changed in another tab or window."),
    413: N_("What you sent is too large."),
    429: N_("Too many requests. Please wait a few minutes and try again."),
    500: N_("Something went wrong on our side."),
}


def _page(status: int, message: str | None = None, error_id: str | None = None):
    error_id = error_id or secrets.token_hex(4)
    title = _(TITLES.get(status, TITLES[500]))
    return render_template("error.html", status=status, title=title, message=message, error_id=error_id), status


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status not in TITLES:
        return error
    return _page(status)


def handle_csrf_error(error: CSRFError):
    log.warning("csrf failure", extra={"event": "csrf_failure", "path": request.path})
    message = _("The form had expired or was sent twice. Nothing was lost: please go back and try again.")
    return _page(400, message)


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    error_id = secrets.token_hex(4)
    log.exception("unhandled error", extra={"event": "error", "error_id": error_id, "path": request.path})
    return _page(500, error_id=error_id)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(Exception, handle_unexpected_error)
