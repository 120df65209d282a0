"""Course overview, module, lesson and page views. Thin: the catalog holds rendered HTML."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from course.access import public
from course.accounts.forms import EmptyForm
from course.clock import utcnow
from course.content.access import current_catalog, lesson_or_404, module_or_404
from course.content.pages import lesson_page
from course.extensions import db
from course.i18n import current_language
from course.progress.rules import next_lesson
from course.progress.services import lesson_is_read, mark_read, read_lessons

bp = Blueprint("content", __name__)


@bp.get("/")
@public
def overview():
    return render_template("content/overview.html", catalog=current_catalog(), lang=current_language())


@bp.get("/modules/<module_id>")
def module(module_id: str):
    module = module_or_404(module_id)
    read = read_lessons(db.session, current_user.id, module.id)
    return render_template("content/module.html", module=module, read=read, lang=current_language())


@bp.get("/modules/<module_id>/<lesson_id>")
def lesson(module_id: str, lesson_id: str):
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    is_read = lesson_is_read(db.session, current_user.id, module.id, lesson.id)
    return lesson_page(module, lesson, current_language(), is_read, current_user.is_admin)


@bp.post("/modules/<module_id>/<lesson_id>/read")
def mark_lesson_read(module_id: str, lesson_id: str):
    """The lesson's last button: record it as read, then go on (POST, redirect, GET)."""
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    mark_read(db.session, current_user, module, lesson.id, utcnow())
    db.session.commit()
    following = next_lesson(module, lesson.id)
    if following:
        return redirect(url_for("content.lesson", module_id=module.id, lesson_id=following))
    return redirect(url_for("content.module", module_id=module.id))


@bp.get("/pages/<page_id>")
def page(page_id: str):
    page = current_catalog().pages.get(page_id)
    if page is None:
        abort(404)
    return render_template("content/page.html", page=page, lang=current_language())
