"""The course admin's journey in the browser editor (issue 12), in Chromium: break a quiz, see
the problem at its line, fix it, preview it in both languages, publish; a learner in another
browser context sees the change on the next page, without a restart."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from course.accounts.services import create_admin
from course.authoring import services
from course.content.files import read_course_files
from course.extensions import db
from tests.e2e.conftest import ROOT, LiveServer, register_and_login

QUIZ = "what-is-trafficking-quiz"
EDITOR = f"/admin/authoring/files/quiz/{QUIZ}"
OLD_UK = "Перевірка знань: що таке торгівля людьми"
NEW_UK = "Перевірка знань: що таке торгівля людьми (оновлено)"
NEW_EN = "Check your knowledge: what human trafficking is (updated)"
ADMIN, PASSWORD = "editor@example.org", "correct horse battery staple"


def _start(live_server: LiveServer) -> None:
    app = live_server.app
    app.config["CONTENT_CHECK_SECONDS"] = 0  # the next page looks for a new release
    with app.app_context():
        create_admin(db.session, ADMIN, PASSWORD, live_server.clock())
        services.seed_release(db.session, read_course_files(ROOT / "content", ROOT / "quizzes"))
        db.session.commit()


def _log_in(page: Page, base: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/dashboard")


def test_an_admin_breaks_fixes_previews_and_publishes_a_quiz_and_a_learner_sees_it(
    live_server: LiveServer, page: Page, browser: Browser
):
    _start(live_server)
    base = live_server.url
    learner_context = browser.new_context(viewport={"width": 360, "height": 740})
    learner = learner_context.new_page()
    register_and_login(learner, base, "learner-e2e@example.org")
    learner.goto(base + f"/quizzes/{QUIZ}")
    expect(learner.locator("h1")).to_contain_text(OLD_UK)

    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, base)
    page.goto(base + EDITOR)
    original_uk, original_en = page.input_value("#text_uk"), page.input_value("#text_en")
    broken = original_uk.replace("type=single case=m1-case-olena}", "type=singel case=m1-case-olena}", 1)
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "type=singel" in text)
    page.fill("#text_uk", broken)
    page.click("form.editor button[type=submit]")
    problem = page.locator("#problems-uk a.problem-link").first
    expect(problem).to_contain_text(f"{line}:")
    problem.click()  # the enhancement: the cursor lands on the problem's line
    start = page.evaluate("document.getElementById('text_uk').selectionStart")
    assert broken[:start].count("\n") == line - 1

    page.fill("#text_uk", original_uk.replace(OLD_UK, NEW_UK, 1))
    page.fill("#text_en", original_en.replace('what human trafficking is"', 'what human trafficking is (updated)"', 1))
    page.click("form.editor button[type=submit]")
    expect(page.locator("#problems-uk")).to_have_count(0)
    expect(page.locator("#problems-en")).to_have_count(0)

    page.goto(base + f"/admin/authoring/preview/uk/quizzes/{QUIZ}")
    expect(page.locator(".preview-banner")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(NEW_UK)
    page.click(".preview-banner a[lang=en]")
    expect(page.locator("h1")).to_contain_text(NEW_EN)
    learner.reload()
    expect(learner.locator("h1")).to_contain_text(OLD_UK)  # a draft never reaches learners

    page.goto(base + "/admin/authoring/publish")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/admin/authoring/")
    expect(page.locator("p.lead")).to_contain_text("2")
    learner.reload()
    expect(learner.locator("h1")).to_contain_text(NEW_UK)
    assert page.console_errors == []  # type: ignore[attr-defined]
    learner_context.close()
