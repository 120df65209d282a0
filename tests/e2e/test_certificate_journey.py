"""From passing the last quiz to opening the QR code's URL, in real Chromium (issue 5 Tests).

Every lesson is marked read and every module quiz but the last is passed through the
services (the quiz journey has its own e2e test); the learner then passes the last quiz in
the browser, which issues the certificate in that request; downloads the PDF; the QR code is
decoded from the page image (pdftoppm + zbarimg) and opened; the verification page says valid,
masks the name, and confirms it when the surname is typed.
"""

from __future__ import annotations

from dataclasses import replace

from playwright.sync_api import Page, expect
from sqlalchemy import select

from course.accounts.models import User
from course.certificates.views import SETTINGS_KEY
from course.content.access import current_catalog
from course.extensions import db
from course.progress.services import mark_read
from course.quizzes import services as quizzes
from course.quizzes.forms import choice_token
from course.quizzes.models import IN_PROGRESS, QuizAttempt
from course.quizzes.types import Response
from tests.e2e.conftest import LiveServer, register_and_login
from tests.unit.certificates.pdfcheck import pdf_text, qr_payloads

EMAIL = "cert@example.org"
NAME = "Мар'яна О'Коннор"


def _complete_all_but_the_last_quiz(live_server: LiveServer) -> str:
    """Read every lesson and pass every module quiz except the last; return its id."""
    with live_server.app.app_context():
        catalog = current_catalog()
        learner = db.session.scalar(select(User).where(User.email == EMAIL))
        now = live_server.clock()
        for module in catalog.modules:
            for lesson in module.lessons:
                mark_read(db.session, learner, module, lesson.id, now)
        module_quizzes = [q for q in catalog.quizzes.values() if q.module_id and not q.is_final]
        order = {m.id: m.order for m in catalog.modules}
        module_quizzes.sort(key=lambda q: order[q.module_id])
        for quiz in module_quizzes[:-1]:
            attempt = quizzes.start_attempt(db.session, learner, quiz, catalog.quizzes, now)
            drawn = quizzes.attempt_questions(db.session, attempt)
            quizzes.submit_attempt(db.session, attempt, _right_answers(drawn), attempt.version, now)
        db.session.commit()
        return module_quizzes[-1].id


def _right_answers(drawn) -> dict[str, Response]:
    answers = {}
    for item in drawn:
        q = item.question
        if q.kind == "matching":
            answers[q.id] = Response.of(matches={p.id: p.id for p in q.prompts})
        else:
            answers[q.id] = Response.of(chosen=q.correct_ids)
    return answers


def _pass_in_browser(page: Page, live_server: LiveServer) -> None:
    """Answer every page of the open attempt right, as a learner clicks, and submit."""
    with live_server.app.app_context():
        learner = db.session.scalar(select(User).where(User.email == EMAIL))
        attempt = db.session.scalar(
            select(QuizAttempt).where(QuizAttempt.user_id == learner.id, QuizAttempt.status == IN_PROGRESS)
        )
        drawn = quizzes.attempt_questions(db.session, attempt)
        db.session.rollback()
    while True:
        for item in drawn:
            q = item.question
            if page.locator(f'[name="q.{q.id}"], [name^="m.{q.id}."]').count() == 0:
                continue
            if q.kind == "matching":
                tokens = {o: choice_token(i) for i, o in enumerate(item.option_order)}
                for prompt in q.prompts:
                    page.select_option(f'select[name="m.{q.id}.{prompt.id}"]', tokens[prompt.id])
            else:
                for option_id in sorted(q.correct_ids):
                    page.check(f'input[name="q.{q.id}"][value="{option_id}"]')
        if page.locator("button[value=next]").count():
            number = int(page.locator("input[name=page]").input_value())
            page.click("button[value=next]")
            expect(page.locator("input[name=page]")).to_have_value(str(number + 1))
        else:
            page.click("button[value=submit]")
            page.wait_for_url("**/result")
            return


def test_last_quiz_to_certificate_to_scanned_verification_page(page: Page, live_server: LiveServer, tmp_path):
    base = live_server.url
    app = live_server.app
    # The QR code must lead to this very server: BASE_URL is the live server's address.
    app.config["BASE_URL"] = base
    app.extensions[SETTINGS_KEY] = replace(app.extensions[SETTINGS_KEY], base_url=base)

    register_and_login(page, base, EMAIL, name=NAME)
    last_quiz = _complete_all_but_the_last_quiz(live_server)
    page.goto(f"{base}/certificates")
    expect(page.locator("main")).not_to_contain_text("Завантажити PDF")  # not yet

    page.goto(f"{base}/quizzes/{last_quiz}")
    page.locator("form[action$='/start'] button[type=submit]").click()
    _pass_in_browser(page, live_server)
    expect(page.locator(".flash.success")).to_contain_text("сертифікат готовий")  # same request

    page.click("header nav a:has-text('Мої сертифікати')")
    certificate = page.locator("li.certificate")
    expect(certificate).to_have_attribute("data-state", "valid")
    with page.expect_download() as download_info:
        certificate.locator("a.button").first.click()  # Ukrainian with English; English is the second
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    assert NAME in pdf_text(pdf_path)

    [url] = qr_payloads(pdf_path, tmp_path)
    assert url.startswith(f"{base}/verify/")
    page.context.clear_cookies()  # the verifier is someone else, not logged in
    response = page.goto(url)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(page.locator(".cert-state")).to_have_attribute("data-state", "valid")
    expect(page.locator("dd.holder")).to_have_text("М. О*******")
    assert page.context.cookies() == []  # scanning the code sets no cookie
    page.click("header a[hreflang=en]")  # the page in English, by a plain link
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("#confirm-name")
    page.fill("#surname", "О'Коннор")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".name-check")).to_contain_text(NAME)
    assert page.console_errors == []  # no CSP violation on any page (HDR-1)
