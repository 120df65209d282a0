"""Security seen from a real Chromium: no CSP violation on the main pages (HDR-1), a hostile name
never runs as script (OUT-3), and the back button after logout shows nothing private (HDR-3)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from course.accounts.services import create_admin
from course.content.access import current_catalog
from course.extensions import db
from tests.e2e.conftest import LiveServer, register_and_login

HOSTILE_NAME = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
ADMIN_PASSWORD = "an admin passphrase long"


def _login(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")


def _visit_all(page: Page, base: str, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status < 500, path
        assert page.evaluate("typeof window.__xss") == "undefined", path


def test_main_pages_have_no_csp_violation_and_names_never_run_HDR_1_OUT_3(page: Page, live_server: LiveServer):
    base = live_server.url
    with live_server.app.app_context():
        catalog = current_catalog()
        module = catalog.modules[0]
        quiz_id = next(iter(catalog.quizzes), None)
    register_and_login(page, base, "hostile@example.org", name=HOSTILE_NAME)
    expect(page.locator("main")).to_contain_text(HOSTILE_NAME)  # shown as text
    learner_pages = [
        "/",
        "/dashboard",
        f"/modules/{module.id}",
        f"/modules/{module.id}/{module.lessons[0].id}",
        "/account",
        "/account/password",
        "/certificates",
        "/verify",
    ]
    if quiz_id:
        learner_pages.append(f"/quizzes/{quiz_id}")
    _visit_all(page, base, learner_pages)
    if quiz_id:
        page.goto(f"{base}/quizzes/{quiz_id}")
        page.click(f"form[action='/quizzes/{quiz_id}/start'] button")  # the attempt page runs autosave.js
        expect(page).to_have_url(re.compile(r"/attempts/"))
        assert page.evaluate("typeof window.__xss") == "undefined"
    page.click("header form[action='/logout'] button")

    with live_server.app.app_context():
        admin = create_admin(db.session, "admin@example.org", ADMIN_PASSWORD, live_server.clock())
        db.session.commit()
        admin_id = admin.id
    _login(page, base, "admin@example.org", ADMIN_PASSWORD)
    admin_pages = ["/admin/", "/admin/?sort=progress", f"/admin/users/{admin_id - 1}", "/admin/content"]
    if "certificates.admin_list" in live_server.app.view_functions:
        admin_pages.append("/admin/certificates")
    _visit_all(page, base, admin_pages)
    page.goto(base + "/admin/")
    expect(page.locator("table.report")).to_contain_text(HOSTILE_NAME)
    assert page.console_errors == [], page.console_errors  # type: ignore[attr-defined]


def test_back_button_after_logout_shows_no_private_page_HDR_3(page: Page, live_server: LiveServer):
    base = live_server.url
    with live_server.app.app_context():
        create_admin(db.session, "admin@example.org", ADMIN_PASSWORD, live_server.clock())
        db.session.commit()
    register_and_login(page, base, "learner@example.org", name="Приватна Слухачка")
    page.click("header button:has-text('Вийти')")
    _login(page, base, "admin@example.org", ADMIN_PASSWORD)
    page.goto(base + "/admin/")
    expect(page.locator("table.report")).to_contain_text("Приватна Слухачка")
    page.goto(base + "/account")
    expect(page.locator("main")).to_contain_text("admin@example.org")
    page.click("header button:has-text('Вийти')")
    expect(page.locator("h1")).to_have_text("Увійти")
    for _ in range(2):  # back to the account page, then to the report
        page.go_back()
        expect(page.locator("h1")).to_have_text("Увійти")  # re-fetched: anonymous, so the login page
        assert "Приватна Слухачка" not in page.content() and "admin@example.org" not in page.content()
