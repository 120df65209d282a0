"""Nothing typed in the editor is lost, and ids learners' records use stay (issue 12), on SQLite
and PostgreSQL: an expired session or page keeps the text through the login (the quiz's carried
form, REL-2e, CSRF-2); an id change is refused once learners have progress; new entries from a
template pass the checks; the preview is the learner's page, marked, and never served to learners.
"""

from __future__ import annotations

import html
import re

import pytest

from course.extensions import db
from tests.conftest import PASSWORD, Auth, csrf_token
from tests.integration.authoring.editor_helpers import (
    MODULE_URL,
    QUIZ_URL,
    edit_form,
    revisions,
    save,
    textarea,
)

CARRIED = re.compile(r'name="carried"(?: type="hidden")? value="([^"]*)"')


@pytest.fixture
def app_overrides() -> dict:
    return {"CONTENT_CHECK_SECONDS": 0}


def _log_in_carrying(client, login_page: str) -> object:
    """Log in again through the form the refusal showed: its `next` and carried text go along."""
    carried = html.unescape(CARRIED.search(login_page).group(1))
    next_url = html.unescape(re.search(r'name="next" type="hidden" value="([^"]*)"', login_page).group(1))
    data = {"email": "admin@example.org", "password": PASSWORD, "carried": carried, "next": next_url}
    return client.post("/login", data={**data, "csrf_token": csrf_token(client)})


@pytest.mark.parametrize("size", ["short", "long"])
def test_an_expired_session_mid_edit_keeps_the_text_through_the_login_REL_2e(app, admin, clock, size):
    """Short texts come back through the session cookie, as quiz answers do; long ones (more
    than a cookie holds) through a Continue form after the login. Either way: shown, unsaved."""
    form = edit_form(admin, MODULE_URL)
    mine = (
        form["text_uk"]
        + "\nНаписано перед тим, як сесія скінчилася.\n"
        + ("Довгий текст. " * 600 if size == "long" else "")
    )
    clock.advance(minutes=61)  # past the 60-minute idle limit
    refused = save(admin, MODULE_URL, form, text_uk=mine)
    assert refused.status_code == 401
    page = refused.get_data(as_text=True)
    assert 'action="/login"' in page and "Написано перед тим" in html.unescape(page)
    assert revisions(app, "content/modules/01-basics.uk.md") == 1  # nothing saved behind the admin's back
    logged_in = _log_in_carrying(admin, page)
    if size == "long":
        assert logged_in.status_code == 200
        body = logged_in.get_data(as_text=True)
        carried = html.unescape(CARRIED.search(body).group(1))
        shown = admin.post(MODULE_URL, data={"carried": carried, "csrf_token": csrf_token(admin, MODULE_URL)})
    else:
        assert logged_in.status_code == 302 and logged_in.headers["Location"] == MODULE_URL
        shown = admin.get(MODULE_URL)
    assert textarea(shown.get_data(as_text=True), "text_uk") == mine.replace("\r\n", "\n")
    assert revisions(app, "content/modules/01-basics.uk.md") == 1


def test_a_bad_csrf_token_mid_edit_keeps_the_text_CSRF_2(app, admin):
    form = edit_form(admin, MODULE_URL)
    mine = form["text_en"] + "\nTyped while the page was stale.\n"
    refused = save(admin, MODULE_URL, form, text_en=mine, csrf_token="stale")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert textarea(page, "text_en") == mine and textarea(page, "text_uk") == form["text_uk"]
    assert revisions(app, "content/modules/01-basics.en.md") == 1
    # the page carries a fresh token: Save now works
    fresh = dict(form, text_en=mine, csrf_token=csrf_token(admin, MODULE_URL))
    assert save(admin, MODULE_URL, fresh).status_code == 303
    assert revisions(app, "content/modules/01-basics.en.md") == 2


def test_a_post_without_a_session_shows_the_login_carrying_the_text_CSRF_2(app, admin):
    form = edit_form(admin, MODULE_URL)
    stranger = app.test_client()  # the browser lost its session cookie
    refused = stranger.post(MODULE_URL, data=dict(form, text_uk="Мій текст"))
    assert refused.status_code == 401 and "Мій текст" in html.unescape(refused.get_data(as_text=True))


def test_an_id_change_is_refused_once_learners_have_progress_and_a_title_change_is_not(app, admin, make_learner):
    learner = app.test_client()
    assert Auth(learner).login(make_learner().email).status_code == 302
    url = "/modules/basics/first"
    assert learner.post(url + "/read", data={"csrf_token": csrf_token(learner, url)}).status_code in (302, 303)
    form = edit_form(admin, MODULE_URL)
    renamed = form["text_uk"].replace("{#first}", "{#perwyj}")
    refused = save(admin, MODULE_URL, form, text_uk=renamed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "basics/first" in page and textarea(page, "text_uk") == renamed
    assert revisions(app, "content/modules/01-basics.uk.md") == 1
    retitled = form["text_uk"].replace("## ", "## Новий заголовок: ", 1)
    assert save(admin, MODULE_URL, form, text_uk=retitled).status_code == 303


def test_a_quiz_id_change_is_refused_once_learners_have_attempts(app, admin, make_learner):
    from tests.integration.quizzes.helpers import start

    learner = app.test_client()
    assert Auth(learner).login(make_learner().email).status_code == 302
    start(learner, "basics-quiz")
    form = edit_form(admin, QUIZ_URL)
    refused = save(admin, QUIZ_URL, form, text_en=form["text_en"].replace("id: basics-quiz", "id: basics-test"))
    assert refused.status_code == 409 and "basics-quiz" in refused.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["module", "quiz"])
def test_a_new_module_or_quiz_from_the_template_is_in_both_languages_and_passes_the_checks(app, admin, kind):
    token = csrf_token(admin, "/admin/authoring/new")
    data = {"kind": kind, "entry_id": f"new-{kind}", "title_uk": "Нове", "title_en": "New", "module_id": "next-steps"}
    created = admin.post("/admin/authoring/new", data={**data, "csrf_token": token})
    assert created.status_code == 303
    page = admin.get(created.headers["Location"]).get_data(as_text=True)
    assert "Нове" in textarea(page, "text_uk") and "New" in textarea(page, "text_en")
    assert "content/modules/03-new-module" in page or "quizzes/new-quiz" in page
    publish = admin.get("/admin/authoring/publish").get_data(as_text=True)
    assert "не можна опублікувати" not in publish  # the skeleton passes every check
    again = admin.post("/admin/authoring/new", data={**data, "csrf_token": token})
    assert again.status_code == 409  # the same id twice: refused, with a clear message


def test_the_preview_is_the_learners_page_marked_in_both_languages_and_learners_never_see_the_draft(
    app, admin, make_learner
):
    form = edit_form(admin, MODULE_URL)
    save(
        admin,
        MODULE_URL,
        form,
        text_uk=form["text_uk"].replace("Текст першого уроку", "Чернетка першого уроку"),
        text_en=form["text_en"].replace("Text of the first lesson", "Draft of the first lesson"),
    )
    uk = admin.get("/admin/authoring/preview/uk/modules/basics/first").get_data(as_text=True)
    en = admin.get("/admin/authoring/preview/en/modules/basics/first").get_data(as_text=True)
    assert "Чернетка першого уроку" in uk and "Draft of the first lesson" in en
    assert "preview-banner" in uk and "Preview of the draft" in en
    assert 'href="/admin/authoring/preview/uk/modules/basics/second"' in uk  # lesson: links stay in the preview
    assert "/read" not in uk  # no form that would mark a lesson read
    quiz = admin.get("/admin/authoring/preview/en/quizzes/basics-quiz").get_data(as_text=True)
    assert "Does consent matter" in quiz and 'name="action"' not in quiz
    assert admin.get("/admin/authoring/preview/de/modules/basics").status_code == 404
    learner = app.test_client()
    assert Auth(learner).login(make_learner().email).status_code == 302
    assert "Чернетка" not in learner.get("/modules/basics/first").get_data(as_text=True)


def test_an_attempt_and_a_certificate_show_the_release_they_were_taken_on(app, admin, make_learner):
    from tests.integration.certificates.helpers import issue_directly
    from tests.integration.quizzes.helpers import answers, post, start

    learner_user = make_learner()
    learner = app.test_client()
    assert Auth(learner).login(learner_user.email).status_code == 302
    public_id = start(learner, "basics-quiz")
    post(learner, public_id, answers(app, public_id), action="submit", app=app)
    page = admin.get(f"/admin/users/{learner_user.id}").get_data(as_text=True)
    assert "випуск 1" in page
    certificate_id, _code = issue_directly(app, learner_user.id)
    with app.app_context():
        from course.certificates.models import Certificate

        db.session.rollback()
        content_hash = db.session.get(Certificate, certificate_id).content_hash
    detail = admin.get(f"/admin/certificates/{certificate_id}").get_data(as_text=True)
    assert content_hash[:12] in detail and "випуском курсу 1" in detail
