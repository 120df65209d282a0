"""`flask accounts create-admin --email ...`: the only way an admin comes to exist (AUTH-6)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from course.accounts.services import AccountError, create_admin
from course.clock import utcnow
from course.extensions import db
from course.unit_of_work import writes

cli = AppGroup("accounts", help="Manage accounts.")


@cli.command("create-admin")
@click.option("--email", required=True, help="The admin's e-mail address.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@writes
def create_admin_command(email: str, password_stdin: bool) -> None:
    """Create an admin (or promote an existing account); the password is typed or piped."""
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_admin(db.session, email, password, utcnow())
    except AccountError as refusal:
        db.session.rollback()
        click.echo(f"error: {refusal.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"admin ready: {user.email}")
