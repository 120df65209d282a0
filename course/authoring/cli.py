"""`flask content seed | import DIR | export DIR`: the course files in and out of the store.

The files under `content/` and `quizzes/` stay the interchange format (docs/authoring.md):
`seed` makes them release 1 of an empty store (`make run` calls it after migrating); `import`
makes a new release from a folder with the checks publishing runs, listing every problem as
`path:line:column: message` and saving nothing when there is one; `export` writes the current
release back, leaving every unchanged file's bytes (and time stamp) as they were.

DIR is a folder holding `content/` and `quizzes/` (a checkout of the course), or, as for
`content check`, the content folder itself with `quizzes/` beside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app

from course.authoring import services
from course.authoring.hashes import files_hash
from course.authoring.services import InvalidRevision, PublishConflict, PublishRefused, StaleRevision
from course.clock import utcnow
from course.content.cli import cli
from course.content.files import IMAGES, TEXT_FOLDERS, disk_names, is_course_path, read_course_files, write_course_files
from course.extensions import db
from course.unit_of_work import reads, writes


def _course_dirs(directory: Path) -> tuple[Path, Path]:
    """(content folder, quizzes folder) of DIR: DIR/content and DIR/quizzes, or DIR itself with
    its own quizzes/ (or the one beside it)."""
    if (directory / "content").is_dir():
        return directory / "content", directory / "quizzes"
    inside = directory / "quizzes"
    return directory, inside if inside.is_dir() else directory.parent / "quizzes"


@cli.command("seed")
@writes
def seed() -> None:
    """Make CONTENT_DIR and QUIZZES_DIR release 1, if the store has no release yet."""
    config = current_app.config
    files = read_course_files(Path(config["CONTENT_DIR"]), Path(config["QUIZZES_DIR"]))
    try:
        release = services.seed_release(db.session, files, now=utcnow())
    except (PublishConflict, StaleRevision):  # another process seeded at the same moment
        db.session.rollback()
        click.echo("release 1 was made by another process")
        return
    except PublishRefused as refused:
        db.session.rollback()
        names = disk_names(Path(config["CONTENT_DIR"]), Path(config["QUIZZES_DIR"]))
        _refuse("not seeded: the course files have problems", refused.problems, names)
    if release is None:
        current = services.current_release(db.session)
        assert current is not None  # seed_release returns None only when there is one
        click.echo(f"ok: the store has release {current.id}; nothing to do")
        if current.content_hash != files_hash(files):
            click.echo(
                f"note: the files under {config['CONTENT_DIR']} differ from release {current.id}, which is what"
                " learners see; to publish them: flask --app wsgi content import DIR (docs/authoring.md)"
            )
        return
    db.session.commit()
    click.echo(f"ok: release {release.id} made from {len(files)} files")


@cli.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--message", "-m", default="", help="What changed, for the history.")
@writes
def import_command(directory: Path, message: str) -> None:
    """Publish the course files under DIRECTORY as a new release (the same checks as publishing)."""
    content_dir, quizzes_dir = _course_dirs(directory)
    files = read_course_files(content_dir, quizzes_dir)
    current = services.current_release_id(db.session)
    try:
        release = services.import_files(db.session, files, author_id=None, message=message or "import", now=utcnow())
    except PublishRefused as refused:
        db.session.rollback()
        _refuse("nothing imported", refused.problems, disk_names(content_dir, quizzes_dir))
    except InvalidRevision as invalid:
        db.session.rollback()
        click.echo(f"error: {invalid}", err=True)
        raise SystemExit(1) from None
    except (PublishConflict, StaleRevision):
        db.session.rollback()
        click.echo("error: someone published at the same moment; nothing imported, try again", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    if release.id == current:
        click.echo(f"ok: the files are release {release.id} already; nothing to do")
    else:
        click.echo(f"ok: release {release.id} made from {len(files)} files")


@cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@reads
def export_command(directory: Path) -> None:
    """Write the current release under DIRECTORY/content and DIRECTORY/quizzes."""
    release = services.current_release(db.session)
    if release is None:
        click.echo("error: the store has no release yet: run `flask content seed` or `flask content import`", err=True)
        raise SystemExit(1)
    files = services.release_files(db.session, release.id)
    written = write_course_files(files, directory)
    removed = _remove_others(directory, set(files))
    for path in written:
        click.echo(f"written: {path}")
    for path in removed:
        click.echo(f"removed: {path}")
    click.echo(f"ok: release {release.id}, {len(files)} files, {len(written)} written, {len(removed)} removed")


def _remove_others(root: Path, keep: set[str]) -> list[Path]:
    """Course files under `root` that the release no longer has (deleted in the browser): an
    export is the release exactly, or a later import would bring them back."""
    removed = []
    for folder in (*TEXT_FOLDERS, IMAGES):
        directory = root / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            key = f"{folder}/{path.name}"
            if path.is_file() and is_course_path(key) and key not in keep:
                path.unlink()
                removed.append(path)
    return removed


def _refuse(headline: str, problems: tuple, shown: Callable[[str], str]) -> None:
    """Every problem, naming each file where it is on disk, then exit 1."""
    for problem in problems:
        click.echo(str(dataclasses.replace(problem, path=shown(problem.path))))
    click.echo(f"{len(problems)} problem(s) found; {headline}", err=True)
    raise SystemExit(1)
