"""The stable ids a course file declares, and which of them learners' records still name.

`declared_ids` is core (standard library only); `ids_in_use` reads the progress and attempt
tables through a session passed in. An id is what progress, attempts and certificates store
(docs/architecture.md), so once a learner has a record on it, it must not disappear from the
course: a title can change freely, the id cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import String, cast, func, select

from course.authoring.files import as_text, parse_path
from course.extensions import Session

_FRONT = re.compile(r"\A---\r?\n(.*?)\r?\n---", re.S)
_ID = re.compile(r"^id:\s*['\"]?([^'\"\s#]+)", re.M)
_LESSON = re.compile(r"^## .*\{#([a-z0-9][a-z0-9-]*)[^}]*\}\s*$", re.M)


@dataclass(frozen=True, slots=True)
class IdInUse:
    path: str
    kind: str  # "module", "lesson" or "quiz"
    id: str  # for a lesson: "module-id/lesson-id"
    records: int  # how many lessons read, quiz attempts and certificates name it


def front_matter_id(text: str) -> str | None:
    """The `id:` of a file's front matter, or None."""
    front = _FRONT.match(text)
    found = _ID.search(front.group(1)) if front else None
    return found.group(1) if found else None


def declared_ids(kind: str, text: str) -> set[tuple[str, str]]:
    """(kind, id) pairs a module or quiz file declares: its own id, and a module's lessons."""
    own = front_matter_id(text)
    if own is None or kind not in ("module", "quiz"):
        return set()
    ids = {(kind, own)}
    if kind == "module":
        ids |= {("lesson", f"{own}/{lesson}") for lesson in _LESSON.findall(text)}
    return ids


def ids_taken_away(
    session: Session, released: Mapping[str, bytes], changed: Mapping[str, bytes | None]
) -> list[IdInUse]:
    """The ids the current release declares in each changed file (None: deleted) that the new
    text no longer declares, and that learners' records name."""
    gone: dict[tuple[str, str], str] = {}
    for path, new in changed.items():
        ref = parse_path(path)
        if ref is None or path not in released:
            continue
        before = declared_ids(ref.kind, as_text(released[path]))
        after = declared_ids(ref.kind, as_text(new)) if new is not None else set()
        gone.update({key: path for key in before - after})
    counts = _record_counts(session, gone)
    return [IdInUse(path, kind, id_, counts[(kind, id_)]) for (kind, id_), path in gone.items() if counts[(kind, id_)]]


def _record_counts(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    from course.progress.models import LessonRead
    from course.quizzes.models import QuizAttempt

    counts: dict[tuple[str, str], int] = {}
    for kind, id_ in keys:
        if kind == "quiz":
            query = select(func.count(QuizAttempt.id)).where(QuizAttempt.quiz_id == id_)
        elif kind == "module":
            query = select(func.count(LessonRead.id)).where(LessonRead.module_id == id_)
        else:
            module_id, lesson_id = id_.split("/", 1)
            query = select(func.count(LessonRead.id)).where(
                LessonRead.module_id == module_id, LessonRead.lesson_id == lesson_id
            )
        counts[(kind, id_)] = (session.scalar(query) or 0) + _certificates_naming(session, kind, id_)
    return counts


def _certificates_naming(session: Session, kind: str, id_: str) -> int:
    """Certificates whose frozen module versions name a module (or a final quiz, `final:<id>`).

    A certificate must go on verifying with what it was issued on, so it counts on its own,
    whatever became of the reads. The JSON is matched as text (`"<id>":`), which both engines
    keep as json.dumps wrote it; ids never hold a quote."""
    from course.certificates.models import Certificate

    if kind == "lesson":
        return 0
    key = id_ if kind == "module" else f"final:{id_}"
    text = cast(Certificate.module_hashes, String)
    return session.scalar(select(func.count(Certificate.id)).where(text.contains(f'"{key}":', autoescape=True))) or 0
