"""`flask backup OUT`: a consistent copy of the SQLite database while the site runs (REL-2b).

SQLite's online backup API copies a snapshot even while workers write; copying the file (and
its -wal) by hand can produce a torn copy. PostgreSQL is backed up with `pg_dump`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from course.extensions import db
from course.unit_of_work import reads


@click.command("backup")
@with_appcontext
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@reads
def backup_command(out: Path) -> None:
    """Write a backup of the SQLite database to OUT (a new file) and check its integrity."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        click.echo("error: this command backs up SQLite; for PostgreSQL use pg_dump (docs/deploy.md)", err=True)
        raise SystemExit(1)
    if out.exists():
        click.echo(f"error: {out} exists; choose a new file name", err=True)
        raise SystemExit(1)
    source, target = sqlite3.connect(url.database, timeout=30), sqlite3.connect(out)
    try:
        source.backup(target)
        verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if verdict != "ok":
        click.echo(f"error: the copy failed its integrity check: {verdict}", err=True)
        raise SystemExit(1)
    click.echo(f"backup written: {out} (integrity check: ok)")
