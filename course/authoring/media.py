"""`/media/<sha256>.<ext>`: course images, served from the database by every app host (OUT-8).

Public, like the lesson preview that shows them. The URL is the SHA-256 of the bytes, so it can
be cached for a year (`immutable`): a new version of an image is a new URL. The type is the
one its bytes were checked to be at upload and is checked again here; `nosniff` and
`Content-Disposition: inline` with the stored (safe) name go with every image.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from course.access import public
from course.authoring.image_store import served_image
from course.content.images import IMAGE_DIR, MEDIA_NAME, NAME, kind_of
from course.extensions import db
from course.security import shared_cache
from course.unit_of_work import reads

bp = Blueprint("media", __name__)
YEAR = 365 * 24 * 3600


@bp.get("/media/<name>")
@public
@shared_cache
@reads
def image(name: str):
    match = MEDIA_NAME.match(name)
    if match is None:
        abort(404)
    found = served_image(db.session, match["digest"])
    kind = kind_of(found[1]) if found else None
    if found is None or kind is None or kind.ext != match["ext"]:
        abort(404)
    path, data = found
    stored = path[len(IMAGE_DIR) :]
    filename = stored if NAME.match(stored) else f"image.{kind.ext}"
    response = Response(data, mimetype=kind.mime)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.set_etag(match["digest"])
    return response.make_conditional(request)
