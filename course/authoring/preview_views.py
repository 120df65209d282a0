"""The preview routes: the draft through the learners' own pages, in either language (issue 12).

Web layer, on the editor's blueprint (admins only). `@reads`: a preview never writes, and it is
never served to learners: it lives under /admin, is built per request from the draft, and
its pages are not kept in any cache (course/authoring/preview.py).
"""

from __future__ import annotations

from flask import abort, render_template, request

from course.authoring import preview
from course.authoring.editor import draft_catalog
from course.authoring.files import LANGUAGES
from course.authoring.views import bp
from course.content.catalog import Catalog
from course.extensions import db
from course.unit_of_work import reads


def _draft(lang: str) -> Catalog:
    if lang not in LANGUAGES:
        abort(404)
    return draft_catalog(db.session)


@bp.get("/preview/<lang>/")
@reads
def preview_home(lang: str):
    """The course overview of the draft."""
    catalog = _draft(lang)
    with preview.in_language(lang):
        html = render_template(
            "content/overview.html",
            catalog=catalog,
            lang=lang,
            draft_preview={"lang": lang, "other": _other(lang), "where": ""},
        )
    return preview.preview_links(html, lang)


def _other(lang: str) -> str:
    return "en" if lang == "uk" else "uk"


@bp.get("/preview/<lang>/modules/<module_id>")
@reads
def preview_module(lang: str, module_id: str):
    return preview.module_page(_draft(lang), module_id, lang)


@bp.get("/preview/<lang>/modules/<module_id>/<lesson_id>")
@reads
def preview_lesson(lang: str, module_id: str, lesson_id: str):
    return preview.lesson_page(_draft(lang), module_id, lesson_id, lang)


@bp.get("/preview/<lang>/modules/<module_id>/job-aid")
@reads
def preview_job_aid(lang: str, module_id: str):
    return preview.job_aid_page(_draft(lang), module_id, lang)


@bp.get("/preview/<lang>/pages/<page_id>")
@reads
def preview_page(lang: str, page_id: str):
    return preview.page_page(_draft(lang), page_id, lang)


@bp.get("/preview/<lang>/quizzes/<quiz_id>")
@reads
def preview_quiz(lang: str, quiz_id: str):
    return preview.quiz_page(_draft(lang), quiz_id, lang, request.args.get("page", 0, type=int))
