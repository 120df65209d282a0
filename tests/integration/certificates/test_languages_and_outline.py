"""Issue 16, item 8: a certificate in either language, both frozen at issue, printing the
modules, the estimated study time and the issuing body. PDFs are read back with pdftotext."""

from __future__ import annotations

import pytest

from course.certificates.models import Certificate
from course.extensions import db
from tests.unit.certificates.pdfcheck import pdf_pages, pdf_text, write_pdf

from .helpers import certificates, complete_course, learner_client


@pytest.fixture
def app_overrides() -> dict:
    return {"CERTIFICATE_ISSUER": "Frontline · Тестовий навчальний центр"}


def _download(client, code: str, language: str):
    response = client.get(f"/certificates/{code}.pdf", query_string={"language": language})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    return response.data


def test_the_learner_downloads_either_language_both_frozen_at_issue(app, make_learner, tmp_path):
    user, client = learner_client(app, make_learner, locale="uk")
    complete_course(app, client)
    [issued] = certificates(app, user.id)
    with app.app_context():
        row = db.session.get(Certificate, issued.id)
        stored = (row.pdf, row.pdf_alt)  # both rendered in the request that issued it
        db.session.rollback()
    assert stored[0] and stored[1] and stored[0] != stored[1]
    mine = client.get("/certificates").get_data(as_text=True)
    assert "language=en" in mine and "language=uk" in mine
    ukrainian, english = _download(client, issued.code, "uk"), _download(client, issued.code, "en")
    assert (ukrainian, english) == stored  # byte for byte as stored at issue
    uk_text = pdf_text(write_pdf(tmp_path, ukrainian, "uk.pdf"))
    en_text = pdf_text(write_pdf(tmp_path, english, "en.pdf"))
    assert "Сертифікат" in uk_text and "Пройдені модулі" in uk_text
    assert "Основи" in uk_text and "Наступні кроки" in uk_text
    assert "Орієнтовний час навчання, годин / Estimated study time, hours: 0,5" in uk_text
    assert "Видав" in uk_text and "Frontline · Тестовий навчальний центр" in uk_text
    assert "Certificate of completion" in en_text and "Modules completed" in en_text
    assert "Basics" in en_text and "Next steps" in en_text and "Основи" not in en_text
    assert "Estimated study time, hours: 0.5" in en_text and "Issued by" in en_text
    for pdf in ("uk.pdf", "en.pdf"):
        assert pdf_pages(tmp_path / pdf) == 1


def test_a_later_change_of_the_issuer_or_the_course_leaves_issued_pdfs_alone(
    app, make_learner, database_url, tmp_path, clock
):
    from tests.conftest import make_test_app

    user, client = learner_client(app, make_learner, locale="en")
    complete_course(app, client)
    [issued] = certificates(app, user.id)
    first = (_download(client, issued.code, "en"), _download(client, issued.code, "uk"))
    later = make_test_app(database_url, tmp_path, clock, CERTIFICATE_ISSUER="Somebody else")
    later_client = later.test_client()
    from tests.conftest import Auth

    Auth(later_client).login(user.email)
    assert (_download(later_client, issued.code, "en"), _download(later_client, issued.code, "uk")) == first
    uk_text = pdf_text(write_pdf(tmp_path, first[1], "uk.pdf"))
    assert "Frontline · Тестовий навчальний центр" in uk_text and "Somebody else" not in uk_text
    with later.app_context():
        db.engine.dispose()
