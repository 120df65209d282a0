"""Certificates in the learner's data export and erasure (docs/security.md DATA-1, DATA-2, CERT-4)."""

from __future__ import annotations

import json

from sqlalchemy import text

from course.accounts.models import User
from course.certificates.codes import format_code
from course.extensions import db
from course.privacy.services import erase_user, export_user

from .helpers import certificates, issue_directly

MARKER = "Маркерія Стираненко"


def test_export_lists_the_certificates_without_the_pdf_DATA_1(app, make_learner):
    user = make_learner()
    _id, code = issue_directly(app, user.id)
    with app.app_context():
        exported = export_user(db.session, db.session.get(User, user.id), app.config["CLOCK"]())
    [row] = exported["parts"]["certificates"]["certificate"]
    assert row["code"] == code and "pdf" not in row and row["pdf_sha256"]
    json.dumps(exported)  # JSON-ready


def test_erasure_withdraws_the_certificate_and_removes_the_name_DATA_2(app, make_learner):
    user = make_learner(full_name=MARKER)
    _id, code = issue_directly(app, user.id)
    with app.app_context():
        erase_user(db.session, db.session.get(User, user.id), app.config["CLOCK"]())
        db.session.commit()
    [certificate] = certificates(app)
    assert certificate.withdrawn_at is not None and certificate.pdf is None
    page = app.test_client().get(f"/verify/{format_code(code)}").get_data(as_text=True)
    assert 'data-state="withdrawn"' in page
    assert "Стираненко" not in page and "М. С" not in page
    with app.app_context():
        dump = _dump(db)
    assert "Стираненко" not in dump


def _dump(database) -> str:
    """Every value of every certificate table as text."""
    out = []
    with database.engine.connect() as connection:
        for table in ("certificate", "certificate_audit", "verify_throttle"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - fixed names
                out.append(repr(tuple(row)))
    return "\n".join(out)
