"""Typed, language-neutral content objects built by the loader. Core: stdlib only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"

# Each text field maps a language code ("uk", "en") to that language's text.
Texts = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    title: Texts
    html: Texts
    minutes: int

    def text(self, field: str, lang: str) -> str:
        return pick(getattr(self, field), lang)


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    order: int
    title: Texts
    summary: Texts
    minutes: int
    content_note: Texts
    intro_html: Texts
    lessons: tuple[Lesson, ...]
    content_hash: str
    paths: tuple[str, ...]

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(lesson.id for lesson in self.lessons)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def text(self, field: str, lang: str) -> str:
        return pick(getattr(self, field), lang)


@dataclass(frozen=True, slots=True)
class Page:
    """A stand-alone page such as the glossary, or a module's printable job aid."""

    id: str
    title: Texts
    html: Texts
    content_hash: str

    def text(self, field: str, lang: str) -> str:
        return pick(getattr(self, field), lang)


def pick(texts: Texts, lang: str) -> str:
    """The text in `lang`, falling back to the default language, then to any."""
    if lang in texts:
        return texts[lang]
    if DEFAULT_LANGUAGE in texts:
        return texts[DEFAULT_LANGUAGE]
    return next(iter(texts.values()), "")
