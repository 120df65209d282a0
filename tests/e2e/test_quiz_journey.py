"""A learner's quiz journey in real Chromium, with JavaScript off and on.

JavaScript off: answers saved page by page, a failed attempt, the try-then-reveal review and a
practice round of the missed questions. JavaScript on: autosave keeps answers through a
reload; the cooldown is waited out on the injected clock; the retake passes. No page breaks
the CSP (no inline script) on the way.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from course.content.access import current_catalog
from course.extensions import db
from course.quizzes import services
from course.quizzes.forms import choice_token
from course.quizzes.models import IN_PROGRESS, QuizAttempt
from tests.e2e.conftest import CHROMIUM_ARGS, LiveServer, register_and_login  # noqa: F401


def _first_quiz(live_server: LiveServer):
    with live_server.app.app_context():
        catalog = current_catalog()
        return next(q for q in catalog.quizzes.values() if q.module_id == catalog.modules[0].id)


def _open_attempt(live_server: LiveServer, email: str):
    """The learner's open attempt, as the server drew it (what the browser shows)."""
    from course.accounts.models import User

    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        attempt = db.session.scalar(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.status == IN_PROGRESS)
            .order_by(QuizAttempt.id.desc())
        )
        drawn = services.attempt_questions(db.session, attempt)
        db.session.rollback()
        return drawn


def _answer(page: Page, drawn, right: bool) -> None:
    """Answer the questions shown on this page, all right or all wrong."""
    for item in drawn:
        q = item.question
        if page.locator(f'[name="q.{q.id}"], [name^="m.{q.id}."]').count() == 0:
            continue
        if q.kind == "matching":
            prompts = [p.id for p in q.prompts]
            tokens = {o: choice_token(i) for i, o in enumerate(item.option_order)}
            for index, prompt in enumerate(prompts):
                target = prompt if right else prompts[(index + 1) % len(prompts)]
                page.select_option(f'select[name="m.{q.id}.{prompt}"]', tokens[target])
            continue
        chosen = sorted(q.correct_ids) if right else [next(o.id for o in q.options if not o.is_correct)]
        for option_id in chosen:
            page.check(f'input[name="q.{q.id}"][value="{option_id}"]')


def _take(page: Page, live_server: LiveServer, email: str, right: bool) -> None:
    """Answer every page and submit; with JavaScript the form waits for a pending autosave."""
    drawn = _open_attempt(live_server, email)
    while True:
        _answer(page, drawn, right)
        number = int(page.locator("input[name=page]").input_value())
        if page.locator("button[value=next]").count():
            page.click("button[value=next]")
            expect(page.locator("input[name=page]")).to_have_value(str(number + 1))
        else:
            page.click("button[value=submit]")
            page.wait_for_url("**/result")
            return


def test_quiz_journey_js_off_fails_reviews_practises(browser: Browser, live_server: LiveServer):
    base = live_server.url
    quiz = _first_quiz(live_server)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    register_and_login(page, base, "nojs@example.org")
    page.click("button[name=lang][value=en]")
    page.goto(base + "/dashboard")
    expect(page.locator(".module-quiz").first).to_contain_text("Quiz not started")
    page.locator(".module-quiz a").first.click()
    page.click("text=Start the quiz")
    expect(page.locator("h1")).to_have_text(quiz.title["en"])

    drawn = _open_attempt(live_server, "nojs@example.org")
    _answer(page, drawn, right=False)
    page.click("button[value=next]")  # saved per page, without JavaScript
    page.click("button[value=previous]")
    expect(page.locator("input:checked").first).to_be_checked()
    page.click("button[value=next]")
    _take(page, live_server, "nojs@example.org", right=False)

    expect(page.locator("h1")).to_have_text("Your result")
    expect(page.locator(".score")).to_contain_text("Not passed yet")
    # A question with options (the draw may put a matching question first; its pairs are marked
    # right or wrong without a per-option rationale).
    wrong = page.locator("article.reviewed.wrong").filter(has=page.locator(".answers li.wrong .feedback")).first
    expect(wrong.locator(".answers li.wrong .feedback")).to_be_visible()  # why this was wrong
    if quiz.settings.review == "full":  # the bundled quizzes may choose "feedback" instead
        reveal = wrong.locator("details.reveal")
        expect(reveal.locator(".feedback").first).to_be_hidden()  # try first ...
        reveal.locator("summary").click()  # ... then reveal, with no JavaScript at all
        expect(reveal.locator(".feedback").first).to_be_visible()
    else:
        expect(page.locator("details.reveal")).to_have_count(0)

    page.click("text=Practise what you missed")
    expect(page.locator("h1")).to_contain_text("practice round")
    _take(page, live_server, "nojs@example.org", right=True)
    expect(page.locator("h1")).to_have_text("Practice round: result")
    expect(page.locator(".score")).to_contain_text("practice does not count")
    page.goto(f"{base}/quizzes/{quiz.id}")
    expect(page.locator(".quiz-status")).to_contain_text("next attempt allowed from")
    context.close()


def test_quiz_journey_js_on_autosaves_waits_out_cooldown_and_passes(page: Page, live_server: LiveServer):
    base = live_server.url
    quiz = _first_quiz(live_server)
    email = "js@example.org"
    register_and_login(page, base, email)
    page.click("button[name=lang][value=en]")
    page.goto(f"{base}/quizzes/{quiz.id}")
    page.click("text=Start the quiz")
    drawn = _open_attempt(live_server, email)
    _answer(page, drawn, right=True)
    expect(page.locator(".autosave-status")).to_have_text("All answers saved.")  # autosave
    page.reload()  # a closed or reloaded tab loses nothing
    checked = page.locator("input:checked").count() + page.locator("select option[selected]").count()
    assert checked > 0
    _take(page, live_server, email, right=False)
    expect(page.locator(".score")).to_contain_text("Not passed yet")

    page.goto(f"{base}/quizzes/{quiz.id}")
    expect(page.locator(".quiz-status")).to_contain_text("next attempt allowed from")
    expect(page.locator("text=Take the quiz again")).to_have_count(0)
    live_server.clock.advance(minutes=quiz.settings.cooldown_minutes + 1)
    page.reload()
    page.click("text=Take the quiz again")
    _take(page, live_server, email, right=True)
    expect(page.locator(".score")).to_contain_text("Passed")
    page.goto(base + "/dashboard")
    expect(page.locator(".module-quiz").first).to_contain_text("Quiz passed (100%)")
    assert page.console_errors == []  # no CSP violation: the autosave script is a file
