"""Issue 16, item 11: lesson tables scroll in a marked, focusable region at 360 px; the admin's
learner page has no sideways scroll at 360 px; the admin filter forms are a tidy grid at 1280 px.
Chromium measures scrollWidth and the boxes."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from course.accounts.models import User
from course.accounts.services import create_admin
from course.content.access import current_catalog
from course.extensions import db
from tests.e2e.conftest import LiveServer, register_and_login

ADMIN_PASSWORD = "admin password that is long enough"


def _lesson_with_a_table(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        for module in current_catalog().modules:
            for lesson in module.lessons:
                if "<table" in lesson.html["uk"]:
                    return f"/modules/{module.id}/{lesson.id}"
    raise AssertionError("the bundled course has no table")


def _page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_lesson_table_scrolls_in_a_labelled_focusable_region_at_360px(page: Page, live_server: LiveServer):
    register_and_login(page, live_server.url, "narrow@example.org")
    page.goto(live_server.url + _lesson_with_a_table(live_server))
    region = page.locator(".prose .table-scroll").first
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("aria-label", "Таблиця: прокрутіть її вбік, щоб побачити всі стовпці.")
    expect(region.locator(".table-hint")).to_be_visible()  # the hint shows on a narrow screen
    assert _page_width(page) <= 360  # the page itself never scrolls sideways
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # the table does, inside
    region.focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    assert region.evaluate("el => el.scrollLeft") > 0  # reachable with the keyboard
    last = region.locator("tr").first.locator("th, td").last
    region.evaluate("el => { el.scrollLeft = el.scrollWidth }")
    box, frame = last.bounding_box(), region.bounding_box()
    assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1  # the last column is reachable


def _admin_page(browser: Browser, live_server: LiveServer, width: int) -> Page:
    with live_server.app.app_context():
        if db.session.scalar(select(User).where(User.email == "admin@example.org")) is None:
            create_admin(db.session, "admin@example.org", ADMIN_PASSWORD, live_server.clock())
            db.session.commit()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", ADMIN_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/dashboard")
    return page


def test_the_admin_learner_page_has_no_sideways_scroll_at_360px(page: Page, browser: Browser, live_server: LiveServer):
    register_and_login(page, live_server.url, "a.very.long.address.for.a.learner@example-organisation.org")
    with live_server.app.app_context():
        learner_id = db.session.scalar(select(User.id).where(User.email.like("a.very.long%")))
    admin = _admin_page(browser, live_server, 360)
    for path in (f"/admin/users/{learner_id}", "/admin/", "/admin/certificates"):
        admin.goto(live_server.url + path)
        assert _page_width(admin) <= 360, (path, _page_width(admin))
    admin.context.close()


def test_the_admin_filter_forms_are_a_tidy_grid_at_1280px(browser: Browser, live_server: LiveServer):
    admin = _admin_page(browser, live_server, 1280)
    for path in ("/admin/", "/admin/certificates"):
        admin.goto(live_server.url + path)
        form = admin.locator("form.filters")
        assert form.evaluate("el => el.scrollWidth <= el.clientWidth"), path
        fields = form.locator(".field")
        boxes = []
        for index in range(fields.count()):
            field = fields.nth(index)
            label, control = field.locator("label").bounding_box(), field.locator("input, select").bounding_box()
            assert label["y"] + label["height"] <= control["y"] + 1, path  # each label above its control
            assert control["width"] >= 150, path  # no squeezed control
            boxes.append(control)
        rows = sorted({round(box["y"]) for box in boxes})
        assert len(rows) <= 2, (path, rows)  # controls line up in at most two rows
        assert len({round(box["height"]) for box in boxes}) == 1, path  # and are of one height
        button = form.locator("button").bounding_box()
        assert abs((button["y"] + button["height"]) - (boxes[-1]["y"] + boxes[-1]["height"])) <= 4, path
    admin.context.close()
