"""Lesson images as course files: store an upload as a draft revision, find one to serve (OUT-8).

Use case: takes the session and the acting admin's id, flushes through the content store
(course/authoring/services.py), never commits. Images are revisions of `content/images/<name>`
like every course file, so they are published with the release, kept in its history and
served by every app host from the database: nothing is written to disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from course.authoring import services as store
from course.authoring.models import ContentRelease, ContentReleaseFile, ContentRevision
from course.content.image_files import CheckedImage, check_image, image_name
from course.content.images import IMAGE_DIR, image_path, image_urls, media_url
from course.extensions import Session


class ImageExists(Exception):
    """An image of this name is in the course and the admin did not ask to replace it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True, slots=True)
class StoredImage:
    name: str
    url: str
    image: CheckedImage
    changed: bool  # False: the very same bytes were already there, nothing was saved


def store_image(
    session: Session, author_id: int, filename: str, data: bytes, max_bytes: int, *, replace: bool
) -> StoredImage:
    """Check the upload whole (ImageRefused), name it safely and save it as a draft revision."""
    image = check_image(data, max_bytes)
    name = image_name(filename, image.kind)
    current = store.head(session, image_path(name))
    live = current is not None and not current.deleted
    stored = StoredImage(name, media_url(data, image.kind), image, True)
    if live and current is not None and current.sha256 == hashlib.sha256(data).hexdigest():
        return StoredImage(name, stored.url, image, False)
    if live and not replace:
        raise ImageExists(name)
    store.save_revision(
        session,
        image_path(name),
        data,
        author_id=author_id,
        base_revision_id=current.id if current is not None else None,
        message=f"image {name} uploaded",
    )
    return stored


def served_image(session: Session, digest: str) -> tuple[str, bytes] | None:
    """The path and bytes of the image with this SHA-256, if it is served: the draft of some
    image (admins preview drafts) or part of the current release. A removed or replaced image
    stops being served once no draft or current release has it; history keeps it."""
    later = aliased(ContentRevision)
    newer_exists = exists().where(later.path == ContentRevision.path, later.number > ContentRevision.number)
    current = select(func.max(ContentRelease.id)).scalar_subquery()
    released = exists().where(
        ContentReleaseFile.revision_id == ContentRevision.id, ContentReleaseFile.release_id == current
    )
    query = (
        select(ContentRevision.path, ContentRevision.data)
        .where(ContentRevision.sha256 == digest, ContentRevision.path.startswith(IMAGE_DIR))
        .where(ContentRevision.deleted.is_(False), or_(~newer_exists, released))
        .limit(1)
    )
    row = session.execute(query).first()
    return (row.path, row.data) if row else None


def image_list(session: Session) -> list[tuple[str, str, bool]]:
    """Every image of the draft: (name, URL, published unchanged in the current release)."""
    drafts = image_urls(store.draft_files(session))
    published = set(image_urls(store.release_files(session)).values())
    return [(name, url, url in published) for name, url in sorted(drafts.items())]
