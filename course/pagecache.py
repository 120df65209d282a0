"""Pages rendered once per process and reused, with the session's CSRF token filled in.

The hottest pages (a lesson, a certificate's verification page) are the same for every viewer
in the same situation except for the CSRF token in their forms. They are rendered with a
placeholder where the token goes, kept under a key naming everything else the page depends
on, and each request only swaps in its own token. Callers render directly instead whenever the
page carries something personal that is not in the key (a flashed message, say).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from course.csrf import csrf_token

# Stands in for the per-session CSRF token in a kept page; never a valid token itself.
CSRF_PLACEHOLDER = "\x00csrf\x00"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


class PageCache:
    """Rendered pages by key, at most `max_entries`, oldest out first."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._pages: dict[Hashable, tuple[bytes, bool]] = {}

    def page(self, key: Hashable, render: Callable[[Callable[[], str]], str]) -> bytes:
        """The page for `key` with this session's token, as UTF-8 (kept encoded: a response
        then needs no encoding); `render(csrf_token)` renders it once."""
        kept = self._pages.get(key)
        if kept is None:
            html = render(lambda: CSRF_PLACEHOLDER)
            kept = (html.encode(), CSRF_PLACEHOLDER in html)
            if len(self._pages) >= self.max_entries:
                self._pages.pop(next(iter(self._pages)))
            self._pages[key] = kept
        page, has_forms = kept
        # A page without forms needs no token, so it starts no session and sets no cookie.
        return page.replace(_PLACEHOLDER_BYTES, csrf_token().encode()) if has_forms else page
