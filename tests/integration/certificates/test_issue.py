"""Issuing: automatic, once, frozen at issue, read back (issue 5 Issuing; CERT-5, CERT-6)."""

from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path

from sqlalchemy import update

from course.accounts.models import User
from course.certificates.codes import format_code
from course.certificates.issuing import issue_if_eligible
from course.certificates.views import current_settings
from course.content.access import current_catalog
from course.extensions import db
from course.unit_of_work import writes
from tests.conftest import make_test_app
from tests.unit.certificates.pdfcheck import pdf_fonts, pdf_text, qr_payloads, write_pdf

from .helpers import LESSONS, certificates, complete_course, learner_client, pass_quiz, read_lesson

ROOT = Path(__file__).parents[3]


def test_no_certificate_until_the_last_requirement(app, make_learner):
    user, client = learner_client(app, make_learner)
    for module_id, lesson_id in LESSONS:
        read_lesson(client, module_id, lesson_id)
    assert certificates(app, user.id) == []  # every lesson read, quiz not passed
    pass_quiz(app, client, right=False)
    assert certificates(app, user.id) == []  # a failed attempt does not count


def test_the_request_that_passes_the_last_quiz_issues_the_certificate_CERT5(app, make_learner):
    user, client = learner_client(app, make_learner)
    response = complete_course(app, client, last="quiz")
    assert response.status_code == 303
    [certificate] = certificates(app, user.id)  # already there: issued by that request
    assert certificate.holder_name == user.full_name
    assert certificate.pdf and certificate.pdf_sha256 == hashlib.sha256(certificate.pdf).hexdigest()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Вітаємо" in page or "Congratulations" in page


def test_the_request_that_reads_the_last_lesson_issues_it_too(app, make_learner):
    user, client = learner_client(app, make_learner)
    complete_course(app, client, last="lesson")
    assert len(certificates(app, user.id)) == 1


def test_issued_once_whatever_comes_after(app, make_learner):
    user, client = learner_client(app, make_learner)
    complete_course(app, client)
    for module_id, lesson_id in LESSONS:
        read_lesson(client, module_id, lesson_id)
    pass_quiz(app, client)
    assert len(certificates(app, user.id)) == 1


def test_simultaneous_issues_give_one_certificate_CERT5(app, make_learner):
    """Ten threads, each with its own session, find the learner eligible at once."""
    user, client = learner_client(app, make_learner)
    for module_id, lesson_id in LESSONS:
        read_lesson(client, module_id, lesson_id)
    pass_quiz(app, client)
    with app.app_context():  # undo the automatic issue to race the service itself
        from course.certificates.models import Certificate, CertificateAudit

        db.session.execute(CertificateAudit.__table__.delete())
        db.session.execute(Certificate.__table__.delete())
        db.session.commit()
    barrier = threading.Barrier(10)
    results, errors = [], []

    @writes  # as in the completing views: SQLite then takes the write lock up front
    def issue_once() -> None:
        barrier.wait(timeout=30)
        learner = db.session.get(User, user.id)
        certificate = issue_if_eligible(
            db.session,
            learner,
            current_catalog(),
            current_settings(),
            app.config["CLOCK"](),
        )
        db.session.commit()
        results.append(certificate.id if certificate else None)
        db.session.remove()

    def issue():
        try:
            with app.test_request_context(method="POST"):
                issue_once()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=issue) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = certificates(app, user.id)
    assert len(rows) == 1
    assert {r for r in results if r is not None} == {rows[0].id}


def test_pdf_reads_back_name_title_code_and_qr_CERT6(app, make_learner, tmp_path):
    user, client = learner_client(app, make_learner, full_name="Ґудзь-Їжакевич Олександра")
    complete_course(app, client)
    [certificate] = certificates(app, user.id)
    path = write_pdf(tmp_path, client.get(f"/certificates/{certificate.code}.pdf").data)
    text = pdf_text(path)
    assert "Ґудзь-Їжакевич Олександра" in text
    assert "Countering human trafficking: a course for frontline practitioners" in text
    assert format_code(certificate.code) in text
    assert certificate.content_hash[:12] in text
    url = f"{app.config['BASE_URL']}/verify/{format_code(certificate.code)}"
    assert url in text
    assert qr_payloads(path, tmp_path) == [url]
    assert all(f["emb"] == "yes" and "+Cert-" in f["name"] for f in pdf_fonts(path))


def test_redownload_is_byte_identical_after_rename_and_template_edit(database_url, tmp_path, clock, make_learner):
    """Issue 5: "Downloading it again returns the same bytes, whatever later happens"."""
    template = tmp_path / "template"
    shutil.copytree(ROOT / "certificates", template)
    app = make_test_app(database_url, tmp_path, clock, CERTIFICATES_DIR=str(template))
    from tests.conftest import reset_database

    with app.app_context():
        reset_database()
    from tests.conftest import PASSWORD, Auth

    with app.app_context():
        from course.accounts.services import Registration, register

        learner = register(
            db.session,
            Registration("frozen@example.org", "Олена Петренко", PASSWORD, "police", "lviv", None, "uk"),
            clock(),
        )
        db.session.commit()
        user_id = learner.id
    client = app.test_client()
    Auth(client).login("frozen@example.org")
    complete_course(app, client)
    [certificate] = certificates(app, user_id)
    first = client.get(f"/certificates/{certificate.code}.pdf")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(full_name="Renamed Person"))
        db.session.commit()
    html = template / "certificate.html"
    html.write_text(html.read_text().replace("<header>", "<header><p>EDITED TEMPLATE</p>"))
    again = client.get(f"/certificates/{certificate.code}.pdf")
    assert again.data == first.data
    assert hashlib.sha256(again.data).hexdigest() == certificate.pdf_sha256
    assert "Олена Петренко" in pdf_text(write_pdf(tmp_path, again.data))
    with app.app_context():
        db.engine.dispose()


def test_rendering_failure_keeps_the_row_and_the_next_request_renders_CERT5(app, make_learner, monkeypatch, caplog):
    """WeasyPrint raising at issue: completion and certificate row stay, page says "being
    prepared", and the next download renders and stores the PDF."""
    import weasyprint

    def broken(*args, **kwargs):
        raise RuntimeError("simulated WeasyPrint failure")

    user, client = learner_client(app, make_learner)
    with monkeypatch.context() as patch:
        patch.setattr(weasyprint.HTML, "write_pdf", broken)
        complete_course(app, client)
        [certificate] = certificates(app, user.id)
        assert certificate.pdf is None and certificate.render_error_id
        pending = client.get(f"/certificates/{certificate.code}.pdf")
        assert pending.status_code == 503
        assert "готується" in pending.get_data(as_text=True) or "being prepared" in pending.get_data(as_text=True)
    assert any(r.__dict__.get("event") == "certificate_render_failed" for r in caplog.records)
    ready = client.get(f"/certificates/{certificate.code}.pdf")
    assert ready.status_code == 200 and ready.data.startswith(b"%PDF")
    [stored] = certificates(app, user.id)
    assert stored.id == certificate.id and stored.code == certificate.code
    assert stored.pdf == ready.data and stored.render_error_id is None


def test_another_learner_cannot_download_AC3(app, make_learner):
    owner, owner_client = learner_client(app, make_learner)
    complete_course(app, owner_client)
    [certificate] = certificates(app, owner.id)
    _other, other_client = learner_client(app, make_learner)
    response = other_client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 404
    assert b"%PDF" not in response.data


def test_anonymous_download_goes_to_login_AC1(app, make_learner):
    owner, owner_client = learner_client(app, make_learner)
    complete_course(app, owner_client)
    [certificate] = certificates(app, owner.id)
    response = app.test_client().get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_certificates_lists_the_download(app, make_learner):
    user, client = learner_client(app, make_learner)
    before = client.get("/certificates").get_data(as_text=True)
    assert "У вас ще немає сертифіката" in before and '.pdf"' not in before
    complete_course(app, client)
    [certificate] = certificates(app, user.id)
    page = client.get("/certificates").get_data(as_text=True)
    assert f"/certificates/{certificate.code}.pdf" in page
    assert format_code(certificate.code) in page
