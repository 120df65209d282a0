"""Lesson images for course admins: the list and the upload (OUT-8). Served by course/authoring/media.py.

Web layer, admin only (the blueprint's staff check; no view here is @trainer_allowed). The
upload is checked whole by course/content/image_files.py and saved as a draft revision of
`content/images/<name>`; learners see it once the course is published. The GIFT import
(course/authoring/gift_import.py) registers its routes on this blueprint too.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.access import staff_required
from course.authoring.image_store import ImageExists, image_list, store_image
from course.authoring.services import InvalidRevision, StaleRevision
from course.authoring.upload_forms import ImageUploadForm
from course.content.image_files import ImageRefused, megabytes
from course.content.images import IMAGE_DIR, LINK_PREFIX
from course.extensions import db
from course.security import upload_limit
from course.unit_of_work import reads, writes

bp = Blueprint("authoring_media", __name__, url_prefix="/admin/content")
bp.before_request(staff_required)
log = logging.getLogger("frontline.authoring")


@bp.errorhandler(413)
def too_large(_error):
    """The upload is over its limit: back to its form, saying what the limit is (OUT-7)."""
    if (request.endpoint or "").startswith("authoring_media.gift"):
        limit = f"{current_app.config['GIFT_MAX_BYTES'] / 1_000_000:g}"  # 5 MB, as `import-gift` says
        flash(_("The file is larger than %(limit)s MB. Split it into smaller files.", limit=limit), "error")
        return redirect(url_for("authoring_media.gift_form"), 303)
    limit = megabytes(current_app.config["IMAGE_MAX_BYTES"])
    flash(_("The image is larger than %(limit)s MB. Make it smaller and upload it again.", limit=limit), "error")
    return redirect(url_for("authoring_media.images"), 303)


def _page(form: ImageUploadForm, status: int = 200):
    snippet = _("What the image shows")
    rows = [(name, url, live, f"![{snippet}]({LINK_PREFIX}{name})") for name, url, live in image_list(db.session)]
    limit = megabytes(current_app.config["IMAGE_MAX_BYTES"])
    return render_template("authoring/images.html", form=form, rows=rows, limit_mb=limit, folder=IMAGE_DIR), status


def _refusal(error: Exception) -> tuple[str, int]:
    """What the admin reads when an upload is not saved, and the status of that page."""
    if isinstance(error, ImageExists):
        message = _(
            "There is already an image called %(name)s. Tick “Replace” to upload a new version, or rename the file.",
            name=error.name,
        )
        return message, 409
    if isinstance(error, ImageRefused | InvalidRevision):
        reason = _(error.message).format(**error.params)
        return _("The image was not saved: %(reason)s.", reason=reason), 400
    return _("The image was not saved: %(reason)s.", reason=_("someone saved it at the same moment")), 409


@bp.get("/images")
@reads
def images():
    return _page(ImageUploadForm())


@bp.post("/images")
@upload_limit("IMAGE_MAX_BYTES")
@writes
def upload_image():
    """Check and save one image as a draft; the page says the name to write in lessons."""
    form = ImageUploadForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose an image file."), "error")
        return _page(form, 400)
    limit = current_app.config["IMAGE_MAX_BYTES"]
    data = upload.read(limit + 1)
    try:
        stored = store_image(db.session, current_user.id, upload.filename, data, limit, replace=form.replace.data)
    except (ImageRefused, ImageExists, StaleRevision, InvalidRevision) as refused:
        db.session.rollback()
        message, status = _refusal(refused)
        flash(message, "error")
        return _page(form, status)
    db.session.commit()
    log.info("image uploaded", extra={"event": "image_uploaded", "actor_id": current_user.id, "target": stored.name})
    if stored.changed:
        flash(_("Saved as %(name)s, a draft: learners see it after the next publish.", name=stored.name), "success")
    else:
        flash(
            _("%(name)s is already in the course with exactly this content: nothing changed.", name=stored.name), "info"
        )
    return redirect(url_for("authoring_media.images"), 303)
