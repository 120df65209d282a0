"""Request hygiene and response headers (HDR-1..3, CSRF-3, SESS-3).

The CSP is kept as data so tests and docs can read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TypeVar
from urllib.parse import unquote

from flask import Flask, Request, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from course.extensions import csrf
from course.sessions import RememberingSessionInterface

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CSP_HEADER = "; ".join(f"{key} {value}" for key, value in CSP.items())
STATIC_HEADERS = {
    "Content-Security-Policy": CSP_HEADER,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Server": "frontline",
}
UNSAFE_NEXT = re.compile(r"[\x00-\x20\x7f\\]")
F = TypeVar("F", bound=Callable)
SEEN_WRITE_INTERVAL = 60  # seconds: avoid a new cookie on every request


def safe_next(value: str | None) -> str | None:
    """A same-site relative path, or None (CSRF-3): `/x` yes; `//x`, `/\\x`, `https:` no."""
    if not value or len(value) > 2000:
        return None
    # Check the decoded form too: `/%2F%2Fevil` and `/%09/evil` are tricks on the same theme.
    for form in (value, unquote(value)):
        if UNSAFE_NEXT.search(form) or not form.startswith("/") or form.startswith("//"):
            return None
    return value


def client_ip() -> str:
    """The peer address; ProxyFix (PROXY_HOPS) makes it the real client behind a proxy."""
    return request.remote_addr or "unknown"


class SecurityHeaders:
    """WSGI middleware adding the fixed headers to every response, error pages and static files
    included; a plain list append, because the hottest pages pay for every header (HDR-1, HDR-2)."""

    def __init__(self, wsgi_app, hsts: bool) -> None:
        self.wsgi_app = wsgi_app
        extra = [("Strict-Transport-Security", "max-age=31536000; includeSubDomains")] if hsts else []
        self.headers = list(STATIC_HEADERS.items()) + extra

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend(item for item in self.headers if item[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def set_private_cache_control(response: Response) -> Response:
    """HDR-3: shared PCs in police stations; the back button must not show private pages.

    Judged from the session cookie's claim (no database query): a page is private whenever the
    browser presents a login, valid or not. Views marked @shared_cache keep their own header."""
    if "_user_id" in session or request.endpoint in ("accounts.login", "accounts.register"):
        view = current_app.view_functions.get(request.endpoint or "")
        if response.status_code not in (200, 304) or not getattr(view, SHARED_CACHE, False):
            response.headers["Cache-Control"] = "no-store"
    return response


SHARED_CACHE = "shared_cache"


def shared_cache(view: F) -> F:
    """Mark a view whose response is the same for everyone and says how long to cache it
    (content-addressed course images, OUT-8): HDR-3's no-store is not applied to its answers
    (its error pages still get it)."""
    setattr(view, SHARED_CACHE, True)
    return view


def _timestamp(now: datetime) -> int:
    return int(now.timestamp())


def protect_unsafe_methods() -> None:
    """CSRF-1: Flask-WTF's check on every POST, PUT, PATCH and DELETE (WTF_CSRF_CHECK_DEFAULT
    is off so that GETs skip it entirely)."""
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and request.method in config["WTF_CSRF_METHODS"]:
        csrf.protect(apply_exemptions=True)


# A form the login interrupted (the quiz answers of an expired session, issue 16): the login
# form carries it back and the login keeps it here, in the new session, for the page it was for.
CARRIED_FORM = "carried_form"
CARRIED_MAX = 4000  # characters kept in the session cookie: a quiz page's answers are a few hundred
# An editor's two texts can be tens of kilobytes, more than a cookie holds: after the login such
# a form goes back to its page through a form the user sends on (accounts/carry_on.html). The
# request itself stays capped by MAX_CONTENT_LENGTH.
CARRIED_POST_MAX = 1_000_000


def start_session(now: datetime) -> None:
    """Call right after login_user: the clocks for the idle and absolute timeouts."""
    session["auth_at"] = session["seen_at"] = _timestamp(now)
    session.permanent = True


def session_has_expired() -> bool:
    """True when this session is past its idle or absolute limit (SESS-3)."""
    config = current_app.config
    return _expired(session, _timestamp(config["CLOCK"]()), config)


def _expired(data: Mapping, now: int, config: Mapping) -> bool:
    idle, absolute = config["SESSION_IDLE_MINUTES"] * 60, config["SESSION_MAX_HOURS"] * 3600
    return now - data.get("seen_at", 0) > idle or now - data.get("auth_at", 0) > absolute


KEEP_ATTRIBUTE = "keep_work_when_expired"


def keeps_work_when_expired(keep: Callable[[], Callable[[], object] | None]) -> Callable[[F], F]:
    """Mark a POST view whose work must outlive an expired session (REL-2e): the timeout check
    below calls `keep()` (its own unit of work) before it logs the session out. Explicit on the
    view, so it does not depend on the order hooks are registered in. `keep()` may return a
    page to show once the session is gone (the login form carrying the posted text back, for
    work too large to set aside in a row of its own, the editor's): it is called after the logout,
    so its form has the new session's CSRF token."""

    def mark(view: F) -> F:
        setattr(view, KEEP_ATTRIBUTE, keep)
        return view

    return mark


def enforce_session_timeouts():
    """SESS-3: idle and absolute limits, with `next` kept so the learner comes back."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    # every request: look up once (flask types the proxy as SessionMixin, which hides the method)
    data, config = session._get_current_object(), current_app.config  # type: ignore[attr-defined]
    now = _timestamp(config["CLOCK"]())
    if _expired(data, now, config):
        keep = getattr(current_app.view_functions.get(request.endpoint or ""), KEEP_ATTRIBUTE, None)
        page = keep() if keep is not None and request.method == "POST" else None
        logout_user()
        session.clear()
        if page is not None:
            return page()
        flash(_("Your session ended. Please log in again; your work is saved."), "info")
        target = request.full_path if request.method == "GET" else request.referrer
        return redirect(url_for("accounts.login", next=safe_next(_local_path(target))))
    if now - data.get("seen_at", 0) > SEEN_WRITE_INTERVAL:
        data["seen_at"] = now
    return None


def _local_path(url: str | None) -> str | None:
    if not url:
        return None
    if url.startswith(request.host_url):
        url = "/" + url[len(request.host_url) :]
    return url.rstrip("?")


class LimitedFormDataParser(FormDataParser):
    """OUT-7: MAX_FORM_PARTS for url-encoded bodies too. Werkzeug applies it to multipart only,
    so 1,001 fields typed into one ordinary form would otherwise be parsed without limit."""

    def parse(self, stream, mimetype, content_length, options=None):
        result = super().parse(stream, mimetype, content_length, options)  # Werkzeug's public API
        form = result[1]
        if self.max_form_parts is not None and sum(1 for _ in form.items(multi=True)) > self.max_form_parts:
            raise RequestEntityTooLarge()
        return result


# Room for the form's other fields and the multipart framing around an uploaded file.
UPLOAD_OVERHEAD = 64 * 1024


def upload_limit(setting: str):
    """Let this view accept a body of up to `config[setting]` bytes (plus the form around it)
    instead of MAX_CONTENT_LENGTH (OUT-7): for file uploads that are larger by nature."""

    def mark(view):
        view.upload_limit = setting
        return view

    return mark


class LimitedRequest(Request):
    form_data_parser_class = LimitedFormDataParser

    @property
    def max_content_length(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint or "") if current_app else None
        setting = getattr(view, "upload_limit", None)
        if setting:
            return int(current_app.config[setting]) + UPLOAD_OVERHEAD
        return Request.max_content_length.fget(self)  # type: ignore[attr-defined]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    app.request_class = LimitedRequest
    app.session_interface = RememberingSessionInterface()
    app.before_request(enforce_session_timeouts)
    app.after_request(set_private_cache_control)
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.config.get("HSTS", False))  # type: ignore[method-assign]


def external_url(endpoint: str, **values) -> str:
    """An absolute link for use outside the page (reset links, QR codes): BASE_URL plus the
    route's path, never the request's Host or X-Forwarded-Host header (CSRF-4)."""
    path = current_app.url_map.bind("base-url.invalid").build(endpoint, values)
    return current_app.config["BASE_URL"] + path
