"""Markdown to safe HTML, shared by modules, pages, quizzes and job aids.

Core module: stdlib, python-markdown and nh3 only. Python-Markdown does not sanitise its
output (python-markdown.github.io/sanitization), so every render goes through nh3 against
an allow-list. Rendering happens once, when the catalog loads, never per request.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import markdown as md
import nh3

# Chosen deliberately: tables, definition lists (glossary), notes (admonition) and sane
# lists. Not attr_list or md_in_html: they let authors inject attributes and raw HTML blocks.
EXTENSIONS = ["tables", "def_list", "admonition", "sane_lists"]

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "abbr",
    "sup",
    "sub",
    "div",
    "span",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "important"},
    "p": {"admonition-title"},
}
# `lesson:` and `page:` are our internal link schemes; they are rewritten to paths below.
URL_SCHEMES = {"http", "https", "mailto", "lesson", "page"}

INTERNAL_LINK = re.compile(r"\]\(\s*<?((?:lesson|page):[^)\s>]*)>?")

LinkResolver = Callable[[str], str | None]


class _Converters(threading.local):
    markdown: md.Markdown | None = None


_converters = _Converters()


def _converter() -> md.Markdown:
    """One Markdown instance per thread, reset after each text (Python-Markdown's documented
    way to convert many texts: `md.reset()`). Building a new one per text, as `markdown.markdown`
    does, was most of a large course's load time (every option and feedback is a text)."""
    if _converters.markdown is None:
        _converters.markdown = md.Markdown(extensions=EXTENSIONS, output_format="html")
    return _converters.markdown


def render_markdown(text: str, resolve_link: LinkResolver | None = None) -> str:
    """Render Markdown to sanitised HTML; `resolve_link` maps `lesson:`/`page:` targets to paths."""
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    return sanitise(html, resolve_link)


def sanitise(html: str, resolve_link: LinkResolver | None = None) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href" and value.startswith(("lesson:", "page:")):
            return resolve_link(value) if resolve_link else None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        attribute_filter=filter_attribute,
        link_rel="noopener noreferrer",
    )


def internal_links(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Every `lesson:`/`page:` link target in `text`, with its line number."""
    found = []
    for offset, line in enumerate(text.split("\n")):
        for match in INTERNAL_LINK.finditer(line):
            found.append((first_line + offset, match.group(1)))
    return found


def plain_text(html: str) -> str:
    """Text content of sanitised HTML, for titles and word counts."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
