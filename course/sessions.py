"""Flask's signed-cookie sessions, with the signature check remembered per cookie value.

Every logged-in request presents the same cookie until something in the session changes, and
Flask verifies its HMAC, decodes it and builds a new serializer each time: on the lesson page
that was the largest single cost after the page itself (bench/lesson_page.py). A cookie value
that verified once verifies again under the same keys, so the decoded data is kept per
(keys, value), bounded, and handed out as a fresh copy. The expiry is still checked on every
request against the timestamp signed into the cookie. Sessions holding anything but plain
scalars (flashed messages, say) are not kept: a request could change them in place.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course.caches import LRU

MAX_REMEMBERED = 10_000
_SCALARS = (str, int, float, bool, type(None))


class RememberingSessionInterface(SecureCookieSessionInterface):
    """SecureCookieSessionInterface, same cookie format, minus repeated verification."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._verified: LRU[tuple, tuple[dict[str, Any], float]] = LRU(MAX_REMEMBERED)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                self._serializers = {keys: serializer}  # one key set at a time; a new one replaces it
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (tuple(serializer.secret_keys), value)
        remembered = self._verified.get(key)
        if remembered is not None:
            data, signed_at = remembered
            if time.time() - signed_at > max_age:
                return self.session_class()
            return self.session_class(data)  # a shallow copy of scalars: nothing is shared
        try:
            data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(item, _SCALARS) for item in data.values()):
            self._verified.put(key, (data, signed.timestamp()))
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Flask's own, but an unchanged session returns at once: most requests change nothing,
        and Flask reads seven cookie settings before finding that out."""
        if session and not self.should_set_cookie(app, session):
            if session.accessed:  # the page depended on the cookie, as Flask would say
                if "Vary" in response.headers:
                    response.vary.add("Cookie")
                else:
                    response.headers["Vary"] = "Cookie"
            return
        super().save_session(app, session, response)
