"""A learner's and an admin's whole walking-skeleton journey in real Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from course.accounts.services import create_admin
from course.content.access import current_catalog
from course.extensions import db
from tests.e2e.conftest import LiveServer, register_and_login


def test_learner_reads_lessons_in_two_languages_and_admin_sees_progress(page: Page, live_server: LiveServer):
    base = live_server.url
    with live_server.app.app_context():
        first = current_catalog().modules[0]
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("ol.modules")).to_contain_text(first.title["uk"])

    page.click("button[name=lang][value=en]")  # the choice sticks for a visitor (cookie)
    page.goto(base + "/")
    expect(page.locator("ol.modules")).to_contain_text(first.title["en"])

    register_and_login(page, base, "olena@example.org")
    expect(page.locator("h1")).to_have_text("My learning")
    expect(page.locator(".course-progress")).to_contain_text("0%")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # readable on a 360 px phone
    page.click("text=Continue where you left off")
    expect(page.locator("article h1")).to_have_text(first.lessons[0].title["en"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("text=Mark as read and continue")
    expect(page.locator("article h1")).to_have_text(first.lessons[1].title["en"])

    page.click("button[name=lang][value=uk]")  # stored on the account; progress is by id
    page.goto(f"{base}/modules/{first.id}")
    expect(page.locator("ol.lessons li").first).to_contain_text("✓ прочитано")
    page.goto(base + "/dashboard")
    expect(page.locator(".course-progress a.button")).to_contain_text(first.lessons[1].title["uk"])

    page.click("header button:has-text('Вийти')")
    expect(page.locator("h1")).to_have_text("Увійти")
    page.go_back()  # HDR-3: the private page is not shown from the cache after logout
    expect(page.locator("h1")).not_to_have_text("Моє навчання")

    with live_server.app.app_context():
        create_admin(db.session, "admin@example.org", "an admin passphrase long", live_server.clock())
        db.session.commit()
    page.goto(base + "/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "an admin passphrase long")
    page.click("form.stack button[type=submit]")
    page.goto(base + "/admin/")
    row = page.locator("table.report tr", has_text="Мар'яна О'Коннор")
    expect(row).to_contain_text("olena@example.org")
    expect(row.locator("td").nth(4)).not_to_have_text(re.compile(r"^0 "))  # lessons read: some (issue 16, item 4)
    assert page.console_errors == []  # no CSP violations on any page (HDR-1)
