"""Relative links between course files, resolved to the pages learners see.

Core module: stdlib and this package's core only. An author links to another file as it is
named on disk, relative to the file the link is in: `[next](02-trafficking-vs-smuggling.en.md)`,
`[glossary](../pages/glossary.uk.md#consent)`. Either language's file names the same page (the
site's paths carry no language: the reader sees it in theirs), `#lesson-id` after a module file
names that lesson, and a link to a file that is not part of the course is reported with its
line, like a `lesson:` link.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from course.content.loader import Variant
from course.content.paths import job_aid_path, lesson_path, module_path, page_path
from course.content.types import Module
from course.problems import N_


@dataclass(frozen=True, slots=True)
class FileTarget:
    """Where a course file is read on the site; for a module, also each lesson."""

    url: str
    lessons: Mapping[str, str] = field(default_factory=dict)  # lesson id -> its path


CourseFiles = dict[str, FileTarget]  # normalised file path -> its page

MISSING_FILE = N_("the link '{target}' points to a course file that does not exist")
MISSING_LESSON = N_("the link '{target}' names '#{anchor}', which is not a lesson of that module")


def normalise_path(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/"))


def course_files(
    modules: Mapping[str, Mapping[str, Variant]],
    pages: Mapping[str, Mapping[str, Variant]],
    job_aids: Mapping[str, Mapping[str, Variant]],
) -> CourseFiles:
    """Every module, page and job-aid file (each language) and the page it is read on."""
    files: CourseFiles = {}
    for module_id, by_lang in modules.items():
        for variant in by_lang.values():
            lessons = {lesson.id: lesson_path(module_id, lesson.id) for lesson in variant.lessons if lesson.id}
            files[normalise_path(variant.source.path)] = FileTarget(module_path(module_id), lessons)
    for page_id, by_lang in pages.items():
        for variant in by_lang.values():
            files[normalise_path(variant.source.path)] = FileTarget(page_path(page_id))
    for aid_id, by_lang in job_aids.items():
        for variant in by_lang.values():
            files[normalise_path(variant.source.path)] = FileTarget(job_aid_path(aid_id))
    return files


def module_files(modules: Iterable[Module]) -> CourseFiles:
    """The module files of built modules (what a quiz may link to)."""
    files: CourseFiles = {}
    for module in modules:
        lessons = {lesson.id: lesson_path(module.id, lesson.id) for lesson in module.lessons}
        for path in module.paths:
            files[normalise_path(path)] = FileTarget(module_path(module.id), lessons)
    return files


def _find(source_path: str, target: str, files: CourseFiles) -> tuple[FileTarget | None, str]:
    path, _, anchor = target.partition("#")
    here = posixpath.dirname(normalise_path(source_path))
    return files.get(normalise_path(posixpath.join(here, unquote(path)))), anchor


def resolve_file_link(source_path: str, target: str, files: CourseFiles) -> str | None:
    """The site path a relative link from `source_path` leads to, or None for a missing file."""
    found, anchor = _find(source_path, target, files)
    if found is None:
        return None
    if anchor and anchor in found.lessons:
        return found.lessons[anchor]
    return found.url + (f"#{anchor}" if anchor else "")


def link_problem(source_path: str, target: str, files: CourseFiles) -> tuple[str, dict[str, object]] | None:
    """Why a relative link is broken (message and params), or None when it resolves."""
    found, anchor = _find(source_path, target, files)
    if found is None:
        return MISSING_FILE, {"target": target}
    if anchor and found.lessons and anchor not in found.lessons:
        return MISSING_LESSON, {"target": target, "anchor": anchor}
    return None
