"""Lesson images as course files: store an upload as a draft revision, find one to serve (OUT-8).

Use case: takes the session and the acting admin's id, flushes through the content store
(course/authoring/services.py), never commits. Images are revisions of `content/images/<name>`
like every course file, so they are published with the release, kept in its history and
served by every app host from the database: nothing is written to disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from course.authoring import services as store
from course.content.image_files import CheckedImage, check_image, image_name
from course.content.images import IMAGE_DIR, image_path, media_url


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


def is_image_path(path: str) -> bool:
    return path.startswith(IMAGE_DIR)
