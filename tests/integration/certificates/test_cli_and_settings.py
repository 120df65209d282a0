"""`flask certificates ...`, the migration, and the certificate settings (REL-2a, HDR-4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from course.certificates.codes import format_code
from course.certificates.models import Certificate
from course.certificates.settings import SETTINGS
from course.config import ConfigError
from course.extensions import db
from tests.conftest import empty_database, make_test_app
from tests.unit.certificates.pdfcheck import pdf_text, qr_payloads

from .helpers import certificates, issue_directly

ROOT = Path(__file__).parents[3]
TABLES = {"certificate", "certificate_audit", "verify_throttle"}


def test_sample_command_writes_a_marked_pdf_and_stores_nothing(app, tmp_path):
    out = tmp_path / "sample.pdf"
    result = app.test_cli_runner().invoke(
        args=["certificates", "sample", "--name", "Олена Петренко", "--lang", "uk", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert "Олена Петренко" in text and ("ЗРАЗОК" in text or "SAMPLE" in text)
    [url] = qr_payloads(out, tmp_path)
    assert url.startswith(app.config["BASE_URL"] + "/verify/")
    assert certificates(app) == []


def test_sample_command_refuses_an_unknown_language(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["certificates", "sample", "--lang", "de", "--out", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code != 0 and not (tmp_path / "x.pdf").exists()


def test_flask_cli_sample_in_a_new_process(tmp_path):
    """The command exactly as the issue names it, with the app from wsgi.py."""
    out = tmp_path / "FILE.pdf"
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "BASE_URL": "https://cert.example.org",
        "LOG_LEVEL": "WARNING",
    }
    flask = Path(sys.executable).parent / "flask"
    done = subprocess.run(
        [
            str(flask),
            "--app",
            "wsgi",
            "certificates",
            "sample",
            "--name",
            "Олена Петренко",
            "--lang",
            "uk",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Олена Петренко" in pdf_text(out)
    assert qr_payloads(out, tmp_path)[0].startswith("https://cert.example.org/verify/")


def test_render_pending_finishes_certificates_that_failed_CERT5(app, make_learner):
    _id, code = issue_directly(app, make_learner().id)
    with app.app_context():
        db.session.execute(Certificate.__table__.update().values(pdf=None, pdf_sha256=None))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["certificates", "render-pending"])
    assert result.exit_code == 0 and "rendered 1 of 1" in result.output
    [certificate] = certificates(app)
    assert certificate.pdf.startswith(b"%PDF") and format_code(code)


def test_migration_matches_the_models_and_downgrades_REL_2a(database_url, tmp_path, clock):
    app = make_test_app(database_url, tmp_path, clock)
    with app.app_context():
        empty_database()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = [d for d in compare_metadata(context, db.metadata) if any(table in str(d) for table in TABLES)]
        assert diff == []
        assert TABLES <= set(inspect(db.engine).get_table_names())
        downgrade(revision="0002_quizzes")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        upgrade()
        db.engine.dispose()


@pytest.mark.parametrize(
    "name, value",
    [
        ("CERTIFICATE_ELIGIBILITY", "everything"),
        ("CERTIFICATE_VALID_DAYS", "-1"),
        ("CERTIFICATE_VALID_DAYS", "two years"),
        ("VERIFY_LIMIT_PER_IP", "0"),
        ("BASE_URL", "javascript:alert(1)"),
    ],
)
def test_bad_certificate_settings_stop_the_app(tmp_path, clock, name, value):
    with pytest.raises(ConfigError, match=name):
        make_test_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, clock, **{name: value})


def test_settings_come_from_the_environment(tmp_path, clock, monkeypatch):
    monkeypatch.setenv("CERTIFICATE_VALID_DAYS", "365")
    app = make_test_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, clock)
    from course.certificates.views import SETTINGS_KEY

    assert app.extensions[SETTINGS_KEY].valid_days == 365


@pytest.mark.parametrize("document", ["docs/deploy.md", "README.md"])
def test_certificate_settings_are_documented(document):
    text = (ROOT / document).read_text()
    missing = [name for name in [*SETTINGS, "BASE_URL", "CERTIFICATES_DIR"] if f"`{name}`" not in text]
    assert not missing, f"{document} does not describe {missing}"
