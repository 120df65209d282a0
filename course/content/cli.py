"""`flask content check [DIR] [--strict]`: list every problem as path:line: message, or one summary line.

Problems in the files (a quiz or module that would not load) always fail the check. Warnings
about how quiz questions are written (course.quizzes.item_checks) are printed too; they fail
the check only with `--strict`, which is how the bundled course is tested.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from course.content.catalog import build_catalog
from course.problems import sort_problems
from course.quizzes.item_checks import check_items
from course.unit_of_work import reads

cli = AppGroup("content", help="Check the course content files.")


@cli.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--quizzes", "quizzes_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings about how questions are written as errors.")
@reads
def check(directory: Path | None, quizzes_dir: Path | None, strict: bool) -> None:
    """Check DIRECTORY (default: CONTENT_DIR) and the quizzes; exit 1 when anything is wrong."""
    content_dir = directory or Path(current_app.config["CONTENT_DIR"])
    if quizzes_dir is None:
        sibling = content_dir.parent / "quizzes"
        quizzes_dir = sibling if directory is not None else Path(current_app.config["QUIZZES_DIR"])
    catalog = build_catalog(content_dir, quizzes_dir)
    warnings = sort_problems(check_items(quizzes_dir)) if quizzes_dir.is_dir() else []
    for problem in catalog.problems:
        click.echo(str(problem))
    for warning in warnings:
        click.echo(str(warning))
    if warnings:
        kind = "error(s) (--strict)" if strict else "warning(s)"
        click.echo(f"{len(warnings)} {kind} about how questions are written: see docs/authoring.md", err=True)
    if catalog.problems:
        click.echo(f"{len(catalog.problems)} problem(s) found", err=True)
    if catalog.problems or (strict and warnings):
        raise SystemExit(1)
    click.echo(catalog.summary_line())
