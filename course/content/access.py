"""The loaded catalog for the running app (web layer)."""

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
