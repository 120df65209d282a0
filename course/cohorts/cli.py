"""`flask cohorts create` and `flask cohorts import`: the same services as the admin pages.

The CLI acts as an administrator (whoever has shell access to the server is one).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from course.accounts.models import ROLE_ADMIN
from course.clock import utcnow
from course.cohorts import imports, services
from course.cohorts.models import Cohort
from course.cohorts.settings import import_settings
from course.extensions import db
from course.security import external_url

cli = AppGroup("cohorts", help="Manage cohorts and enrol learners.")
SYSTEM = SimpleNamespace(id=None, role=ROLE_ADMIN)


@cli.command("create")
@click.argument("name")
@click.option("--starts", "starts_on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Start date.")
@click.option("--due", "due_on", type=click.DateTime(["%Y-%m-%d"]), help="Due date.")
@click.option("--region", help="Region code.")
@click.option("--org-type", help="Organisation type code.")
def create_command(name: str, starts_on, due_on, region: str | None, org_type: str | None) -> None:
    """Create a cohort."""
    data = services.CohortData(name, region, org_type, starts_on.date(), due_on.date() if due_on else None)
    try:
        cohort = services.create_cohort(db.session, data, utcnow())
    except services.CohortError as refusal:
        db.session.rollback()
        click.echo(f"error: {refusal.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"cohort {cohort.id}: {cohort.name}")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cohort", "cohort_name", help="Add every learner of the file to this cohort.")
@click.option("--dry-run", is_flag=True, help="Check the whole file and report; write nothing.")
def import_command(path: Path, cohort_name: str | None, dry_run: bool) -> None:
    """Enrol learners from a CSV file: the whole file is checked first."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == cohort_name)) if cohort_name else None
    if cohort_name and cohort is None:
        raise click.ClickException(f"no cohort named {cohort_name!r}")
    settings, now = import_settings(current_app.config), utcnow()
    check = imports.check_file(db.session, SYSTEM, cohort, path.read_bytes(), settings)
    for problem in check.problems:
        click.echo(f"{path.name}:{problem.line}: {problem.column or '-'}: {problem.render()}", err=True)
    if check.refusal:
        click.echo("error: " + check.refusal.format(**check.refusal_params), err=True)
    if not check.ok:
        raise SystemExit(1)
    click.echo(" ".join(f"{name} {count}" for name, count in check.counts().items()))
    if dry_run:
        return
    batch = imports.store_upload(db.session, SYSTEM, cohort, path.name, path.read_bytes(), True, now)
    _check, invitations = imports.apply_batch(db.session, SYSTEM, batch, settings, now)
    db.session.commit()
    click.echo(f"imported as batch {batch.id}")
    for invitation in invitations:  # no SMTP: the links are for whoever runs the import to pass on
        click.echo(f"{invitation.email}\t{external_url('accounts.reset_start', token=invitation.token)}")
