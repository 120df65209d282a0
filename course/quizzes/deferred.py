"""Feedback rendered the first time a page needs it (issue 12, catalog_reload_ms_large).

Core module: standard library and course.problems only. Feedback (per option, and per
question) is about half of a course's Markdown, and a learner reads it only after answering.
A serving process loading a release that publishing has already checked keeps each feedback
text as its Markdown source and renders it on first use (then keeps the HTML); validation
(`content check`, the editor's checks, publishing) renders every text at once, so a text the
Markdown library cannot render is still a problem listed before anything reaches learners.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from course.problems import N_, Problem

log = logging.getLogger("frontline.content")

# What the Markdown library raises on input it cannot handle (course/content/catalog.py _render).
RENDER_ERRORS = (RecursionError, ValueError, TypeError, IndexError, KeyError)


@dataclass(frozen=True, slots=True)
class Pending:
    """One feedback text, not yet rendered: its Markdown, how to render it and where it is."""

    text: str
    render: Callable[[str], str]
    path: str
    line: int


class RenderedLater(Mapping[str, str]):
    """Language -> HTML, each rendered on first read and kept. Rendering twice at once (two
    threads) gives the same HTML twice: no lock is needed for correctness."""

    __slots__ = ("_langs", "_pending", "_html", "_failed")

    def __init__(self, texts: Mapping[str, str | Pending]) -> None:
        self._langs = tuple(texts)
        self._pending = {lang: t for lang, t in texts.items() if isinstance(t, Pending)}
        self._html = {lang: t for lang, t in texts.items() if isinstance(t, str)}
        self._failed: dict[str, Problem] = {}

    def __getitem__(self, lang: str) -> str:
        html = self._html.get(lang)
        if html is None:
            html = self._html[lang] = self._render(lang, self._pending[lang])
        return html

    def __contains__(self, lang: object) -> bool:  # without rendering
        return lang in self._langs

    def __iter__(self) -> Iterator[str]:
        return iter(self._langs)

    def __len__(self) -> int:
        return len(self._langs)

    def __repr__(self) -> str:
        return f"RenderedLater({sorted(self)})"

    def _render(self, lang: str, pending: Pending) -> str:
        try:
            return pending.render(pending.text)
        except RENDER_ERRORS as exc:
            message = N_("this text could not be rendered ({error})")
            problem = Problem(pending.path, pending.line, message, {"error": type(exc).__name__})
            self._failed[lang] = problem
            log.error("content problem: %s", problem, extra={"event": "content_problem"})
            return ""

    def render_all(self) -> list[Problem]:
        """Render every language now; the problems of those that could not be rendered."""
        for lang in self:
            self[lang]
        return list(self._failed.values())


def render_all(texts: Mapping[str, str]) -> list[Problem]:
    """Problems of a feedback mapping rendered now (plain dicts, already rendered, have none)."""
    return texts.render_all() if isinstance(texts, RenderedLater) else []
