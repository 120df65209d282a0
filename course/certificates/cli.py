"""`flask certificates ...`: preview the template, render certificates still being prepared.

Thin: the same services as the views. Exits non-zero on problems.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from course.certificates.errors import CertificateRenderError
from course.certificates.models import Certificate
from course.certificates.pdfs import SAMPLE_NAME, render_and_store, sample_pdf
from course.certificates.types import LANGUAGES
from course.certificates.views import current_settings
from course.clock import utcnow
from course.extensions import db
from course.unit_of_work import reads, writes


@click.group("certificates", help="Certificates: preview the template, finish pending PDFs.")
def cli() -> None:
    pass


@cli.command("sample")
@click.option("--name", default=SAMPLE_NAME, show_default=True, help="Name to print.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="uk", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="Where to write the PDF.",
)
@with_appcontext
@reads
def sample(name: str, lang: str, out: Path) -> None:
    """Render a sample certificate through the issuing code path; nothing is stored."""
    try:
        pdf = sample_pdf(current_settings(), name, lang, utcnow().date())
    except CertificateRenderError as exc:
        click.echo(f"the certificate template could not be rendered: {exc}", err=True)
        sys.exit(1)
    out.write_bytes(pdf)
    base_url = current_app.config["BASE_URL"]
    click.echo(f"wrote {out} ({len(pdf)} bytes); its QR code points at {base_url}/verify/…")


@cli.command("render-pending")
@with_appcontext
@writes
def render_pending() -> None:
    """Render and store every certificate whose PDF failed to render at issue (CERT-5)."""
    pending = db.session.scalars(
        select(Certificate).where(Certificate.pdf_sha256.is_(None), Certificate.withdrawn_at.is_(None))
    ).all()
    failed = 0
    for certificate in pending:
        if not render_and_store(db.session, certificate, current_settings(), utcnow()):
            failed += 1
    db.session.commit()
    click.echo(f"rendered {len(pending) - failed} of {len(pending)} pending certificates")
    if failed:
        sys.exit(1)
