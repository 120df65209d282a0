"""Friendly error pages in the user's language, with an error id that is also logged (HDR-4)."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
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


# The last resort when the styled page cannot be built: a Host outside TRUSTED_HOSTS (no URL
# can be built for it), a broken template, a failing user loader. Still no traceback, still the
# error id (HDR-4, AC-5).
FALLBACK = (
    '<!doctype html><html><meta charset="utf-8"><title>Frontline</title>'
    "<h1>{title}</h1><p>{status} \u00b7 {error_id}</p></html>"
)


class _NoLinks(Exception):
    pass


def _page(status: int, message: str | None = None, error_id: str | None = None):
    error_id = error_id or secrets.token_hex(4)
    title = TITLES.get(status, TITLES[500])
    try:
        title = _(title)
        if request_ctx.url_adapter is None:  # the Host header was refused: no links can be built
            raise _NoLinks
        body = render_template("error.html", status=status, title=title, message=message, error_id=error_id)
    except _NoLinks:
        body = FALLBACK.format(title=escape(title), status=int(status), error_id=error_id)
    except Exception:  # noqa: BLE001 - an error page must never raise
        log.exception("error page failed", extra={"event": "error", "error_id": error_id, "path": request.path})
        body = FALLBACK.format(title=escape(title), status=int(status), error_id=error_id)
    return body, status, {"Content-Type": "text/html; charset=utf-8"}


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status not in TITLES:
        return error
    error_id = secrets.token_hex(4)
    if status == 403:  # LOG-1: access denied is a security event
        log.warning("access denied", extra={"event": "access_denied", "error_id": error_id, "path": request.path})
    else:  # the id on the page is in the log too (HDR-4)
        log.info(
            "http error", extra={"event": "http_error", "status": status, "error_id": error_id, "path": request.path}
        )
    return _page(status, error_id=error_id)


def handle_csrf_error(error: CSRFError):
    error_id = secrets.token_hex(4)
    log.warning("csrf failure", extra={"event": "csrf_failure", "error_id": error_id, "path": request.path})
    message = _("The form had expired or was sent twice. Nothing was lost: please go back and try again.")
    return _page(400, message, error_id)


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    error_id = secrets.token_hex(4)
    log.exception("unhandled error", extra={"event": "error", "error_id": error_id, "path": request.path})
    return _page(500, error_id=error_id)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(Exception, handle_unexpected_error)
