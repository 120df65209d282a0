"""`flask mail send` (the outbox worker, for cron or a systemd timer) and `flask mail remind`.

Both are safe to run on several hosts at once: claims are atomic (course/mail/outbox.py), and
reminders skip learners reminded in the last week.
"""

from __future__ import annotations

import os
import socket
import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from course.clock import utcnow
from course.content.access import current_catalog
from course.extensions import db
from course.mail.reminders import enqueue_reminders
from course.mail.settings import mail_enabled, worker_settings
from course.mail.worker import run

cli = AppGroup("mail", help="Send e-mail from the outbox.")


@cli.command("send")
@click.option("--limit", default=1000, show_default=True, help="Most messages to send in this run.")
def send_command(limit: int) -> None:
    """Send every message that is due, then exit (run it every minute)."""
    if not mail_enabled(current_app.config):
        click.echo("error: SMTP_HOST is not set; nothing can be sent (see docs/deploy.md)", err=True)
        raise SystemExit(1)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    summary = run(db.session, worker_settings(current_app.config), utcnow, worker, limit)
    click.echo(
        f"sent {summary.sent}, to retry {summary.retry}, failed {summary.failed}, "
        f"unconfirmed {summary.unconfirmed}, flagged stale {summary.flagged}"
    )
    for error in summary.errors:
        click.echo(f"  {error}", err=True)
    if summary.failed or summary.unconfirmed:
        sys.exit(2)


@cli.command("remind")
def remind_command() -> None:
    """Queue the weekly reminder for learners who stalled in a cohort with a due date."""
    days = current_app.config["REMINDER_STALLED_DAYS"]
    count = enqueue_reminders(db.session, current_catalog().modules, utcnow(), timedelta(days=days))
    db.session.commit()
    click.echo(f"reminders queued: {count}")
