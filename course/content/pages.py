"""Rendered lesson pages, cached per process (web layer).

A lesson page is the same for every learner except for the CSRF token, whether the lesson is
read, whether the viewer is an admin, and the language. The catalog is fixed for the life of a
process, so the page is rendered once per such combination and only the token is filled in per
request: the lesson page is the most-visited page on slow, shared machines (bench/lesson_page.py).
"""

from __future__ import annotations

from flask import current_app, render_template, session

from course.content.paths import lesson_path
from course.content.types import Lesson, Module
from course.pagecache import PageCache, csrf_token
from course.progress.rules import next_lesson, previous_lesson

CACHE_KEY = "frontline.lesson_pages"
# Every variant of every lesson fits: 34 lessons x 2 languages x read or not x admin or not.
MAX_PAGES = 4096


def lesson_page(
    module: Module, lesson: Lesson, lang: str, is_read: bool, is_admin: bool, visitor: bool = False
) -> str | bytes:
    """The lesson page HTML for this viewer; rendered at most once per variant per process.
    A visitor (the public preview) gets its own variant: no mark-as-read form, a way in."""
    if session.get("_flashes"):  # a one-off message belongs to this response only
        return _render(module, lesson, lang, is_read, csrf_token, visitor)
    cache = current_app.extensions.get(CACHE_KEY)
    if cache is None:
        cache = current_app.extensions[CACHE_KEY] = PageCache(MAX_PAGES)
    key = (module.id, lesson.id, lang, is_read, is_admin, visitor)
    return cache.page(key, lambda token: _render(module, lesson, lang, is_read, token, visitor))


def render_lesson(module: Module, lesson: Lesson, lang: str, **extra) -> str:
    """The same page, never cached: the editor's preview of a draft lesson (course/authoring)."""
    return _render(module, lesson, lang, False, csrf_token, False, **extra)


def _render(module: Module, lesson: Lesson, lang: str, is_read: bool, csrf_token, visitor: bool, **extra) -> str:
    return render_template(
        "content/lesson.html",
        module=module,
        lesson=lesson,
        is_read=is_read,
        visitor=visitor,
        lang=lang,
        previous_id=previous_lesson(module, lesson.id),
        next_id=next_lesson(module, lesson.id),
        csrf_token=csrf_token,
        language_next=lesson_path(module.id, lesson.id),
        **extra,
    )
