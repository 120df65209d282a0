"""The draft as learners would see it: the learner templates, rendered with a draft catalog.

Web layer. Nothing here has a cache or writes: the catalog is built from the draft files by
the same code that builds the served one (build_catalog_from_files: same Markdown, same
sanitiser), and the page is the learner's own template, marked as a preview (`draft_preview`
makes base.html show the banner and turns the lesson's and quiz's forms into preview links).
Links between course pages are pointed at their previews, so the admin stays in the draft.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import SimpleNamespace

from flask import abort, g, render_template, url_for
from flask_babel import force_locale

from course.content.catalog import Catalog
from course.content.pages import render_lesson
from course.content.views import job_aid_sheet
from course.quizzes.drawing import draw_attempt
from course.quizzes.present import asked_page, clamp_page, page_count
from course.quizzes.types import Quiz

# Learner paths inside rendered pages, pointed at their previews (see preview_links).
_LEARNER_PREFIXES = ("/modules/", "/pages/", "/quizzes/")


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """The interface and the course text both in `lang`, as a learner who chose it sees them."""
    previous = g.get("lang")
    g.lang = lang
    try:
        with force_locale(lang):
            yield
    finally:
        g.lang = previous
        if previous is None:
            g.pop("lang")


def preview_links(html: str, lang: str) -> str:
    """Point the page's links to learner pages at the same pages of the draft preview."""
    base = url_for("authoring.preview_home", lang=lang).rstrip("/")
    for prefix in _LEARNER_PREFIXES:
        html = html.replace(f'href="{prefix}', f'href="{base}{prefix}')
    return html


def _banner(lang: str, where: str) -> dict:
    return {"lang": lang, "other": "en" if lang == "uk" else "uk", "where": where}


def module_page(catalog: Catalog, module_id: str, lang: str) -> str:
    module = catalog.module(module_id) or abort(404)
    with in_language(lang):
        html = render_template(
            "content/module.html",
            module=module,
            read=set(),
            lang=lang,
            job_aid=catalog.job_aids.get(module.id),
            module_quiz=lambda mid: quiz_of(catalog, mid),
            draft_preview=_banner(lang, f"modules/{module.id}"),
        )
    return preview_links(html, lang)


def lesson_page(catalog: Catalog, module_id: str, lesson_id: str, lang: str) -> str:
    module = catalog.module(module_id) or abort(404)
    lesson = module.lesson(lesson_id) or abort(404)
    with in_language(lang):
        html = render_lesson(module, lesson, lang, draft_preview=_banner(lang, f"modules/{module.id}/{lesson.id}"))
    return preview_links(html, lang)


def page_page(catalog: Catalog, page_id: str, lang: str) -> str:
    page = catalog.pages.get(page_id) or abort(404)
    with in_language(lang):
        html = render_template(
            "content/page.html", page=page, lang=lang, draft_preview=_banner(lang, f"pages/{page_id}")
        )
    return preview_links(html, lang)


def job_aid_page(catalog: Catalog, module_id: str, lang: str) -> str:
    from course.content.job_aids import sheet_html

    module = catalog.module(module_id) or abort(404)
    with in_language(lang):
        sheet = job_aid_sheet(catalog, module_id, lang)
        html = render_template(
            "content/job_aid.html",
            module=module,
            sheet=sheet,
            sheet_html=sheet_html(sheet),
            lang=lang,
            draft_preview=_banner(lang, f"modules/{module.id}/job-aid"),
        )
    return preview_links(html, lang)


def quiz_of(catalog: Catalog, module_id: str) -> Quiz | None:
    return next((q for q in catalog.quizzes.values() if q.module_id == module_id), None)


def quiz_page(catalog: Catalog, quiz_id: str, lang: str, page: int) -> str:
    """Every question of the quiz, in file order and unshuffled, on the learner's attempt page."""
    quiz = catalog.quizzes.get(quiz_id) or abort(404)
    # All of its questions (a final assessment: all of every module's), none drawn or shuffled.
    every = 10**6 if quiz.settings.draw_per_module else None
    settings = replace(quiz.settings, draw=None, shuffle_questions=False, shuffle_options=False, draw_per_module=every)
    drawn = draw_attempt(replace(quiz, settings=settings), catalog.quizzes, 0)
    page = clamp_page(drawn, page)
    attempt = SimpleNamespace(public_id="preview", version=0, is_practice=False)
    with in_language(lang):
        html = render_template(
            "quizzes/attempt.html",
            attempt=attempt,
            quiz=quiz,
            questions=asked_page(drawn, page, {}, lang),
            page=page,
            pages=page_count(drawn),
            total=len(drawn),
            answered=0,
            form=SimpleNamespace(csrf_token=""),
            message=None,
            draft_preview=_banner(lang, f"quizzes/{quiz.id}") | {"quiz": quiz.id, "page": page},
        )
    return preview_links(html, lang)
