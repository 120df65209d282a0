"""`flask quizzes import-gift` and `flask quizzes export-gift`: Moodle GIFT in and out.

Web/CLI layer: thin commands over course.quizzes.gift_convert and gift_export. Problems and warnings are
printed as `FILE:LINE: message` on stderr; files are written atomically.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup

from course.problems import sort_problems
from course.quizzes.gift_convert import import_gift_file
from course.quizzes.gift_export import export_quiz_file
from course.unit_of_work import reads

cli = AppGroup("quizzes", help="Quiz files: import from and export to Moodle GIFT.")


def _write(path: Path, text: str) -> None:
    """Write atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    os.replace(temporary, path)


@cli.command("import-gift")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Quiz file to write, named QUIZ-ID.uk.md or QUIZ-ID.en.md.",
)
@click.option("--module", default=None, help="Id of the module the quiz belongs to.")
@click.option("--title", default=None, help="Quiz title (default: the GIFT category).")
@reads
def import_gift(source: Path, out: Path, module: str | None, title: str | None) -> None:
    """Convert a Moodle GIFT file into a quiz file; list every question not converted."""
    result = import_gift_file(source, out, module, title)
    for problem in sort_problems(result.problems):
        click.echo(str(problem), err=True)
    for warning in sort_problems(result.warnings):
        click.echo(f"{warning} (warning)", err=True)
    if result.text is None:
        click.echo("no question could be converted", err=True)
        raise SystemExit(1)
    _write(out, result.text)
    skipped = len(result.problems)
    click.echo(f"{out}: {result.converted} questions converted, {skipped} not converted")


@cli.command("export-gift")
@click.argument("quiz_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="GIFT file to write."
)
@reads
def export_gift(quiz_file: Path, out: Path) -> None:
    """Write a quiz file as Moodle GIFT."""
    text, problems, warnings = export_quiz_file(quiz_file)
    for problem in sort_problems(problems):
        click.echo(str(problem), err=True)
    for warning in sort_problems(warnings):
        click.echo(f"{warning} (warning)", err=True)
    if text is None:
        raise SystemExit(1)
    _write(out, text)
    click.echo(f"{out}: written")
