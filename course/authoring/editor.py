"""The editor's use cases: the list of files, saving one entry's two languages, creating from a
skeleton, publishing with the id guard. Plain functions over a session (no request, no commit).

Built on the store (course/authoring/services.py): a save is a new revision per changed file,
guarded by the revision the form was opened on, so a stale tab or a second click never
overwrites anyone's work; refusals carry everything the page needs to show both versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from course.authoring import services as store
from course.authoring.diff import Diff, diff_texts
from course.authoring.files import LANGUAGES, Entry, as_text, entries, from_form, parse_path, path_for, same_text
from course.authoring.hashes import files_hash
from course.authoring.ids import IdInUse, ids_taken_away
from course.authoring.models import ContentRelease, ContentRevision
from course.authoring.skeletons import NewEntry
from course.caches import LRU
from course.content.catalog import Catalog, build_catalog_from_files
from course.extensions import Session
from course.problems import Problem

# The draft's catalog per exact set of files: every editor page and preview shows the draft's
# problems, and building the whole course takes a noticeable moment; a save changes the key.
_DRAFTS: LRU[str, Catalog] = LRU(4)


def draft_catalog(session: Session) -> Catalog:
    """The draft built as learners would get it (store.check_draft), kept per draft content."""
    files = store.draft_files(session)
    return _DRAFTS.get_or_make(files_hash(files), lambda: build_catalog_from_files(files))


@dataclass(frozen=True, slots=True)
class Overview:
    entries: list[Entry]
    release: ContentRelease | None
    problems: tuple[Problem, ...]
    deleted: tuple[tuple[str, bool], ...] = ()  # (path, learners still see it) of deleted files


def overview(session: Session) -> Overview:
    """Every file of the draft with its state, the problems of the whole draft, the live release,
    and the deleted files (their history restores them)."""
    heads = store.draft_heads(session)
    draft = {path: rev.data for path, rev in sorted(heads.items()) if not rev.deleted}
    release = store.current_release(session)
    released = store.release_files(session) if release is not None else {}
    problems = tuple(draft_catalog(session).problems)
    deleted = tuple((path, path in released) for path, rev in sorted(heads.items()) if rev.deleted and parse_path(path))
    return Overview(entries(draft, released, problems), release, problems, deleted)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Someone saved this file since the form was opened: their version and how mine differs."""

    lang: str
    path: str
    theirs: ContentRevision | None
    diff: Diff  # theirs -> mine


class SaveRefused(Exception):
    def __init__(self, conflicts: list[Conflict] | None = None, ids: list[IdInUse] | None = None) -> None:
        super().__init__("save refused")
        self.conflicts, self.ids = conflicts or [], ids or []


@dataclass(frozen=True, slots=True)
class Posted:
    """What the edit form sent for one language file."""

    text: str
    base_revision_id: int | None


def save_entry(
    session: Session,
    kind: str,
    stem: str,
    posted: Mapping[str, Posted],
    *,
    author_id: int,
    message: str = "",
    now: datetime | None = None,
) -> list[ContentRevision]:
    """Save each changed language file of one entry as a new revision; all or nothing.

    A file whose text is what is stored already is skipped: a second click on Save (same base,
    same text) saves nothing and is not a conflict. Raises SaveRefused for a file changed by
    someone else since the form was opened, or for an id learners' records still name.
    """
    changed = _changed_files(session, kind, stem, posted)
    taken = ids_lost(session, {path: data for path, (_lang, data) in changed.items()})
    if taken:
        raise SaveRefused(ids=taken)
    return _save_all(session, changed, posted, author_id=author_id, message=message, now=now)


def _save_all(
    session: Session,
    changed: Mapping[str, tuple[str, bytes]],
    posted: Mapping[str, Posted],
    *,
    author_id: int,
    message: str,
    now: datetime | None,
) -> list[ContentRevision]:
    """Each changed file as a new revision on the base its form was opened on; SaveRefused
    with every conflict when any of them changed since."""
    saved, conflicts = [], []
    for path, (lang, data) in changed.items():
        try:
            saved.append(
                store.save_revision(
                    session,
                    path,
                    data,
                    author_id=author_id,
                    base_revision_id=posted[lang].base_revision_id,
                    message=message,
                    now=now,
                )
            )
        except store.StaleRevision as stale:
            theirs = stale.current
            conflicts.append(
                Conflict(lang, path, theirs, diff_texts(as_text(theirs.data if theirs else None), as_text(data)))
            )
    if conflicts:
        raise SaveRefused(conflicts=conflicts)
    return saved


def ids_lost(session: Session, changed: Mapping[str, bytes | None]) -> list[IdInUse]:
    """The ids learners' records name that these new texts (None: deleted) would take away
    from the current release; none before release 1."""
    released = store.release_files(session) if store.current_release_id(session) is not None else {}
    return ids_taken_away(session, released, changed)


def _changed_files(session: Session, kind: str, stem: str, posted: Mapping[str, Posted]) -> dict:
    """The language files whose posted text differs from the stored head: path -> (lang, bytes)."""
    changed = {}
    for lang in LANGUAGES:
        path, data = path_for(kind, stem, lang), from_form(posted[lang].text)
        current = store.head(session, path)
        if not same_text(None if current is None or current.deleted else current.data, data):
            changed[path] = (lang, data)
    return changed


def create_entry(
    session: Session, new: NewEntry, *, author_id: int, now: datetime | None = None
) -> list[ContentRevision]:
    """Save a skeleton's files as new revisions; refused when a file of that name exists."""
    existing = [path for path in new.files if (head := store.head(session, path)) is not None and not head.deleted]
    if existing:
        raise FileExistsError(existing[0])
    return [
        store.save_revision(session, path, data, author_id=author_id, base_revision_id=_base(session, path), now=now)
        for path, data in new.files.items()
    ]


def _base(session: Session, path: str) -> int | None:
    head = store.head(session, path)
    return head.id if head is not None else None


def publish(session: Session, *, author_id: int, message: str = "", now: datetime | None = None) -> ContentRelease:
    """Publish the draft; refused (SaveRefused with ids) when it would drop an id in use."""
    release = store.current_release(session)
    if release is not None:
        released, draft = store.release_files(session), store.draft_files(session)
        changed: dict[str, bytes | None] = {
            path: draft.get(path) for path in released if draft.get(path) != released[path]
        }
        taken = ids_taken_away(session, released, changed)
        if taken:
            raise SaveRefused(ids=taken)
    return store.publish(session, author_id=author_id, message=message, now=now)


@dataclass(frozen=True, slots=True)
class HistoryItem:
    revision: ContentRevision
    diff: Diff  # against the revision before it


def file_history(session: Session, path: str) -> list[HistoryItem]:
    """Every revision of one file, newest first, each with its diff against the one before."""
    revisions = store.history(session, path)
    items = []
    for index, revision in enumerate(revisions):
        before = revisions[index + 1] if index + 1 < len(revisions) else None
        old = "" if before is None or before.deleted else as_text(before.data)
        items.append(HistoryItem(revision, diff_texts(old, "" if revision.deleted else as_text(revision.data))))
    return items
