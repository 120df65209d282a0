"""Cohorts in real Chromium: an admin creates a cohort and a trainer; the trainer imports a CSV with
two bad rows, fixes them and imports; an invited learner sets a password from the e-mail link read
from a real SMTP server (aiosmtpd); the trainer sees their progress."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from course.accounts.services import create_admin
from course.extensions import db
from tests.conftest import FakeClock, make_test_app
from tests.e2e.conftest import ROOT, LiveServer, register_and_login
from tests.pg import free_port
from tests.smtp import Collector, smtp_server

PASSWORD = "correct horse battery staple"
HEADER = "email;full_name;org_type;region;position;language\r\n"
GOOD = (
    "petro.inspector@example.org;Петро Мар’янович;police;lviv;Інспектор;uk\r\n"
    "olha@example.org;Ольга Пʼятак;Поліція;Львівська область;;en\r\n"
)
BAD = "not-an-email;Тарас Бульба;police;lviv;;uk\r\nivan@example.org;=cmd|' /C calc'!A0;police;Марс;;uk\r\n"
FIXED = "taras@example.org;Тарас Бульба;police;lviv;;uk\r\nivan@example.org;Іван Сірко;police;lviv;;uk\r\n"


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[tuple[LiveServer, Collector]]:
    """The bundled course on SQLite, with e-mail going to a real SMTP server on 127.0.0.1."""
    smtp_port, clock = free_port(), FakeClock()
    app = make_test_app(
        f"sqlite:///{tmp_path / 'e2e.db'}",
        tmp_path,
        clock,
        CONTENT_DIR=str(ROOT / "content"),
        QUIZZES_DIR=str(ROOT / "quizzes"),
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_port,
        SMTP_SECURITY="none",
    )
    with app.app_context():
        db.create_all()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with smtp_server(smtp_port, Collector()) as collector:
            yield LiveServer(app, f"http://127.0.0.1:{port}", clock), collector
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    return context.new_page()


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/login?lang=en")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")
    if page.locator("button[name=lang][value=en]").count():
        page.click("button[name=lang][value=en]")  # stored on the account: every page in English


def upload(page: Page, base: str, cohort: str, text: str) -> None:
    page.goto(base + "/admin/cohorts/import?lang=en")
    page.select_option("#cohort", label=cohort)
    page.set_input_files("#file", files=[{"name": "group.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("form.stack button[type=submit]")


@pytest.mark.e2e
def test_trainer_enrols_a_cohort_and_follows_an_invited_learners_progress(browser: Browser, mail_server):
    live, collector = mail_server
    base, cohort = live.url, "Lviv oblast police, spring 2027"
    trainer = new_page(browser)
    register_and_login(trainer, base, "trainer@example.org", name="Оксана Тренерка")
    with live.app.app_context():
        create_admin(db.session, "admin@example.org", PASSWORD, live.clock())
        db.session.commit()

    admin = new_page(browser)
    log_in(admin, base, "admin@example.org")
    admin.goto(base + "/admin/cohorts/new?lang=en")
    admin.fill("#name", cohort)
    admin.select_option("#region", "lviv")
    admin.fill("#starts_on", "2026-11-01")
    admin.fill("#due_on", "2026-12-20")
    admin.click("form.stack button[type=submit]")
    expect(admin.locator("h1")).to_have_text(cohort)
    cohort_url = admin.url
    admin.goto(base + "/admin/?q=trainer%40example.org&lang=en")
    admin.click("text=Оксана Тренерка")
    admin.select_option("#role", "trainer")
    admin.check("form[action$='/role'] input[name=confirm]")  # dangerous actions are confirmed (issue 16)
    admin.click("form[action$='/role'] button")
    admin.goto(cohort_url + "?lang=en")
    admin.select_option("#trainer", label="Оксана Тренерка <trainer@example.org>")
    admin.click("form[action$='/trainers'] button")
    expect(admin.locator("body")).to_contain_text("The trainer has been assigned.")

    log_in(trainer, base, "trainer@example.org")  # the role change ended the old session
    upload(trainer, base, cohort, HEADER + GOOD + BAD)
    expect(trainer.locator("[data-state=problems]")).to_contain_text("3 problems found")
    problems = trainer.locator("table.problems tbody tr")
    expect(problems).to_have_count(3)  # line 4: the e-mail; line 5: the formula and the region
    expect(problems.nth(0)).to_contain_text("4")
    expect(problems.nth(1)).to_contain_text("formula")
    upload(trainer, base, cohort, HEADER + GOOD + FIXED)
    expect(trainer.locator("[data-state=clean]")).to_contain_text("4 learners")
    trainer.click("form.stack button[type=submit]")
    expect(trainer.locator("[data-state=applied]")).to_be_visible()

    result = live.app.test_cli_runner().invoke(args=["mail", "send"])
    assert "sent 4" in result.output, result.output
    invitation = next(m for m in collector.messages if m["To"] == "olha@example.org")
    assert invitation["Subject"] == "Your account for the Frontline course"  # the file said `en`
    link = re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", invitation.get_content()).group(1)

    learner = new_page(browser)
    learner.goto(base + link)
    learner.fill("#new_password", PASSWORD)
    learner.click("form.stack button[type=submit]")
    log_in(learner, base, "olha@example.org")
    expect(learner.locator("[data-due]")).to_contain_text("2026-12-20")
    learner.click(".course-progress a.button")
    learner.click("form[action$='/read'] button[type=submit]")

    trainer.goto(base + "/admin/?lang=en")
    row = trainer.locator("table.report tr", has_text="olha@example.org")
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"^1 of \d+$"))  # lessons read (issue 16)
    expect(trainer.locator("table.report")).not_to_contain_text("admin@example.org")
