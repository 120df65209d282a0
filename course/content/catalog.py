"""The catalog: every module, page, job aid and quiz that loaded cleanly, plus all problems.

Core module. `build_catalog_from_files` builds it from a course's files by path (from a
release in the database, a draft, or the disk: course/content/files.py); `build_catalog` is
the disk form `content check` uses. Markdown is rendered once, here, so requests only pick
pre-rendered HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.content.files import JOB_AIDS, MODULES, PAGES, QUIZZES, disk_names, read_course_files
from course.content.images import image_file_problems, image_problems, image_urls
from course.content.images import resolver as image_resolver
from course.content.links import CourseFiles, course_files, link_problem, resolve_file_link
from course.content.loader import (
    MODULE_FIELDS,
    PAGE_FIELDS,
    Variant,
    check_lesson_parity,
    content_hash,
    group_by_id,
    minutes_to_read,
    parse_variant,
    read_sources,
)
from course.content.paths import lesson_path, page_path
from course.content.types import Lesson, Module, Page
from course.markdown import internal_links, is_course_file, render_markdown
from course.problems import N_, Problem, sort_problems
from course.quizzes.build import render_feedback
from course.quizzes.loader import load_quiz_sources
from course.quizzes.types import Quiz


@dataclass(frozen=True, slots=True)
class Catalog:
    modules: tuple[Module, ...] = ()
    pages: Mapping[str, Page] = field(default_factory=dict)
    job_aids: Mapping[str, Page] = field(default_factory=dict)
    quizzes: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    @property
    def lesson_count(self) -> int:
        return sum(len(m.lessons) for m in self.modules)

    def summary_line(self) -> str:
        """The one line `content check` prints when clean; scripts parse it."""
        questions = sum(len(getattr(q, "questions", ())) for q in self.quizzes.values())
        return (
            f"ok: {len(self.modules)} modules, {self.lesson_count} lessons, "
            f"{len(self.quizzes)} quizzes, {questions} questions, languages uk en"
        )


def build_catalog(content_dir: Path, quizzes_dir: Path | None = None) -> Catalog:
    """Load everything under `content_dir` (and quizzes) and keep only what is problem-free."""
    files = read_course_files(content_dir, quizzes_dir)
    return build_catalog_from_files(files, disk_names(content_dir, quizzes_dir))


def _check_job_aids_match_modules(aid_groups: Mapping, module_groups: Mapping) -> None:
    """A job aid belongs to the module with its id: one without a module is a problem."""
    for aid_id, by_lang in aid_groups.items():
        if aid_id not in module_groups:
            for variant in by_lang.values():
                message = N_("the job aid '{id}' does not match any module id")
                variant.problems.append(Problem(variant.source.path, 1, message, {"id": aid_id}))


def build_catalog_from_files(
    files: Mapping[str, bytes], shown: Callable[[str], str] | None = None, *, feedback_later: bool = False
) -> Catalog:
    """The catalog of a course given as files by path; problems name each file as `shown(path)`
    (by default the path itself, as the editor and `content import` show it).

    Every check runs either way. `feedback_later`: quiz feedback is rendered when first read,
    for a process loading files or a release to serve them (publishing has checked the
    release); without it every text is rendered now and one that cannot be is a problem."""
    names = shown or _same
    module_variants, problems = _parse(files, MODULES, names, MODULE_FIELDS, True)
    page_variants, page_problems = _parse(files, PAGES, names, PAGE_FIELDS, False)
    aid_variants, aid_problems = _parse(files, JOB_AIDS, names, PAGE_FIELDS, False)
    if not module_variants and not problems:
        problems.append(_no_modules(names(MODULES)))
    problems += page_problems + aid_problems
    module_groups, _ = group_by_id(module_variants, "module")
    page_groups, _ = group_by_id(page_variants, "page")
    aid_groups, _ = group_by_id(aid_variants, "job aid")
    for by_lang in module_groups.values():
        check_lesson_parity(by_lang)
    known, images = _link_targets(module_groups, page_groups), image_urls(files)
    linkable = course_files(module_groups, page_groups, aid_groups)
    problems += image_file_problems(files, names)
    for variant in module_variants + page_variants + aid_variants:
        _check_links(variant, known, linkable)
        variant.problems.extend(image_problems(variant.source.path, variant.source.text, images))
    _check_job_aids_match_modules(aid_groups, module_groups)
    modules = [m for by_lang in module_groups.values() if (m := _build_module(by_lang, linkable, images))]
    pages = {pid: p for pid, by_lang in page_groups.items() if (p := _build_page(by_lang, linkable, images))}
    aids = {aid: p for aid, by_lang in aid_groups.items() if (p := _build_page(by_lang, linkable, images))}
    for variant in module_variants + page_variants + aid_variants:
        problems.extend(variant.problems)
    quizzes, quiz_problems = _quizzes(files, names, modules, feedback_later)
    problems.extend(quiz_problems)
    modules.sort(key=lambda m: (m.order, m.id))
    return Catalog(tuple(modules), pages, aids, quizzes, tuple(sort_problems(problems)))


def _quizzes(
    files: Mapping[str, bytes], names: Callable[[str], str], modules: list[Module], feedback_later: bool
) -> tuple[dict[str, Quiz], list[Problem]]:
    """The course's quizzes and every problem found in them; feedback rendered now unless
    `feedback_later`."""
    sources, problems = read_sources(files, QUIZZES, names)
    quizzes, built = load_quiz_sources(sources, {m.id: m for m in modules})
    if not feedback_later:
        quizzes, unrendered = render_feedback(quizzes)
        built += unrendered
    return quizzes, problems + built


def _same(path: str) -> str:
    return path


def _no_modules(folder: str) -> Problem:
    """An empty or mistyped folder is a problem: a course without modules teaches nothing."""
    message = N_(
        "no module files found here: expected files such as 01-<module-id>.uk.md and 01-<module-id>.en.md "
        "(is this the folder that holds modules/, pages/ and job-aids/?)"
    )
    return Problem(folder, 0, message)


def _parse(
    files: Mapping[str, bytes], folder: str, shown: Callable[[str], str], fields: tuple, split_lessons: bool
) -> tuple[list[Variant], list[Problem]]:
    sources, problems = read_sources(files, folder, shown)
    return [parse_variant(source, fields, split_lessons) for source in sources], problems


def _link_targets(modules: dict[str, dict[str, Variant]], pages: dict[str, dict[str, Variant]]) -> set[str]:
    targets = {f"page:{page_id}" for page_id in pages}
    for module_id, by_lang in modules.items():
        for variant in by_lang.values():
            targets.update(f"lesson:{module_id}/{lesson.id}" for lesson in variant.lessons)
    return targets


def _check_links(variant: Variant, known: set[str], files: CourseFiles) -> None:
    module_id = variant.fields.get("id")
    for line, target in internal_links(variant.source.text):
        if is_course_file(target):
            if (found := link_problem(variant.source.path, target, files)) is not None:
                variant.problems.append(Problem(variant.source.path, line, *found))
            continue
        full = _qualify(target, module_id)
        if full not in known:
            message = N_("the link '{target}' points to a lesson or page that does not exist")
            variant.problems.append(Problem(variant.source.path, line, message, {"target": target}))


def _qualify(target: str, module_id: str | None) -> str:
    """`lesson:x` inside a module means lesson x of that same module."""
    if target.startswith("lesson:") and "/" not in target and module_id:
        return f"lesson:{module_id}/{target[len('lesson:') :]}"
    return target


def _resolver(module_id: str | None, variant: Variant, files: CourseFiles):
    def resolve(target: str) -> str | None:
        if is_course_file(target):
            return resolve_file_link(variant.source.path, target, files)
        full = _qualify(target, module_id)
        if full.startswith("lesson:"):
            mod, _, lesson = full[len("lesson:") :].partition("/")
            return lesson_path(mod, lesson)
        return page_path(full[len("page:") :])

    return resolve


def _render(
    variant: Variant, text: str, module_id: str | None, files: CourseFiles, images: Mapping[str, str]
) -> str | None:
    """Render once; a crash in the Markdown library becomes a problem, not a traceback."""
    try:
        return render_markdown(text, _resolver(module_id, variant, files), image_resolver(images))
    except (RecursionError, ValueError, TypeError, IndexError, KeyError) as exc:
        message = N_("this text could not be rendered ({error})")
        variant.problems.append(Problem(variant.source.path, variant.body_line, message, {"error": type(exc).__name__}))
        return None


def _build_module(by_lang: dict[str, Variant], files: CourseFiles, images: Mapping[str, str]) -> Module | None:
    variants = list(by_lang.values())
    if any(v.problems for v in variants):
        return None
    module_id = variants[0].fields["id"]
    intro = {lang: _render(v, v.intro, module_id, files, images) or "" for lang, v in by_lang.items()}
    rendered = {
        lang: [_render(v, d.markdown, module_id, files, images) for d in v.lessons] for lang, v in by_lang.items()
    }
    if any(v.problems for v in variants):
        return None
    lessons = tuple(
        Lesson(
            id=draft.id,
            title={lang: by_lang[lang].lessons[i].title for lang in by_lang},
            html={lang: rendered[lang][i] or "" for lang in by_lang},
            minutes=minutes_to_read(rendered["uk"][i] or ""),
        )
        for i, draft in enumerate(by_lang["uk"].lessons)
    )
    fields = {lang: v.fields for lang, v in by_lang.items()}
    return Module(
        id=module_id,
        order=fields["uk"]["order"],
        title={lang: f["title"] for lang, f in fields.items()},
        summary={lang: f["summary"] for lang, f in fields.items()},
        minutes=fields["uk"]["minutes"],
        content_note={lang: f["content_note"] for lang, f in fields.items() if f["content_note"]},
        intro_html=intro,
        lessons=lessons,
        content_hash=content_hash(variants),
        paths=tuple(v.source.path for v in variants),
    )


def _build_page(by_lang: dict[str, Variant], files: CourseFiles, images: Mapping[str, str]) -> Page | None:
    variants = list(by_lang.values())
    if any(v.problems for v in variants):
        return None
    html = {lang: _render(v, v.intro, None, files, images) for lang, v in by_lang.items()}
    if any(v.problems for v in variants):
        return None
    page_id = variants[0].fields["id"]
    titles = {lang: v.fields["title"] for lang, v in by_lang.items()}
    return Page(page_id, titles, {k: v or "" for k, v in html.items()}, content_hash(variants))
