"""Markdown to safe HTML, shared by modules, pages, quizzes and job aids.

Core module: stdlib, python-markdown and nh3 only. Python-Markdown does not sanitise its
output (python-markdown.github.io/sanitization), so every render goes through nh3 against
an allow-list. Rendering happens once, when the catalog loads, never per request.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
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
    "img",
}
# An <img> keeps its src only when it names an uploaded course image (course/content/images.py):
# the resolver rewrites `../images/NAME` to the image's /media/ URL and drops anything else.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "img": {"src", "alt", "title"}}
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "important"},
    "p": {"admonition-title"},
}
# `lesson:` and `page:` are our internal link schemes; they are rewritten to paths below.
URL_SCHEMES = {"http", "https", "mailto", "lesson", "page"}

INTERNAL_LINK = re.compile(r"\]\(\s*<?((?:lesson|page):[^)\s>]*)>?")
LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?")
# A relative link to another course file, as authors write it on disk: `02-next.en.md`,
# `../pages/glossary.uk.md#term`. No scheme, not site-absolute, ends in .md (before any #).
COURSE_FILE = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?![/#?])[^?#]*\.md(?:#[^#]*)?$")

LinkResolver = Callable[[str], str | None]


# One line with none of these characters, not starting with a block marker, is one plain
# paragraph in Markdown: `<p>text</p>` (most option labels and titles), so the parser is skipped;
# tests/unit/test_markdown_sanitising.py checks both give the same output.
_MARKUP = re.compile(r"[\\`*_\[\]<>&!|{}~\x00-\x1f\x7f]")
_BLOCK_START = re.compile(r"[#>\-+=:0-9]")
# Converted texts by their exact text (Markdown's output depends on nothing else; links are
# resolved after, when sanitising), bounded by characters: a new release changes a few files,
# and every process rebuilding the catalog then converts only the texts that changed.
MEMO_CHARS = 16_000_000


class _Memo:
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._items: OrderedDict[str, str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0

    def get(self, text: str) -> str | None:
        with self._lock:
            return self._items.get(text)

    def put(self, text: str, html: str) -> None:
        size = len(text) + len(html)
        if size > self.max_chars:
            return
        with self._lock:
            if text not in self._items:
                self._items[text] = html
                self._chars += size
            while self._chars > self.max_chars:
                old, old_html = self._items.popitem(last=False)
                self._chars -= len(old) + len(old_html)


class _PerThread(threading.local):
    markdown: md.Markdown | None = None
    cleaner: nh3.Cleaner | None = None
    resolve: LinkResolver | None = None
    resolve_image: LinkResolver | None = None


_memo = _Memo(MEMO_CHARS)
_thread = _PerThread()


def forget_converted() -> None:
    """Empty the converted-text memo (benchmarks measure a first build with it)."""
    _memo.clear()


def _converter() -> md.Markdown:
    """One Markdown instance per thread, reset after each text (Python-Markdown's documented
    way to convert many texts: `md.reset()`). Building a new one per text, as `markdown.markdown`
    does, was most of a large course's load time (every option and feedback is a text)."""
    if _thread.markdown is None:
        _thread.markdown = md.Markdown(extensions=EXTENSIONS, output_format="html")
    return _thread.markdown


def to_html(text: str) -> str:
    """Markdown's HTML for `text`, not yet sanitised."""
    if text and text == text.strip() and not _MARKUP.search(text) and not _BLOCK_START.match(text):
        return f"<p>{text}</p>"
    html = _memo.get(text)
    if html is None:
        converter = _converter()
        try:
            html = converter.convert(text)
        finally:
            converter.reset()
        _memo.put(text, html)
    return html


def render_markdown(
    text: str, resolve_link: LinkResolver | None = None, resolve_image: LinkResolver | None = None
) -> str:
    """Render Markdown to sanitised HTML; `resolve_link` maps `lesson:`/`page:` targets and
    relative links to course files to site paths (None drops the link), `resolve_image` an
    image's `src` to the URL it is served at (None drops the src)."""
    return sanitise(to_html(text), resolve_link, resolve_image)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href" and (value.startswith(("lesson:", "page:")) or is_course_file(value)):
        return _thread.resolve(value) if _thread.resolve else None
    if tag == "img" and attribute == "src":
        return _thread.resolve_image(value) if _thread.resolve_image else None
    return value


def _cleaner() -> nh3.Cleaner:
    """nh3's Cleaner holds the allow-lists once (nh3.clean rebuilds them on every call); one per
    thread, and the link and image resolvers of the current call are the thread's."""
    if _thread.cleaner is None:
        _thread.cleaner = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            allowed_classes=ALLOWED_CLASSES,
            url_schemes=URL_SCHEMES,
            attribute_filter=_filter_attribute,
            link_rel="noopener noreferrer",
        )
    return _thread.cleaner


def sanitise(html: str, resolve_link: LinkResolver | None = None, resolve_image: LinkResolver | None = None) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    _thread.resolve, _thread.resolve_image = resolve_link, resolve_image
    try:
        return _cleaner().clean(html)
    finally:
        _thread.resolve = _thread.resolve_image = None


def is_course_file(target: str) -> bool:
    """A relative link to another course file (`02-next.en.md`, `../pages/glossary.uk.md#x`)."""
    return COURSE_FILE.match(target) is not None


def internal_links(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Every `lesson:`/`page:` link target and relative link to a course file in `text`, with its line."""
    found = []
    for offset, line in enumerate(text.split("\n")):
        for match in INTERNAL_LINK.finditer(line):
            found.append((first_line + offset, match.group(1)))
        for match in LINK_TARGET.finditer(line):
            if is_course_file(match.group(1)):
                found.append((first_line + offset, match.group(1)))
    return found


def plain_text(html: str) -> str:
    """Text content of sanitised HTML, for titles and word counts."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
