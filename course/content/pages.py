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
from course.csrf import csrf_token
from course.progress.rules import next_lesson, previous_lesson

CACHE_KEY = "frontline.lesson_pages"
# Stands in for the per-session CSRF token in a cached page; never a valid token itself.
CSRF_PLACEHOLDER = "\x00csrf\x00"


def lesson_page(module: Module, lesson: Lesson, lang: str, is_read: bool, is_admin: bool) -> str:
    """The lesson page HTML for this viewer; rendered at most once per variant per process."""
    if session.get("_flashes"):  # a one-off message belongs to this response only
        return _render(module, lesson, lang, is_read, csrf_token)
    cache: dict = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (module.id, lesson.id, lang, is_read, is_admin)
    page = cache.get(key)
    if page is None:
        page = cache[key] = _render(module, lesson, lang, is_read, lambda: CSRF_PLACEHOLDER)
    return page.replace(CSRF_PLACEHOLDER, csrf_token())


def _render(module: Module, lesson: Lesson, lang: str, is_read: bool, csrf_token) -> str:
    return render_template(
        "content/lesson.html",
        module=module,
        lesson=lesson,
        is_read=is_read,
        lang=lang,
        previous_id=previous_lesson(module, lesson.id),
        next_id=next_lesson(module, lesson.id),
        csrf_token=csrf_token,
        language_next=lesson_path(module.id, lesson.id),
    )
