"""CSRF tokens for templates, signed once per session token instead of once per request.

Flask-WTF signs the session's raw token with a timestamp on every request, building a new
serializer each time. With WTF_CSRF_TIME_LIMIT = None (CSRF-2) the timestamp is never checked,
so the first signed form of a raw token stays valid for the session's life; keeping it saves an
HMAC and a serialisation on every page. New raw tokens are made as Flask-WTF makes them and
signed in its format with its salt, so validation, which stays Flask-WTF's own on every POST,
accepts them.
"""

from __future__ import annotations

import hashlib
import os

from flask import current_app, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

MAX_CACHED = 10_000
SALT = "wtf-csrf-token"  # Flask-WTF's
_signed: dict[tuple[str | bytes, str], str] = {}
_serializers: dict[str | bytes, URLSafeTimedSerializer] = {}


def csrf_token() -> str:
    config = current_app.config
    if config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(field)
    if not raw or not isinstance(raw, str):
        raw = session[field] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - Flask-WTF's recipe; a random value, not a digest of data
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if not secret:
        raise RuntimeError("A secret key is required to use CSRF.")  # as Flask-WTF's generate_csrf
    key = (secret, raw)
    token = _signed.get(key)
    if token is None:
        if len(_signed) >= MAX_CACHED:
            _signed.clear()
        token = _signed[key] = _serializer(secret).dumps(raw)
    return token


def _serializer(secret: str | bytes) -> URLSafeTimedSerializer:
    serializer = _serializers.get(secret)
    if serializer is None:
        if len(_serializers) >= 16:  # a process has one key; tests build many apps
            _serializers.clear()
        serializer = _serializers[secret] = URLSafeTimedSerializer(secret, salt=SALT)
    return serializer
