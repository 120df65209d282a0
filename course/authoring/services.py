"""The content store's use cases: save a draft, history, restore, check, publish, find a release.

Use-case layer: core, models and a session passed in; never commits, never locks (the view or
command declares its unit of work, course/unit_of_work.py). Drafts may hold problems and never
reach learners; publishing builds the whole draft with the checks `content check` runs and
refuses with every problem, or writes one release (manifest and hash index) in the caller's
transaction, so a release is all there or not at all.

Saving bytes identical to the file's latest revision is a no-op that returns that revision:
an editor form posts both languages, and a "save" of an unchanged file is not news worth a
line in the history (nor a refusal: nothing is wrong). Publishing a draft identical to the
current release likewise returns the current release.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from course.authoring.hashes import catalog_hashes, files_hash
from course.authoring.models import ContentRelease, ContentReleaseFile, ContentReleaseHash, ContentRevision
from course.content.catalog import Catalog, build_catalog_from_files
from course.content.files import is_course_path
from course.extensions import Session
from course.problems import N_, Problem

MAX_REVISION_BYTES = 8 * 1024 * 1024  # the loader refuses Markdown over 1 MB; images are checked on upload
MAX_MESSAGE_CHARS = 500


class StaleRevision(Exception):
    """The file changed since the revision the save was based on; `current` is its head now."""

    def __init__(self, current: ContentRevision | None) -> None:
        super().__init__("the file was changed since this edit began")
        self.current = current


class PublishRefused(Exception):
    """The draft (or the imported files) has problems; nothing was published."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class PublishConflict(Exception):
    """Another process published a release at the same moment; this one was not made."""


class InvalidRevision(ValueError):
    """A save the store refuses outright (a path no course file may have, too large...)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def head(session: Session, path: str) -> ContentRevision | None:
    """The latest saved revision of `path` (the draft), deleted or not; None if never saved."""
    query = select(ContentRevision).where(ContentRevision.path == path).order_by(ContentRevision.number.desc())
    return session.scalars(query.limit(1)).first()


def draft_heads(session: Session) -> dict[str, ContentRevision]:
    """The latest revision of every path ever saved, deleted ones included."""
    latest = select(ContentRevision.path, func.max(ContentRevision.number).label("number")).group_by(
        ContentRevision.path
    )
    latest_sub = latest.subquery()
    query = select(ContentRevision).join(
        latest_sub,
        (ContentRevision.path == latest_sub.c.path) & (ContentRevision.number == latest_sub.c.number),
    )
    return {revision.path: revision for revision in session.scalars(query)}


def draft_files(session: Session) -> dict[str, bytes]:
    """The draft course: the head of every path that is not deleted."""
    return {path: rev.data for path, rev in sorted(draft_heads(session).items()) if not rev.deleted}


def current_release_id(session: Session) -> int | None:
    """The newest release's number: the one cheap read each process makes to notice a publish."""
    return session.scalar(select(func.max(ContentRelease.id)))


def current_release(session: Session) -> ContentRelease | None:
    """The release learners are served: the newest."""
    return session.scalars(select(ContentRelease).order_by(ContentRelease.id.desc()).limit(1)).first()


def release_files(session: Session, release_id: int | None = None) -> dict[str, bytes]:
    """The files of release `release_id` (None: the current one); {} when there is none."""
    if release_id is None:
        release_id = current_release_id(session)
        if release_id is None:
            return {}
    query = (
        select(ContentReleaseFile.path, ContentRevision.data)
        .join(ContentRevision, ContentRevision.id == ContentReleaseFile.revision_id)
        .where(ContentReleaseFile.release_id == release_id)
        .order_by(ContentReleaseFile.path)
    )
    return {path: data for path, data in session.execute(query)}


def releases(session: Session) -> list[ContentRelease]:
    """Every release, newest first."""
    return list(session.scalars(select(ContentRelease).order_by(ContentRelease.id.desc())))


def save_revision(
    session: Session,
    path: str,
    data: bytes,
    *,
    author_id: int | None,
    base_revision_id: int | None,
    message: str = "",
    deleted: bool = False,
    now: datetime | None = None,
) -> ContentRevision:
    """Save a new draft revision of `path`, based on `base_revision_id` (None: a new file).

    Raises StaleRevision when the file's head is no longer that revision (someone saved since),
    InvalidRevision for a path no course file may have or bytes over the limit. Bytes (and the
    deleted flag) equal to the head's return the head unchanged: nothing is recorded."""
    _check(path, data, deleted)
    current = head(session, path)
    if current is not None and current.deleted == deleted and (deleted or current.data == data):
        return current
    if (current.id if current else None) != base_revision_id:
        raise StaleRevision(current)
    if deleted and (current is None or current.deleted):
        raise InvalidRevision(N_("the file {path} does not exist"), path=path)
    return _insert(session, path, b"" if deleted else data, current, author_id, message, deleted, _now(now))


def _check(path: str, data: bytes, deleted: bool) -> None:
    if not is_course_path(path):
        raise InvalidRevision(N_("'{path}' is not a place for a course file"), path=path)
    if len(data) > MAX_REVISION_BYTES:
        raise InvalidRevision(N_("the file {path} is larger than 8 MB"), path=path)


def _insert(
    session: Session,
    path: str,
    data: bytes,
    parent: ContentRevision | None,
    author_id: int | None,
    message: str,
    deleted: bool,
    now: datetime,
) -> ContentRevision:
    revision = ContentRevision(
        path=path,
        number=(parent.number if parent else 0) + 1,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        deleted=deleted,
        author_id=author_id,
        message=message.strip()[:MAX_MESSAGE_CHARS],
        created_at=now,
        parent_id=parent.id if parent else None,
    )
    try:
        with session.begin_nested():  # a simultaneous save on the same base took this number
            session.add(revision)
    except IntegrityError:
        raise StaleRevision(head(session, path)) from None
    return revision


def history(session: Session, path: str) -> list[ContentRevision]:
    """Every revision of `path`, newest first."""
    query = select(ContentRevision).where(ContentRevision.path == path).order_by(ContentRevision.number.desc())
    return list(session.scalars(query))


def revision(session: Session, revision_id: int) -> ContentRevision | None:
    return session.get(ContentRevision, revision_id)


def restore(
    session: Session, revision_id: int, *, author_id: int | None, now: datetime | None = None
) -> ContentRevision:
    """Make `revision_id`'s bytes the file's draft again, as a new revision (history stays)."""
    old = session.get(ContentRevision, revision_id)
    if old is None:
        raise InvalidRevision(N_("revision {id} does not exist"), id=revision_id)
    current = head(session, old.path)
    message = f"restored revision {old.number}"
    return save_revision(
        session,
        old.path,
        old.data,
        author_id=author_id,
        base_revision_id=current.id if current else None,
        message=message,
        deleted=old.deleted,
        now=now,
    )


def release_revisions(session: Session, release_id: int | None = None) -> dict[str, int]:
    """Path -> revision id of release `release_id` (None: the current one); {} when none."""
    if release_id is None:
        release_id = current_release_id(session)
    query = select(ContentReleaseFile.path, ContentReleaseFile.revision_id).where(
        ContentReleaseFile.release_id == release_id
    )
    return {path: revision_id for path, revision_id in session.execute(query)}


def unpublished_paths(session: Session) -> list[str]:
    """Paths whose draft differs from the current release: changed, added or deleted (by
    bytes: a change undone by hand or by a restore is no longer unpublished)."""
    published = release_revisions(session)
    query = select(ContentRevision.id, ContentRevision.sha256).where(ContentRevision.id.in_(published.values()))
    shas = {revision_id: sha for revision_id, sha in session.execute(query)}
    released = {path: shas[revision_id] for path, revision_id in published.items()}
    drafted = {path: rev.sha256 for path, rev in draft_heads(session).items() if not rev.deleted}
    return sorted(p for p in set(released) | set(drafted) if released.get(p) != drafted.get(p))


def discard(session: Session, path: str, *, author_id: int | None, now: datetime | None = None) -> ContentRevision:
    """Drop the draft changes of `path`: its current release's bytes (or its deletion, for a
    file the release does not have) as a new revision."""
    current = head(session, path)
    if current is None:
        raise InvalidRevision(N_("the file {path} does not exist"), path=path)
    published = release_revisions(session).get(path)
    old = session.get(ContentRevision, published) if published else None
    data, deleted = (old.data, False) if old is not None else (b"", True)
    return save_revision(
        session,
        path,
        data,
        author_id=author_id,
        base_revision_id=current.id,
        message="discarded",
        deleted=deleted,
        now=now,
    )


def check_draft(session: Session) -> Catalog:
    """The draft built as learners would get it, with every problem `content check` reports."""
    return build_catalog_from_files(draft_files(session))


def publish(
    session: Session, *, author_id: int | None, message: str = "", now: datetime | None = None
) -> ContentRelease:
    """Publish the draft as the next release, or raise PublishRefused with every problem.

    A draft identical to the current release returns the current release (no new one).
    PublishConflict: another process made the next release first (the caller retries)."""
    heads = {path: rev for path, rev in draft_heads(session).items() if not rev.deleted}
    files = {path: rev.data for path, rev in heads.items()}
    current = current_release(session)
    digest = files_hash(files)
    if current is not None and current.content_hash == digest:
        return current
    catalog = build_catalog_from_files(files)
    if catalog.problems:
        raise PublishRefused(catalog.problems)
    release = ContentRelease(
        id=(current.id if current else 0) + 1,
        author_id=author_id,
        message=message.strip()[:MAX_MESSAGE_CHARS],
        created_at=_now(now),
        content_hash=digest,
    )
    try:
        with session.begin_nested():
            session.add(release)
            session.flush()
    except IntegrityError:
        raise PublishConflict() from None
    session.add_all(ContentReleaseFile(release_id=release.id, path=p, revision_id=r.id) for p, r in heads.items())
    hashes = catalog_hashes(catalog) | {digest}
    session.add_all(ContentReleaseHash(content_hash=h, release_id=release.id) for h in sorted(hashes))
    session.flush()
    return release


def release_of_hash(session: Session, content_hash: str, at: datetime | None = None) -> ContentRelease | None:
    """The release a stored content hash was taken on: the first release holding it, or with
    `at` (the attempt's or certificate's time) the newest release holding it made by then."""
    holding = select(ContentReleaseHash.release_id).where(ContentReleaseHash.content_hash == content_hash)
    query = select(ContentRelease).where(ContentRelease.id.in_(holding))
    if at is not None:
        later = query.where(ContentRelease.created_at <= at).order_by(ContentRelease.id.desc())
        found = session.scalars(later.limit(1)).first()
        if found is not None:
            return found
    return session.scalars(query.order_by(ContentRelease.id).limit(1)).first()


def import_files(
    session: Session,
    files: Mapping[str, bytes],
    *,
    author_id: int | None,
    message: str = "",
    now: datetime | None = None,
) -> ContentRelease:
    """Make `files` (a whole course) the draft and publish it: paths not in `files` are deleted.
    PublishRefused lists every problem (paths the store refuses included); the caller then
    saves nothing (its unit of work rolls back)."""
    refused = tuple(
        Problem(path, 1, N_("'{path}' is not a place for a course file"), {"path": path})
        for path in sorted(files)
        if not is_course_path(path)
    )
    wanted = {path: data for path, data in files.items() if is_course_path(path)}
    if refused:
        catalog = build_catalog_from_files(wanted)
        raise PublishRefused(refused + catalog.problems)
    moment = _now(now)
    heads = draft_heads(session)
    for path, gone in sorted(heads.items()):
        if path not in wanted and not gone.deleted:
            _insert(session, path, b"", gone, author_id, message, True, moment)
    for path, data in sorted(wanted.items()):
        _check(path, data, False)
        previous = heads.get(path)
        if previous is None or previous.deleted or previous.data != data:
            _insert(session, path, data, previous, author_id, message, False, moment)
    return publish(session, author_id=author_id, message=message, now=moment)


def seed_release(session: Session, files: Mapping[str, bytes], *, now: datetime | None = None) -> ContentRelease | None:
    """Release 1 from the bundled files when the store has no release yet; None otherwise.
    Two processes seeding at once: one makes release 1, the other gets PublishConflict."""
    if current_release_id(session) is not None:
        return None
    return import_files(session, files, author_id=None, message="release 1: the course files", now=now)
