"""Import a Moodle GIFT file in the browser: upload, dry run, confirm (admins only).

Web layer on the authoring_media blueprint (course/authoring/uploads.py). The dry run writes
nothing: it lists every question that cannot be converted, by line, and shows the quiz file
the rest becomes. Its result travels to the confirmation as a token signed with the app's
secret key (bound to the admin, valid for an hour, holding the converted text and the revision
it would replace), so what is saved is byte for byte what was previewed, any app host can
confirm it, and nothing is kept on the server in between; the browser cannot refill a file
field, so asking for the file again would also risk a different file. The confirmation saves
a draft revision, never a release: the quiz reaches learners when the course is published.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it

from course.authoring import services as store
from course.authoring.gift_upload import DryRun, dry_run, save_draft
from course.authoring.upload_forms import GiftConfirmForm, GiftImportForm
from course.authoring.uploads import bp
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
from course.problems import sort_problems
from course.security import upload_limit
from course.unit_of_work import reads, writes

log = logging.getLogger("frontline.authoring")
TOKEN_SALT = "frontline-gift-import"  # noqa: S105 - a namespace for the signature, not a secret
TOKEN_MAX_AGE = 3600  # seconds: a dry run older than this is checked again


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def _form() -> GiftImportForm:
    form = GiftImportForm()
    lang = current_language()
    modules = [SelectChoice(m.id, f"{m.id}: {m.title.get(lang) or m.title['uk']}") for m in current_catalog().modules]
    form.module.choices = [SelectChoice("", _("No module (a final or extra quiz)"))] + modules
    return form


def _page(form: GiftImportForm, status: int = 200, run: DryRun | None = None, token: str = ""):
    limit = f"{current_app.config['GIFT_MAX_BYTES'] / 1_000_000:g}"  # 5 MB, as `import-gift` says
    problems = [(p.line, p.render(_)) for p in sort_problems(run.refusals + run.result.problems)] if run else []
    warnings = [(p.line, p.render(_)) for p in sort_problems(run.result.warnings)] if run else []
    confirm = GiftConfirmForm(token=token) if token else None
    context = {"run": run, "problems": problems, "warnings": warnings, "confirm": confirm, "limit_mb": limit}
    return render_template("authoring/gift_import.html", form=form, **context), status


@bp.get("/gift")
@reads
def gift_form():
    return _page(_form())


@bp.post("/gift")
@upload_limit("GIFT_MAX_BYTES")
@reads
def gift_check():
    """The dry run: nothing is saved, whatever the file holds."""
    form = _form()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        if upload is None or not upload.filename:
            flash(_("Choose a GIFT file."), "error")
        return _page(form, 400)
    raw = upload.read(current_app.config["GIFT_MAX_BYTES"] + 1)
    title = (form.title.data or "").strip() or None
    quiz_id, module = form.quiz_id.data or "", form.module.data or None
    run = dry_run(db.session, raw, upload.filename, quiz_id, form.lang.data, module, title)
    token = ""
    if run.can_save:
        payload = {"user": current_user.id, "path": run.path, "text": run.result.text, "base": run.base_revision_id}
        token = _serializer().dumps({**payload, "source": run.source})
    return _page(form, 200 if run.can_save else 422, run, token)


@bp.post("/gift/confirm")
@upload_limit("GIFT_MAX_BYTES")
@writes
def gift_confirm():
    """Save the previewed conversion as a draft of its quiz file."""
    form = GiftConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        payload = _serializer().loads(form.token.data or "", max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        flash(_("This check is more than an hour old. Check the file again."), "error")
        return redirect(url_for("authoring_media.gift_form"), 303)
    except BadSignature:
        abort(400)
    if payload.get("user") != current_user.id:
        abort(400)
    try:
        save_draft(db.session, current_user.id, payload["path"], payload["text"], payload["base"], payload["source"])
    except store.StaleRevision:
        db.session.rollback()
        flash(_("%(path)s was changed since you checked the file. Check it again.", path=payload["path"]), "error")
        return redirect(url_for("authoring_media.gift_form"), 303)
    db.session.commit()
    log.info("gift imported", extra={"event": "gift_imported", "actor_id": current_user.id, "target": payload["path"]})
    flash(
        _(
            "Saved as a draft of %(path)s. Check it and publish the course to show it to learners.",
            path=payload["path"],
        ),
        "success",
    )
    return redirect(url_for("authoring_media.gift_form"), 303)
