"""`flask reports refresh` (for cron or a systemd timer: the report rows of newly graded
attempts) and `flask dev seed --learners N` (development data, refused in production)."""

from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from course.clock import utcnow
from course.content.access import current_catalog
from course.extensions import db
from course.quizzes.answer_store import BATCH, write_pending_report_rows
from course.reports.seed import seed

reports = AppGroup("reports", help="Keep the reports current.")


@reports.command("refresh")
def refresh_command() -> None:
    """Write the report rows of every graded attempt still waiting (run it every minute).

    One commit per batch, not one for the run: on SQLite each batch holds the write lock, and
    submits wait only for one batch at a time. A batch is all written or not at all, and
    several hosts may run this at once (course/quizzes/answer_store.py)."""
    total = 0
    while written := write_pending_report_rows(db.session, BATCH):
        db.session.commit()
        total += written
    click.echo(f"graded attempts counted in the reports: {total}")


@click.group("dev", help="Development tools (never in production).")
def cli() -> None:
    pass


@cli.command("seed")
@click.option("--learners", type=click.IntRange(1, 2_000_000), required=True, help="How many learners to add.")
@click.option("--seed", "seed_value", type=int, default=None, help="Random seed, for the same data twice.")
@with_appcontext
def seed_command(learners: int, seed_value: int | None) -> None:
    """Fill the database with realistic learners, reading, attempts and certificates."""
    if current_app.config.get("ENV_NAME") == "production":
        click.echo("Refused: `dev seed` adds invented learners and must never run in production.", err=True)
        sys.exit(1)
    catalog = current_catalog()
    started = time.perf_counter()
    result = seed(db.session, catalog.modules, catalog.quizzes, learners, utcnow(), seed_value)
    db.session.commit()
    click.echo(
        f"seeded {result.learners} learners, {result.lesson_reads} lesson reads, {result.attempts} attempts, "
        f"{result.certificates} certificates in {time.perf_counter() - started:.1f} s"
    )
    click.echo(f"every seeded account shares one password: {result.password}")
