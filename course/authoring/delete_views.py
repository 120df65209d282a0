"""Deleting a module, page, job aid or quiz from the editor (issue 12), on the editor's blueprint.

Web layer, thin: the use case is course/authoring/deleting.py. A GET shows what will go (both
language files, their last saved versions, the ids they declare) with a plain form; the POST
(CSRF, no JavaScript needed) is `@writes` and redirects (POST, redirect, GET). A second click
lands on the list with "already deleted"; a stale confirmation is refused like a stale save.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.authoring import deleting
from course.authoring import services as store
from course.authoring.files import LANGUAGES, is_entry, path_for
from course.authoring.forms import DeleteForm, base_id
from course.authoring.views import bp
from course.clock import utcnow
from course.extensions import db
from course.unit_of_work import reads, writes


def _known_or_404(kind: str, stem: str) -> None:
    """404 unless the entry was ever saved (a deleted one is known: a second click is no error)."""
    if not is_entry(kind, stem):
        abort(404)
    if all(store.head(db.session, path_for(kind, stem, lang)) is None for lang in LANGUAGES):
        abort(404)


def _already_deleted():
    flash(_("This is already deleted from the draft: nothing changed."), "info")
    return redirect(url_for(".index"), 303)


def _confirm_page(
    kind: str, stem: str, refusal: deleting.DeleteRefused | None = None, status: int = 200, message: str = ""
):
    """What will go, and the form holding the revision of each file shown (the stale guard);
    a note typed before a refusal is kept."""
    files = deleting.doomed_files(db.session, kind, stem)
    if not files:
        return _already_deleted()
    bases = {f"base_{f.lang}": str(f.head.id) for f in files}
    page = render_template(
        "authoring/delete.html",
        kind=kind,
        stem=stem,
        files=files,
        in_use=deleting.ids_in_use(db.session, files),
        form=DeleteForm(formdata=None, message=message, **bases),
        refusal=refusal,
        release=store.current_release(db.session),
    )
    return page, status


@bp.get("/files/<kind>/<stem>/delete")
@reads
def delete_form(kind: str, stem: str):
    """The confirmation: what a deletion removes from the draft, or why it cannot."""
    _known_or_404(kind, stem)
    return _confirm_page(kind, stem)


@bp.post("/files/<kind>/<stem>/delete")
@writes
def delete(kind: str, stem: str):
    """Delete the entry's files from the draft (a new revision each); learners see it on publish."""
    _known_or_404(kind, stem)
    form = DeleteForm()
    if not form.validate_on_submit():
        flash(_("The note is too long (300 characters at most)."), "error")
        return _confirm_page(kind, stem, status=400, message=form.message.data or "")
    bases = {lang: base_id(form[f"base_{lang}"].data) for lang in LANGUAGES}
    try:
        deleted = deleting.delete_entry(
            db.session, kind, stem, bases, author_id=current_user.id, message=form.message.data or "", now=utcnow()
        )
    except deleting.DeleteRefused as refused:
        db.session.rollback()
        return _confirm_page(kind, stem, refused, 409, form.message.data or "")
    db.session.commit()
    if not deleted:
        return _already_deleted()
    flash(
        _(
            "Deleted from the draft. Learners still see it until you publish. Its history keeps every version:"
            " restore it from there if you change your mind."
        ),
        "success",
    )
    return redirect(url_for(".index"), 303)
