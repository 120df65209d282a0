"""Pages rendered once per process and reused, with the session's CSRF token filled in.

The hottest pages (a lesson, a certificate's verification page) are the same for every viewer
in the same situation except for the CSRF token in their forms. They are rendered with a
placeholder where the token goes, kept under a key naming everything else the page depends
on, and each request only swaps in its own token. Callers render directly instead whenever the
page carries something personal that is not in the key (a flashed message, say).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, session
from flask_wtf.csrf import generate_csrf

from course.caches import LRU

# Stands in for the per-session CSRF token in a kept page; never a valid token itself.
CSRF_PLACEHOLDER = "\x00csrf\x00"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_tokens: LRU[tuple[str, str], str] = LRU(10_000)


def csrf_token() -> str:
    """Flask-WTF's `generate_csrf()`, remembered per session token.

    Flask-WTF signs the session's token with a timestamp on every call; with no time limit
    (CSRF-2, WTF_CSRF_TIME_LIMIT = None) the first signed form stays valid for the session's
    life, so it is kept and an HMAC is saved on every page. Tokens are made and checked by
    Flask-WTF alone; only its documented session key (WTF_CSRF_FIELD_NAME) is read here."""
    config = current_app.config
    if config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = str(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)
    raw = session.get(field)
    token = _tokens.get((secret, raw)) if isinstance(raw, str) else None
    if token is None:
        token = generate_csrf()
        _tokens.put((secret, session[field]), token)
    return token


class PageCache:
    """Rendered pages by key, at most `max_entries` (course/caches.py's LRU)."""

    def __init__(self, max_entries: int) -> None:
        self._pages: LRU[Hashable, tuple[bytes, bool]] = LRU(max_entries)

    def page(self, key: Hashable, render: Callable[[Callable[[], str]], str]) -> bytes:
        """The page for `key` with this session's token, as UTF-8 (kept encoded: a response
        then needs no encoding); `render(csrf_token)` renders it once."""
        kept = self._pages.get(key)
        if kept is None:
            html = render(lambda: CSRF_PLACEHOLDER)
            kept = self._pages.put(key, (html.encode(), CSRF_PLACEHOLDER in html))
        page, has_forms = kept
        # A page without forms needs no token, so it starts no session and sets no cookie.
        return page.replace(_PLACEHOLDER_BYTES, csrf_token().encode()) if has_forms else page
