"""The loaded catalog for the running app, and what visitors may preview (web layer).

The public preview (docs/authoring.md): an awareness course is easier to join when a visitor can
see what it is like, so each module's page, its first lesson, its job aid (web page and PDF:
the printed sheet's "current version" link must open for whoever holds the paper) and the
course pages (the glossary) are public. Every other lesson, marking lessons read, quizzes and
certificates need a login.
"""

from __future__ import annotations

from flask import abort, current_app

from course.content.catalog import Catalog
from course.content.types import Lesson, Module

EXTENSION_KEY = "frontline.catalog"


def current_catalog() -> Catalog:
    return current_app.extensions[EXTENSION_KEY]


def module_or_404(module_id: str) -> Module:
    module = current_catalog().module(module_id)
    if module is None:
        abort(404)
    return module


def lesson_or_404(module: Module, lesson_id: str) -> Lesson:
    lesson = module.lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def is_preview(module: Module, lesson_id: str) -> bool:
    """Whether a visitor who is not logged in may read this lesson: each module's first."""
    return bool(module.lesson_ids) and module.lesson_ids[0] == lesson_id
