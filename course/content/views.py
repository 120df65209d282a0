"""Course overview, module, lesson, page and job-aid views. Thin: the catalog holds rendered HTML."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import escape

from course.access import public
from course.accounts.forms import EmptyForm
from course.certificates.views import issue_on_completion
from course.clock import utcnow
from course.content.access import current_catalog, is_preview, lesson_or_404, module_or_404
from course.content.catalog import Catalog
from course.content.job_aids import JobAidSheet, render_pdf, sheet_html
from course.content.pages import lesson_page
from course.content.paths import lesson_path
from course.extensions import db
from course.i18n import current_language
from course.progress.rules import next_lesson
from course.progress.services import lesson_is_read, mark_read, read_lessons
from course.unit_of_work import reads, writes

bp = Blueprint("content", __name__)


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)


@bp.app_template_filter("scroll_tables")
def scroll_tables(html: str) -> str:
    """Each table of sanitised course HTML in a marked, focusable scroll region with a hint, so
    on a 360 px phone the last column is reached by scrolling the table (keyboard too), not
    lost, and a screen reader hears what the region is (issue 16). Runs once per kept page."""
    hint = _("Table: scroll it sideways to see every column.")

    def wrap(match: re.Match) -> str:
        return (
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(hint)}">'
            f'<p class="table-hint" aria-hidden="true">{escape(hint)}</p><table>{match.group(1)}</table></div>'
        )

    return _TABLE.sub(wrap, str(html))  # still sanitised course HTML, marked safe in the template


@bp.get("/")
@public
@reads
def overview():
    return render_template("content/overview.html", catalog=current_catalog(), lang=current_language())


@bp.get("/modules/<module_id>")
@public  # the preview: see course/content/access.py
@reads
def module(module_id: str):
    module = module_or_404(module_id)
    user = current_user._get_current_object()
    read = read_lessons(db.session, user.id, module.id) if user.is_authenticated else set()
    return render_template(
        "content/module.html",
        module=module,
        read=read,
        lang=current_language(),
        job_aid=current_catalog().job_aids.get(module.id),
    )


@bp.get("/modules/<module_id>/<lesson_id>")
@public  # each module's first lesson only; the others send a visitor to log in
@reads
def lesson(module_id: str, lesson_id: str):
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    user = current_user._get_current_object()
    if not user.is_authenticated:
        if not is_preview(module, lesson.id):
            return redirect(url_for("accounts.login", next=lesson_path(module.id, lesson.id)))
        return lesson_page(module, lesson, current_language(), False, False, visitor=True)
    is_read = lesson_is_read(db.session, user.id, module.id, lesson.id)
    return lesson_page(module, lesson, current_language(), is_read, user.is_admin)


@bp.post("/modules/<module_id>/<lesson_id>/read")
@writes
def mark_lesson_read(module_id: str, lesson_id: str):
    """The lesson's last button: record it as read, then go on (POST, redirect, GET)."""
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if mark_read(db.session, current_user, module, lesson.id, utcnow()):
        issue_on_completion()
    db.session.commit()
    following = next_lesson(module, lesson.id)
    if following:
        return redirect(url_for("content.lesson", module_id=module.id, lesson_id=following))
    return redirect(url_for("content.module", module_id=module.id))


@bp.get("/pages/<page_id>")
@public  # the glossary and other reference pages
@reads
def page(page_id: str):
    page = current_catalog().pages.get(page_id)
    if page is None:
        abort(404)
    return render_template("content/page.html", page=page, lang=current_language())


@bp.get("/modules/<module_id>/job-aid")
@public  # the printed sheet's "current version" link opens for whoever holds the paper
@reads
def job_aid(module_id: str):
    """The module's job aid as a web page; printing it gives the same one A4 sheet as the PDF."""
    module = module_or_404(module_id)
    sheet = job_aid_sheet(current_catalog(), module.id, current_language())
    return render_template(
        "content/job_aid.html", module=module, sheet=sheet, sheet_html=sheet_html(sheet), lang=current_language()
    )


@bp.get("/modules/<module_id>/job-aid.pdf")
@public
@reads
def job_aid_pdf(module_id: str):
    """The job aid as an A4 PDF, rendered once per content version and language."""
    module = module_or_404(module_id)
    sheet = job_aid_sheet(current_catalog(), module.id, current_language())
    stylesheet = (Path(current_app.static_folder or "") / "job-aid.css").read_text(encoding="utf-8")
    fonts = Path(current_app.config["CERTIFICATES_DIR"]) / "fonts"
    printed = render_pdf(sheet, stylesheet, fonts, current_app.config["BASE_URL"])
    name = f"frontline-{module.id}-job-aid-{sheet.lang}.pdf"
    return send_file(BytesIO(printed.pdf), mimetype="application/pdf", as_attachment=True, download_name=name)


def job_aid_sheet(catalog: Catalog, module_id: str, lang: str) -> JobAidSheet:
    """What the job aid prints: its text, the module it belongs to, and where it came from
    (from the served catalog, or a draft's for the editor's preview)."""
    module, aid = catalog.module(module_id), catalog.job_aids.get(module_id)
    if module is None or aid is None:
        abort(404)
    number = catalog.modules.index(module) + 1
    title = module.text("title", lang)
    version = aid.content_hash[:12]
    address = current_app.config["BASE_URL"] + url_for("content.job_aid", module_id=module.id)
    return JobAidSheet(
        id=aid.id,
        lang=lang,
        title=aid.text("title", lang),
        kicker=_("Frontline · Module %(number)s: %(title)s", number=number, title=title),
        body_html=aid.text("html", lang),
        footer=_("Version %(version)s. The current version: %(address)s", version=version, address=address),
        content_hash=aid.content_hash,
    )
