"""Content store tables: every saved version of every course file, and published releases.

Persistence layer: `db` and core types only. History is never rewritten: a revision row is
written once and never updated or deleted; a deletion is a new revision marked `deleted`, a
restore is a new revision with an old one's bytes. A release is a manifest (path -> revision)
plus the hashes of everything it contains, so the content hash an attempt or a certificate
stored finds the release it was taken on.

Revision numbers count per path (`number`, unique with the path): two saves on the same base
cannot both land, on either engine (the second fails the unique index, course/authoring/
services.py turns that into StaleRevision). Release ids are the release numbers 1, 2, ...,
given explicitly, so two processes publishing (or seeding release 1) at once cannot both win.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import Model


class ContentRevision(Model):
    """One saved version of one file (a draft until a release names it)."""

    __tablename__ = "content_revision"
    __table_args__ = (Index("uq_content_revision_path_number", "path", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the path
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    deleted: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("content_revision.id"))


class ContentRelease(Model):
    """One published course; `id` is the release number."""

    __tablename__ = "content_release"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # SHA-256 over the sorted `path sha256` lines of the manifest: the course's files exactly.
    content_hash: Mapped[str] = mapped_column(String(64))


class ContentReleaseFile(Model):
    """The manifest: which revision of each path a release serves."""

    __tablename__ = "content_release_file"

    release_id: Mapped[int] = mapped_column(ForeignKey("content_release.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(200), primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("content_revision.id"), index=True)


class ContentReleaseHash(Model):
    """Every content hash a release contains (the release's own, each module's, page's, job
    aid's and quiz's, and the course version certificates record), by hash first."""

    __tablename__ = "content_release_hash"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("content_release.id"), primary_key=True)
