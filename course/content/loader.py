"""Read content files into typed objects, collecting every problem instead of stopping.

Core module: stdlib, PyYAML (via course.frontmatter) and course.markdown only. A file with a
problem never raises: it becomes `Problem`s, and the module it belongs to is left out of the
catalog so the rest of the course keeps working.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from course.content.types import LANGUAGES, Module, Page
from course.frontmatter import (
    Field,
    FrontMatterError,
    check_id,
    positive,
    read_fields,
    split_front_matter,
)
from course.markdown import plain_text
from course.problems import N_, Problem

MAX_FILE_BYTES = 1_000_000
FILE_NAME = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[a-z]{2})\.md$")
LESSON_HEADING = re.compile(r"^##(?!#)\s*(?P<title>.*?)\s*(?:\{#(?P<id>[^}\s]*)\s*\})?\s*$")
WORDS_PER_MINUTE = 180

MODULE_FIELDS = (
    Field("id", str, required=True, check=check_id),
    Field("order", int, required=True),
    Field("title", str, required=True),
    Field("summary", str, required=True),
    Field("minutes", int, required=True, check=positive),
    Field("content_note", str),
)
PAGE_FIELDS = (Field("id", str, required=True, check=check_id), Field("title", str, required=True))


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A decoded file: its display path, language, text, and raw bytes for hashing."""

    path: str
    lang: str
    text: str
    raw: bytes


@dataclass(slots=True)
class LessonDraft:
    id: str
    title: str
    markdown: str
    line: int


@dataclass(slots=True)
class Variant:
    """One language's file of a module or page, parsed but not yet rendered."""

    source: SourceFile
    fields: dict
    intro: str
    lessons: list[LessonDraft]
    body_line: int
    problems: list[Problem] = field(default_factory=list)
    key_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> its line


@dataclass(frozen=True, slots=True)
class ContentLoad:
    modules: tuple[Module, ...]
    pages: dict[str, Page]
    job_aids: dict[str, Page]
    problems: list[Problem]


def display_path(path: Path) -> str:
    """Paths relative to the working directory when inside it, as authors see them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_source(path: Path) -> tuple[SourceFile | None, list[Problem]]:
    """Read a `.LANG.md` file from disk (course.content.files reads a whole course)."""
    return decode_source(display_path(path), path.name, path.read_bytes())


def decode_source(shown: str, name: str, raw: bytes) -> tuple[SourceFile | None, list[Problem]]:
    """Decode a `.LANG.md` file's bytes as UTF-8 text with LF line endings, or say why not;
    `shown` is its path as the author sees it, `name` its file name."""
    match = FILE_NAME.match(name)
    if not match or match["lang"] not in LANGUAGES:
        message = N_("the file name must end in .uk.md or .en.md")
        return None, [Problem(shown, 1, message)]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(shown, 1, N_("the file is larger than 1 MB"))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(raw[: exc.start].decode("utf-8-sig"))
        return None, [Problem(shown, line, N_("the file is not saved as UTF-8 (invalid byte)"), column=column)]
    if "\x00" in text:
        line, column = _position(text[: text.index("\x00")])
        return None, [Problem(shown, line, N_("the file contains a NUL character"), column=column)]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(shown, match["lang"], text, raw), []


def _position(before: str) -> tuple[int, int]:
    """Line and column (both from 1) of the character that follows `before`."""
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def parse_variant(source: SourceFile, fields: Iterable[Field], split_lessons: bool) -> Variant:
    """Parse front matter and, for modules, split the body into lessons at `##` headings."""
    try:
        front = split_front_matter(source.text)
    except FrontMatterError as exc:
        problem = Problem(source.path, exc.line, exc.message, exc.params, exc.column)
        return Variant(source, {}, "", [], 1, [problem])
    values, problems = read_fields(front, tuple(fields), source.path)
    variant = Variant(source, values, front.body, [], front.body_start_line, problems, dict(front.lines))
    if split_lessons:
        _split_lessons(variant, front.body, front.body_start_line)
    return variant


def _split_lessons(variant: Variant, body: str, first_line: int) -> None:
    intro: list[str] = []
    sections: list[tuple[LessonDraft, list[str]]] = []
    seen: set[str] = set()
    for offset, line in enumerate(body.split("\n")):
        match = LESSON_HEADING.match(line) if line.startswith("##") else None
        if match is None:
            (sections[-1][1] if sections else intro).append(line)
            continue
        number = first_line + offset
        lesson_id, title = match["id"] or "", match["title"]
        problem = _lesson_heading_problem(lesson_id, title, seen)
        if problem:
            variant.problems.append(Problem(variant.source.path, number, *problem))
        seen.add(lesson_id)
        sections.append((LessonDraft(lesson_id, title, "", number + 1), []))
    variant.intro = "\n".join(intro)
    for draft, lines in sections:
        draft.markdown = "\n".join(lines)
        variant.lessons.append(draft)
    if not variant.lessons and not variant.problems:
        message = N_("the module has no lessons: start each lesson with '## Title {{#lesson-id}}'")
        variant.problems.append(Problem(variant.source.path, first_line, message))


def _lesson_heading_problem(lesson_id: str, title: str, seen: set[str]) -> tuple | None:
    if not lesson_id:
        return (N_("the lesson heading has no id: end it with {{#lesson-id}}"), {})
    if check_id(lesson_id):
        return (N_("the lesson id '{id}' must use lower-case Latin letters, digits and hyphens"), {"id": lesson_id})
    if lesson_id in seen:
        return (N_("the lesson id '{id}' is used twice in this file"), {"id": lesson_id})
    if not title:
        return (N_("the lesson '{id}' has no title"), {"id": lesson_id})
    return None


def group_by_id(variants: list[Variant], kind: str) -> tuple[dict[str, dict[str, Variant]], list[Problem]]:
    """Group language variants by their `id`, reporting duplicates and missing languages."""
    groups: dict[str, dict[str, Variant]] = defaultdict(dict)
    problems: list[Problem] = []
    for variant in variants:
        item_id = variant.fields.get("id")
        if not item_id:
            continue
        lang = variant.source.lang
        if lang in groups[item_id]:
            other = groups[item_id][lang].source.path
            message = N_("the {kind} id '{id}' is already used by {other}")
            problem = Problem(variant.source.path, 1, message, {"kind": kind, "id": item_id, "other": other})
            variant.problems.append(problem)
            continue
        groups[item_id][lang] = variant
    for item_id, by_lang in groups.items():
        for lang in LANGUAGES:
            if lang not in by_lang:
                first = next(iter(by_lang.values()))
                message = N_("the {kind} '{id}' has no '{lang}' version")
                params = {"kind": kind, "id": item_id, "lang": lang}
                first.problems.append(Problem(first.source.path, 1, message, params))
    return groups, problems


def check_lesson_parity(by_lang: dict[str, Variant]) -> None:
    """Every language must have the same lessons in the same order, and the same settings."""
    reference = by_lang.get("uk") or next(iter(by_lang.values()))
    expected = [lesson.id for lesson in reference.lessons]
    for variant in by_lang.values():
        if variant is reference:
            continue
        actual = [lesson.id for lesson in variant.lessons]
        if actual != expected:
            message = N_("the lesson ids {actual} differ from {expected} in {other}")
            params = {"actual": ", ".join(actual), "expected": ", ".join(expected), "other": reference.source.path}
            variant.problems.append(Problem(variant.source.path, variant.body_line, message, params))
        for key in ("order", "minutes"):
            if variant.fields.get(key) != reference.fields.get(key):
                message = N_("'{key}' differs from {other}")
                params = {"key": key, "other": reference.source.path}
                variant.problems.append(Problem(variant.source.path, 1, message, params))


def content_hash(variants: Iterable[Variant]) -> str:
    """SHA-256 over every language's file, so any edit in any language changes it."""
    digest = hashlib.sha256()
    for variant in sorted(variants, key=lambda v: v.source.lang):
        digest.update(variant.source.lang.encode() + b"\0" + variant.source.raw + b"\0")
    return digest.hexdigest()


def minutes_to_read(html: str) -> int:
    return max(1, math.ceil(len(plain_text(html).split()) / WORDS_PER_MINUTE))


def read_sources(
    files: Mapping[str, bytes], folder: str, shown: Callable[[str], str]
) -> tuple[list[SourceFile], list[Problem]]:
    """Every `.md` file directly in `folder` of a course's files (by path), decoded, sorted."""
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    prefix = folder.rstrip("/") + "/"
    for path in sorted(files):
        name = path[len(prefix) :]
        if not path.startswith(prefix) or "/" in name or not name.endswith(".md"):
            continue
        source, found = decode_source(shown(path), name, files[path])
        problems.extend(found)
        if source:
            sources.append(source)
    return sources, problems


def read_directory(directory: Path) -> tuple[list[SourceFile], list[Problem]]:
    """Every `.md` file in `directory` (sorted), decoded; a missing directory is no problem."""
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    if not directory.is_dir():
        return sources, problems
    for path in sorted(directory.glob("*.md")):
        source, found = read_source(path)
        problems.extend(found)
        if source:
            sources.append(source)
    return sources, problems
