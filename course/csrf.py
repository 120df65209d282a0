"""CSRF tokens for templates, signed once per session token instead of once per request.

Flask-WTF signs the session's raw token with a timestamp on every request. With
WTF_CSRF_TIME_LIMIT = None (CSRF-2) the timestamp is never checked, so the first signed
form of a raw token stays valid for the session's life; caching it saves an HMAC and a
serialisation on every page. Validation is untouched: Flask-WTF still checks every POST.
"""

from __future__ import annotations

from flask import current_app, session
from flask_wtf.csrf import generate_csrf

MAX_CACHED = 10_000
_signed: dict[tuple[str, str], str] = {}


def csrf_token() -> str:
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not raw or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    key = (current_app.config["SECRET_KEY"], raw)
    token = _signed.get(key)
    if token is None:
        if len(_signed) >= MAX_CACHED:
            _signed.clear()
        token = _signed[key] = generate_csrf()
    return token
