"""The browser's GIFT import: a dry run of an uploaded file, then the draft it confirms.

Use case: takes the session, never commits. The conversion is course.quizzes.gift_convert's
`import_gift_bytes`, the very code `flask quizzes import-gift` runs, so the browser and the
command line convert alike and list the same questions as not convertible, by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from course.authoring import services as store
from course.extensions import Session
from course.problems import N_, Problem
from course.quizzes.gift_convert import ImportResult, import_gift_bytes

UNSAFE_NAME = re.compile(r"[^\w .()-]+")


@dataclass(frozen=True, slots=True)
class DryRun:
    path: str  # the quiz file it would be saved as
    source: str  # the uploaded file's name, as problems show it
    result: ImportResult
    base_revision_id: int | None  # the draft it would replace (None: a new quiz file)
    replaces: bool
    refusals: list[Problem] = field(default_factory=list)

    @property
    def can_save(self) -> bool:
        return self.result.text is not None and not self.refusals


def shown_name(filename: str) -> str:
    """The upload's own name, without folders or odd characters, for `name:line: message`."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return UNSAFE_NAME.sub("_", base).strip()[:80] or "upload.gift"


def dry_run(
    session: Session, raw: bytes, filename: str, quiz_id: str, lang: str, module: str | None, title: str | None
) -> DryRun:
    """Convert without saving anything: every question not converted is a problem at its line."""
    source = shown_name(filename)
    path = f"quizzes/{quiz_id}.{lang}.md"
    current = store.head(session, path)
    base = current.id if current is not None else None
    replaces = current is not None and not current.deleted
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        empty = Problem(source, 1, N_("the file is empty"))
        return DryRun(path, source, ImportResult(None, 0, [empty]), base, replaces, [empty])
    result = import_gift_bytes(raw, source, quiz_id, lang, module, title)
    refusals = []
    if result.text is None and not result.problems:
        refusals.append(Problem(source, 1, N_("the file holds no question")))
    return DryRun(path, source, result, base, replaces, refusals)


def save_draft(session: Session, author_id: int, path: str, text: str, base_revision_id: int | None, source: str):
    """Save the confirmed conversion as a draft revision (StaleRevision if the file changed since)."""
    if not path.startswith("quizzes/"):
        raise ValueError(path)
    return store.save_revision(
        session,
        path,
        text.encode("utf-8"),
        author_id=author_id,
        base_revision_id=base_revision_id,
        message=f"imported from GIFT file {source}",
    )
