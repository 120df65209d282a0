"""A course as files: a mapping from a POSIX path (relative to the project root) to bytes.

Core module: stdlib only. The same mapping comes from the disk (`read_course_files`) or from a
release in the database (course/authoring), and `course.content.catalog` builds a catalog from
either. The paths are the ones authors see in git:

    content/modules/NN-<id>.<lang>.md   content/pages/<id>.<lang>.md
    content/job-aids/<id>.<lang>.md     quizzes/<id>.<lang>.md      content/images/<name>
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from course.content.loader import display_path

MODULES = "content/modules"
PAGES = "content/pages"
JOB_AIDS = "content/job-aids"
QUIZZES = "quizzes"
IMAGES = "content/images"
TEXT_FOLDERS = (MODULES, PAGES, JOB_AIDS, QUIZZES)

# What a stored path may look like: one of the folders, then a plain file name (no folders
# below, no `..`, no hidden files), so an export can never write outside its directory.
_TEXT_PATH = re.compile(r"^(content/(modules|pages|job-aids)|quizzes)/[a-z0-9][a-z0-9._-]{0,120}\.(uk|en)\.md$")
_IMAGE_PATH = re.compile(r"^content/images/[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def is_course_path(path: str) -> bool:
    """Whether `path` is one a course file may have (the store refuses any other)."""
    return bool(_TEXT_PATH.match(path) or _IMAGE_PATH.match(path)) and ".." not in path


def read_course_files(content_dir: Path, quizzes_dir: Path | None = None) -> dict[str, bytes]:
    """The disk form: every course file under `content_dir` (and `quizzes_dir`), by path."""
    files: dict[str, bytes] = {}
    for folder in (MODULES, PAGES, JOB_AIDS):
        _read_folder(content_dir / folder.removeprefix("content/"), folder, "*.md", files)
    _read_folder(content_dir / "images", IMAGES, "*", files)
    if quizzes_dir is not None:
        _read_folder(quizzes_dir, QUIZZES, "*.md", files)
    return files


def _read_folder(directory: Path, folder: str, pattern: str, files: dict[str, bytes]) -> None:
    if directory.is_dir():
        for path in sorted(directory.glob(pattern)):
            if path.is_file():
                files[f"{folder}/{path.name}"] = path.read_bytes()


def disk_names(content_dir: Path, quizzes_dir: Path | None = None) -> Callable[[str], str]:
    """Maps a course path back to where the file is on disk, as the author sees it (relative
    to the working directory), so `content check DIR` names the files under DIR."""

    def shown(path: str) -> str:
        if path.startswith(QUIZZES + "/") or path == QUIZZES:
            base = quizzes_dir if quizzes_dir is not None else content_dir.parent / "quizzes"
            return display_path(base / path.removeprefix(QUIZZES).lstrip("/"))
        return display_path(content_dir / path.removeprefix("content").lstrip("/"))

    return shown


def write_course_files(files: dict[str, bytes], root: Path) -> list[Path]:
    """Write `files` under `root` (root/content/..., root/quizzes/...); files whose bytes are
    already there are left untouched (their times too). Returns the paths written."""
    written: list[Path] = []
    for path, data in sorted(files.items()):
        if not is_course_path(path):
            raise ValueError(f"not a course path: {path!r}")
        target = root / path
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
