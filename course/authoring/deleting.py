"""Deleting an entry from the draft: a module, page, job aid or quiz, its uk and en files together.

Use-case layer: plain functions over a session (no request, no commit). A deletion is a new
revision per file marked deleted, so history is never rewritten and the history page's restore
brings a file back. It is a draft change like any other: learners keep the release until a
publish, and publishing checks the draft as always (a quiz left referring to a deleted module
blocks it, with the problem listed). Refused while learners' records name an id the files
declare (course/authoring/ids.py, the check id changes get), and guarded like a save by the
revision each file had when the confirmation was opened, so a stale tab never deletes a
version its admin has not seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from course.authoring import services as store
from course.authoring.editor import ids_lost
from course.authoring.files import LANGUAGES, path_for
from course.authoring.ids import IdInUse
from course.authoring.models import ContentRevision
from course.extensions import Session


@dataclass(frozen=True, slots=True)
class DoomedFile:
    """One file a deletion would remove: its latest saved (not deleted) revision."""

    lang: str
    path: str
    head: ContentRevision


class DeleteRefused(Exception):
    """Nothing was deleted: ids learners' records use, or files saved since the page was opened."""

    def __init__(self, ids: list[IdInUse] | None = None, stale: list[str] | None = None) -> None:
        super().__init__("delete refused")
        self.ids, self.stale = ids or [], stale or []


def doomed_files(session: Session, kind: str, stem: str) -> list[DoomedFile]:
    """The entry's files that exist in the draft: what a deletion would remove now."""
    files = []
    for lang in LANGUAGES:
        path = path_for(kind, stem, lang)
        head = store.head(session, path)
        if head is not None and not head.deleted:
            files.append(DoomedFile(lang, path, head))
    return files


def ids_in_use(session: Session, files: list[DoomedFile]) -> list[IdInUse]:
    """The ids these files declare in the current release that learners' records name."""
    return ids_lost(session, {f.path: None for f in files})


def delete_entry(
    session: Session,
    kind: str,
    stem: str,
    bases: Mapping[str, int | None],
    *,
    author_id: int,
    message: str = "",
    now: datetime | None = None,
) -> list[ContentRevision]:
    """Delete the entry's files from the draft, each as a new deleted revision; all or nothing.

    Returns [] when every file is deleted already (a second click, or another admin first).
    Raises DeleteRefused for a file saved since `bases[lang]` (the revision the admin saw) or
    for ids learners' records name."""
    live = doomed_files(session, kind, stem)
    stale = [f.path for f in live if f.head.id != bases.get(f.lang)]
    if stale:
        raise DeleteRefused(stale=stale)
    taken = ids_in_use(session, live)
    if taken:
        raise DeleteRefused(ids=taken)
    deleted = []
    for f in live:
        try:
            revision = store.save_revision(
                session,
                f.path,
                b"",
                author_id=author_id,
                base_revision_id=f.head.id,
                message=message,
                deleted=True,
                now=now,
            )
        except store.StaleRevision:  # saved at this very moment, after the check above
            raise DeleteRefused(stale=[f.path]) from None
        deleted.append(revision)
    return deleted
