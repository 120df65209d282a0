"""The course editor in the browser (issue 12), on SQLite and PostgreSQL: who may open it, drafts
saved with their problems but never served, publish only when clean, conflicts, history.

Security ids: AC-2 (admins only, checked on the server), CSRF-1 (every write a POST with a token).
"""

from __future__ import annotations

import pytest

from course.authoring import services
from course.extensions import db
from tests.conftest import Auth, csrf_token
from tests.integration.authoring.editor_helpers import (
    MODULE_URL,
    QUIZ_URL,
    edit_form,
    learner_client,
    revisions,
    save,
    seed,
    textarea,
)

QUIZ_UK = "quizzes/basics.uk.md"
BROKEN = "{#q-consent type=single case=case-job-offer}"


@pytest.fixture
def app_overrides() -> dict:
    return {"CONTENT_CHECK_SECONDS": 0}  # a publish is served on the very next request


def test_the_editor_is_for_admins_trainers_and_learners_get_403_visitors_log_in_AC_2(app, clock, make_learner):
    seed(app, clock)
    assert app.test_client().get("/admin/authoring/").headers["Location"].startswith("/login")
    learner = learner_client(app, make_learner)
    token = csrf_token(learner, "/dashboard")
    for url in ("/admin/authoring/", MODULE_URL, "/admin/authoring/preview/uk/modules/basics"):
        assert learner.get(url).status_code == 403
    assert learner.post(MODULE_URL, data={"csrf_token": token, "text_uk": "x"}).status_code == 403
    assert learner.post("/admin/authoring/publish", data={"csrf_token": token}).status_code == 403
    trainer = make_learner()
    with app.app_context():
        from course.accounts.models import User

        db.session.get(User, trainer.id).role = "trainer"
        db.session.commit()
    trainer_client = app.test_client()
    assert Auth(trainer_client).login(trainer.email).status_code == 302
    assert trainer_client.get("/admin/authoring/").status_code == 403
    assert trainer_client.get(MODULE_URL).status_code == 403


def test_the_list_shows_every_file_its_state_and_the_live_release(app, admin):
    page = admin.get("/admin/authoring/").get_data(as_text=True)
    for stem in ("01-basics", "02-next", "glossary", "basics"):
        assert f">{stem}<" in page
    form = edit_form(admin, MODULE_URL)
    save(admin, MODULE_URL, form, text_en=form["text_en"].replace("Text of the first lesson.", "Edited text."))
    page = admin.get("/admin/authoring/").get_data(as_text=True)
    assert "змінено в чернетці" in page  # en of 01-basics changed since release 1
    assert "Учні бачать випуск 1" in page


def test_a_draft_with_problems_is_saved_listed_at_its_line_and_learners_still_see_the_release(app, admin, make_learner):
    form = edit_form(admin, QUIZ_URL)
    broken = form["text_uk"].replace(BROKEN, "{#q-consent type=singel case=case-job-offer}")
    response = save(admin, QUIZ_URL, form, text_uk=broken)
    assert response.status_code == 303
    page = admin.get(QUIZ_URL).get_data(as_text=True)
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "type=singel" in x)) + 1
    assert f">{line}:" in page or f">{line}: " in page  # `line[:column]: message`, in Ukrainian
    assert textarea(page, "text_uk") == broken
    index = admin.get("/admin/authoring/").get_data(as_text=True)
    assert QUIZ_UK in index and "не можна опублікувати" in index
    learner = learner_client(app, make_learner)
    quiz = learner.get("/quizzes/basics-quiz")
    assert quiz.status_code == 200  # the release still serves the quiz, unbroken


def test_publish_is_refused_with_every_problem_then_accepted_once_clean(app, admin, make_learner, clock):
    learner = learner_client(app, make_learner)
    form = edit_form(admin, MODULE_URL)
    broken = form["text_en"].replace("[the glossary](page:glossary)", "[the glossary](page:nowhere)")
    assert save(admin, MODULE_URL, form, text_en=broken).status_code == 303
    token = csrf_token(admin, "/admin/authoring/publish")
    refused = admin.post("/admin/authoring/publish", data={"csrf_token": token})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "content/modules/01-basics.en.md" in body and "nowhere" in body
    assert "field=text_en" in body  # each problem links to its file and line
    with app.app_context():
        assert services.current_release(db.session).id == 1
    form = edit_form(admin, MODULE_URL)
    fixed = form["text_en"].replace("(page:nowhere)", "(page:glossary)")
    edited = form["text_uk"].replace("Текст першого уроку", "Виправлений текст першого уроку")
    assert edited != form["text_uk"]
    assert save(admin, MODULE_URL, form, text_en=fixed, text_uk=edited).status_code == 303
    assert "Виправлений текст" not in learner.get("/modules/basics/first").get_data(as_text=True)
    clock.advance(minutes=1)
    published = admin.post("/admin/authoring/publish", data={"csrf_token": token, "message": "clearer lesson"})
    assert published.status_code == 303
    assert "Учні бачать випуск 2" in admin.get("/admin/authoring/").get_data(as_text=True)
    assert "Виправлений текст" in learner.get("/modules/basics/first").get_data(as_text=True)


def test_a_stale_save_is_refused_with_both_versions_shown_and_the_text_kept(app, admin, make_admin):
    other = app.test_client()
    assert Auth(other).login(make_admin("second@example.org").email).status_code == 302
    mine, theirs = edit_form(admin, MODULE_URL), edit_form(other, MODULE_URL)
    their_text = theirs["text_uk"].replace("Текст", "Їхній текст", 1)
    assert save(other, MODULE_URL, theirs, text_uk=their_text).status_code == 303
    my_text = mine["text_uk"] + "\nМій новий абзац.\n"
    refused = save(admin, MODULE_URL, mine, text_uk=my_text)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert textarea(page, "text_uk") == my_text  # my text kept in the form
    assert "Їхній текст" in page  # their version shown
    assert "Мій новий абзац." in page.split('class="diff"')[1]  # and the diff from theirs to mine
    assert revisions(app, "content/modules/01-basics.uk.md") == 2
    # The form now names their revision: saving again is my deliberate choice, and it lands.
    from tests.integration.authoring.editor_helpers import hidden

    again = {**mine, "text_uk": my_text, "base_uk": hidden(page, "base_uk")}
    assert save(admin, MODULE_URL, again).status_code == 303
    assert revisions(app, "content/modules/01-basics.uk.md") == 3


def test_a_double_click_on_save_makes_one_revision(app, admin):
    form = edit_form(admin, MODULE_URL)
    text = form["text_uk"] + "\nДодано.\n"
    first, second = save(admin, MODULE_URL, form, text_uk=text), save(admin, MODULE_URL, form, text_uk=text)
    assert (first.status_code, second.status_code) == (303, 303)
    assert revisions(app, "content/modules/01-basics.uk.md") == 2  # release 1's, and one save


def test_history_shows_who_when_message_and_diff_and_restore_makes_a_new_revision(app, admin):
    form = edit_form(admin, MODULE_URL)
    original = form["text_uk"]
    save(admin, MODULE_URL, form, text_uk=original.replace("Текст", "Змінений текст", 1), message="спроба")
    history = admin.get("/admin/authoring/files/module/01-basics/uk/history").get_data(as_text=True)
    assert "спроба" in history and "Змінений текст" in history and "додано" in history
    with app.app_context():
        first = services.history(db.session, "content/modules/01-basics.uk.md")[-1].id
    token = csrf_token(admin, "/admin/authoring/files/module/01-basics/uk/history")
    restored = admin.post(f"/admin/authoring/revisions/{first}/restore", data={"csrf_token": token})
    assert restored.status_code == 303
    assert revisions(app, "content/modules/01-basics.uk.md") == 3  # nothing rewritten
    assert textarea(admin.get(MODULE_URL).get_data(as_text=True), "text_uk") == original
    assert admin.post("/admin/authoring/revisions/999999/restore", data={"csrf_token": token}).status_code == 404
