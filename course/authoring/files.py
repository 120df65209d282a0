"""Which course file is which: a path's kind, stem and language, and the editor's list of files.

Core module: standard library only (and core types). A course is a set of files keyed by POSIX
path (docs/architecture.md); the editor works on one *entry* at a time, the uk and en files of
one stem, because parity between the two languages is checked pair by pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from course.content.files import JOB_AIDS, MODULES, PAGES, QUIZZES
from course.problems import Problem

LANGUAGES = ("uk", "en")
# kind -> the folder its files live in; the order is the order of the editor's list.
FOLDERS = {"module": MODULES, "page": PAGES, "job-aid": JOB_AIDS, "quiz": QUIZZES}
STEM = re.compile(r"[a-z0-9][a-z0-9._-]{0,120}")  # as course.content.files allows
_PATH = re.compile(rf"(?P<folder>.+)/(?P<stem>{STEM.pattern})\.(?P<lang>uk|en)\.md")
_BY_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}

UNCHANGED, CHANGED, NEW = "unchanged", "changed", "new"


@dataclass(frozen=True, slots=True)
class FileRef:
    kind: str
    stem: str  # the file name without language and extension: `01-basics`, `basics-quiz`
    lang: str

    @property
    def path(self) -> str:
        return path_for(self.kind, self.stem, self.lang)


def path_for(kind: str, stem: str, lang: str) -> str:
    return f"{FOLDERS[kind]}/{stem}.{lang}.md"


def parse_path(path: str) -> FileRef | None:
    """The kind, stem and language of a course text file, or None (images, unknown folders)."""
    match = _PATH.fullmatch(path)
    if match is None or match["folder"] not in _BY_FOLDER:
        return None
    return FileRef(_BY_FOLDER[match["folder"]], match["stem"], match["lang"])


def is_entry(kind: str, stem: str) -> bool:
    return kind in FOLDERS and STEM.fullmatch(stem) is not None


@dataclass(frozen=True, slots=True)
class FileState:
    lang: str
    path: str
    exists: bool
    state: str  # UNCHANGED, CHANGED (since the current release) or NEW
    problems: int


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    stem: str
    files: tuple[FileState, ...]

    @property
    def problems(self) -> int:
        return sum(f.problems for f in self.files)

    @property
    def state(self) -> str:
        states = {f.state for f in self.files if f.exists}
        return NEW if states == {NEW} else CHANGED if states - {UNCHANGED} else UNCHANGED


def entries(draft: Mapping[str, bytes], released: Mapping[str, bytes], problems: Sequence[Problem]) -> list[Entry]:
    """Every module, page, job aid and quiz of the draft, with each language file's state."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.path] = counts.get(problem.path, 0) + 1
    stems: dict[tuple[str, str], None] = {}
    for path in sorted(draft):
        ref = parse_path(path)
        if ref is not None:
            stems[(ref.kind, ref.stem)] = None
    order = list(FOLDERS)
    result = []
    for kind, stem in sorted(stems, key=lambda key: (order.index(key[0]), key[1])):
        files = tuple(_state(path_for(kind, stem, lang), lang, draft, released, counts) for lang in LANGUAGES)
        result.append(Entry(kind, stem, files))
    return result


def _state(
    path: str, lang: str, draft: Mapping[str, bytes], released: Mapping[str, bytes], counts: Mapping[str, int]
) -> FileState:
    data = draft.get(path)
    if path not in released:
        state = NEW
    else:
        state = UNCHANGED if released[path] == data else CHANGED
    return FileState(lang, path, data is not None, state, counts.get(path, 0))


def problems_by_path(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    """The problems of each file, in line order."""
    grouped: dict[str, list[Problem]] = {}
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.column or 0)):
        grouped.setdefault(problem.path, []).append(problem)
    return grouped


def as_text(data: bytes | None) -> str:
    """A stored file as the textarea shows it; bytes that are not UTF-8 are shown, not lost."""
    return "" if data is None else data.decode("utf-8", errors="replace")


def from_form(text: str) -> bytes:
    """A textarea's text as file bytes: browsers send CRLF, the course files use LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


def same_text(data: bytes | None, posted: bytes) -> bool:
    """Whether a posted text is what is stored, line endings aside (nothing to save)."""
    if data is None:
        return posted == b""  # an empty box for a file that does not exist: nothing to save
    return from_form(as_text(data)) == posted
