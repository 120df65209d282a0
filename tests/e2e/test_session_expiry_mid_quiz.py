"""Issue 16, item 1: the session ends in the middle of a quiz. The learner changes an answer
and presses Save: they get the login form (not a dead-end error page), and after logging in
they are back on the attempt with every answer, the one changed after the expiry included.

With JavaScript the background autosave meets the expiry first (it logs the session out);
without it the session cookie is simply gone (the browser dropped it). Both end the same way.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from course.accounts.models import User
from course.extensions import db
from course.quizzes import services
from course.quizzes.models import IN_PROGRESS, QuizAttempt
from tests.e2e.conftest import LiveServer, register_and_login
from tests.e2e.test_quiz_journey import _first_quiz

PASSWORD = "correct horse battery staple"


def _radio_group(page: Page) -> tuple[str, list[str]]:
    """The first single-choice question on the page: its field name and option values."""
    name = page.locator("input[type=radio]").first.get_attribute("name")
    values = [r.get_attribute("value") for r in page.locator(f'input[type=radio][name="{name}"]').all()]
    return name, values


def _stored_answers(live_server: LiveServer, email: str) -> dict:
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        attempt = db.session.scalar(
            select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.status == IN_PROGRESS)
        )
        stored = services.stored_responses(attempt)
        db.session.rollback()
        return stored


def _start(page: Page, live_server: LiveServer, email: str) -> None:
    register_and_login(page, live_server.url, email)
    page.goto(f"{live_server.url}/quizzes/{_first_quiz(live_server).id}")
    page.click("form.quiz-actions button[type=submit]")
    expect(page.locator("form#attempt")).to_be_visible()


def _log_in_again(page: Page, email: str) -> None:
    expect(page.locator("h1")).to_have_text("Увійти")  # the login form, not a 400 page
    expect(page.locator(".flash.info")).to_contain_text("ваші відповіді збережено")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator("form#attempt")).to_be_visible()  # straight back to the attempt


def test_with_javascript_the_changed_answer_survives_the_expiry_and_the_login(page: Page, live_server: LiveServer):
    email = "expiry-js@example.org"
    _start(page, live_server, email)
    name, values = _radio_group(page)
    page.check(f'input[name="{name}"][value="{values[0]}"]')
    expect(page.locator(".autosave-status")).to_have_text("Усі відповіді збережено.")
    live_server.clock.advance(minutes=61)  # the 60-minute idle limit has passed
    page.check(f'input[name="{name}"][value="{values[1]}"]')  # autosave meets the expired session
    page.wait_for_timeout(1500)
    page.click("button[value=save]")
    _log_in_again(page, email)
    expect(page.locator(f'input[name="{name}"][value="{values[1]}"]')).to_be_checked()
    page.click("button[value=save]")
    expect(page.locator(f'input[name="{name}"][value="{values[1]}"]')).to_be_checked()
    question_id = name.removeprefix("q.")
    assert _stored_answers(live_server, email)[question_id].chosen == frozenset({values[1]})


def test_without_javascript_a_dropped_session_cookie_keeps_the_answers_through_the_login(
    browser: Browser, live_server: LiveServer
):
    email = "expiry-nojs@example.org"
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    _start(page, live_server, email)
    name, values = _radio_group(page)
    page.check(f'input[name="{name}"][value="{values[0]}"]')
    page.click("button[value=save]")
    context.clear_cookies()  # the session cookie expired in the browser
    page.check(f'input[name="{name}"][value="{values[1]}"]')
    page.click("button[value=save]")
    _log_in_again(page, email)
    expect(page.locator(f'input[name="{name}"][value="{values[1]}"]')).to_be_checked()
    page.click("button[value=save]")
    assert _stored_answers(live_server, email)[name.removeprefix("q.")].chosen == frozenset({values[1]})
    context.close()
