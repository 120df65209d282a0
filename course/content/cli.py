"""`flask content check [DIR]`: list every problem as path:line: message, or one summary line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from course.content.catalog import build_catalog
from course.unit_of_work import reads

cli = AppGroup("content", help="Check the course content files.")


@cli.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--quizzes", "quizzes_dir", type=click.Path(file_okay=False, path_type=Path))
@reads
def check(directory: Path | None, quizzes_dir: Path | None) -> None:
    """Check DIRECTORY (default: CONTENT_DIR) and the quizzes; exit 1 when anything is wrong."""
    content_dir = directory or Path(current_app.config["CONTENT_DIR"])
    if quizzes_dir is None:
        sibling = content_dir.parent / "quizzes"
        quizzes_dir = sibling if directory is not None else Path(current_app.config["QUIZZES_DIR"])
    catalog = build_catalog(content_dir, quizzes_dir)
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(str(problem))
        click.echo(f"{len(catalog.problems)} problem(s) found", err=True)
        raise SystemExit(1)
    click.echo(catalog.summary_line())
