"""Deleting a module, page, job aid or quiz in the browser editor, and the admin's Content
problems page showing the draft (issue 12), on SQLite and PostgreSQL.

A deletion is a draft change: a new revision per file (history kept, restore brings it back),
served only on publish, whose checks still apply; refused while learners' records name the id;
a second click changes nothing and a stale confirmation is refused like a stale save.
Security ids: AC-2 (admins only), CSRF-1 (the delete is a POST with a token).
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
    hidden,
    learner_client,
    revisions,
    save,
)

MODULE_UK, MODULE_EN = "content/modules/01-basics.uk.md", "content/modules/01-basics.en.md"


@pytest.fixture
def app_overrides() -> dict:
    return {"CONTENT_CHECK_SECONDS": 0}  # a publish is served on the very next request


def delete_form(client, url: str) -> dict[str, str]:
    """The confirmation's fields as the page holds them (`url`: the entry's editor URL)."""
    page = client.get(url + "/delete").get_data(as_text=True)
    fields = {name: hidden(page, name) for name in ("base_uk", "base_en")}
    return fields | {"csrf_token": csrf_token(client, url + "/delete"), "message": ""}


def delete(client, url: str, form: dict[str, str]):
    return client.post(url + "/delete", data=form)


def publish(client):
    return client.post("/admin/authoring/publish", data={"csrf_token": csrf_token(client, "/admin/authoring/publish")})


def _create(admin, kind: str, entry_id: str, module_id: str = "") -> str:
    """A new module or quiz from the template: its editor URL."""
    data = {"kind": kind, "entry_id": entry_id, "title_uk": "Додатковий", "title_en": "Extra", "module_id": module_id}
    created = admin.post("/admin/authoring/new", data={**data, "csrf_token": csrf_token(admin, "/admin/authoring/new")})
    assert created.status_code == 303
    return created.headers["Location"]


def test_the_confirmation_shows_what_will_go_and_the_delete_is_for_admins_only_AC_2_CSRF_1(app, admin, make_learner):
    page = admin.get(MODULE_URL + "/delete").get_data(as_text=True)
    assert MODULE_UK in page and MODULE_EN in page and 'method="post"' in page
    assert 'href="/admin/authoring/files/module/01-basics/delete"' in admin.get(MODULE_URL).get_data(as_text=True)
    form = delete_form(admin, MODULE_URL)
    assert delete(admin, MODULE_URL, {**form, "csrf_token": "forged"}).status_code == 400
    learner = learner_client(app, make_learner)
    assert learner.get(MODULE_URL + "/delete").status_code == 403
    assert delete(learner, MODULE_URL, {**form, "csrf_token": csrf_token(learner, "/dashboard")}).status_code == 403
    assert admin.get("/admin/authoring/files/module/no-such/delete").status_code == 404
    assert revisions(app, MODULE_UK) == 1


def _read_a_lesson(app, make_learner) -> None:
    learner, url = learner_client(app, make_learner), "/modules/basics/first"
    assert learner.post(url + "/read", data={"csrf_token": csrf_token(learner, url)}).status_code in (302, 303)


def _take_the_quiz(app, make_learner) -> None:
    from tests.integration.quizzes.helpers import start

    start(learner_client(app, make_learner), "basics-quiz")


def _hold_a_certificate(app, make_learner) -> None:
    """A certificate names every module it was issued on (no lesson read needed for that here)."""
    from tests.integration.certificates.helpers import issue_directly

    issue_directly(app, make_learner().id)


@pytest.mark.parametrize(
    "record, url, named",
    [
        (_read_a_lesson, MODULE_URL, "basics/first"),
        (_take_the_quiz, QUIZ_URL, "basics-quiz"),
        (_hold_a_certificate, MODULE_URL, "«basics»"),
    ],
    ids=["lesson-read", "quiz-attempt", "certificate"],
)
def test_a_delete_is_refused_once_learners_records_name_the_id(app, admin, make_learner, record, url, named):
    form = delete_form(admin, url)  # opened before the learner's record was made
    record(app, make_learner)
    refused = delete(admin, url, form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Це не можна видалити: записи учнів використовують його ідентифікатори." in page and named in page
    assert 'action="' + url + '/delete"' not in page  # no button that would fail again
    stem_path = MODULE_UK if url == MODULE_URL else "quizzes/basics.uk.md"
    assert revisions(app, stem_path) == 1  # nothing saved
    assert admin.get(url).status_code == 200


def test_deleting_a_module_a_quiz_refers_to_blocks_publish_until_the_quiz_goes_too(app, admin, make_learner, clock):
    module_url = _create(admin, "module", "extra")
    quiz_url = _create(admin, "quiz", "extra-quiz", module_id="extra")
    assert publish(admin).status_code == 303
    learner = learner_client(app, make_learner)
    assert learner.get("/modules/extra").status_code == 200
    assert delete(admin, module_url, delete_form(admin, module_url)).status_code == 303
    assert learner.get("/modules/extra").status_code == 200  # a draft change: served on publish only
    clock.advance(minutes=1)
    refused = publish(admin)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "quizzes/extra-quiz.uk.md" in body and "extra" in body
    with app.app_context():
        assert services.current_release(db.session).id == 2
    assert delete(admin, quiz_url, delete_form(admin, quiz_url)).status_code == 303
    assert publish(admin).status_code == 303
    assert learner.get("/modules/extra").status_code == 404
    assert learner.get("/quizzes/extra-quiz").status_code == 404
    assert learner.get("/modules/basics").status_code == 200
    with app.app_context():
        assert services.current_release(db.session).id == 3
        assert not any("extra" in path for path in services.release_files(db.session))


def test_a_restore_after_a_delete_brings_the_module_back_in_both_languages(app, admin):
    before = edit_form(admin, MODULE_URL)
    assert delete(admin, MODULE_URL, delete_form(admin, MODULE_URL)).status_code == 303
    assert admin.get(MODULE_URL).status_code == 404
    index = admin.get("/admin/authoring/").get_data(as_text=True)
    assert f'href="/admin/authoring/files/module/01-basics/uk/history"><code>{MODULE_UK}</code>' in index
    assert "учні бачать його, доки ви не опублікуєте" in index
    with app.app_context():
        kept = [services.history(db.session, path)[1].id for path in (MODULE_UK, MODULE_EN)]
        db.session.rollback()
    token = csrf_token(admin, "/admin/authoring/files/module/01-basics/uk/history")
    for revision_id in kept:
        restored = admin.post(f"/admin/authoring/revisions/{revision_id}/restore", data={"csrf_token": token})
        assert restored.status_code == 303
    after = edit_form(admin, MODULE_URL)
    assert (after["text_uk"], after["text_en"]) == (before["text_uk"], before["text_en"])
    assert revisions(app, MODULE_UK) == 3  # release 1's, the deletion, the restore: nothing rewritten
    with app.app_context():
        assert services.unpublished_paths(db.session) == []


def test_a_second_click_on_delete_changes_nothing_and_says_so(app, admin):
    url = "/admin/authoring/files/page/glossary"
    form = delete_form(admin, url)
    first, second = delete(admin, url, form), delete(admin, url, form)
    assert (first.status_code, second.status_code) == (303, 303)
    assert "Це вже видалено з чернетки" in admin.get("/admin/authoring/").get_data(as_text=True)
    assert revisions(app, "content/pages/glossary.uk.md") == 2  # release 1's and one deletion
    assert admin.get(url + "/delete").status_code == 303  # the confirmation of a deleted entry: the list


def test_a_delete_from_a_stale_confirmation_is_refused_and_the_fresh_one_works(app, admin, make_admin):
    other = app.test_client()
    assert Auth(other).login(make_admin("second@example.org").email).status_code == 302
    stale = delete_form(admin, MODULE_URL) | {"message": "більше не потрібен"}
    theirs = edit_form(other, MODULE_URL)
    assert save(other, MODULE_URL, theirs, text_en=theirs["text_en"] + "\nTheir new paragraph.\n").status_code == 303
    refused = delete(admin, MODULE_URL, stale)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Не видалено: хтось зберіг це після того" in page
    assert MODULE_EN in page.split("Не видалено")[1]
    assert revisions(app, MODULE_EN) == 2 and revisions(app, MODULE_UK) == 1  # nothing deleted
    assert hidden(page, "base_en") != stale["base_en"]  # the page now names their revision
    assert 'value="більше не потрібен"' in page  # the note typed is kept
    fresh = {**stale, "base_en": hidden(page, "base_en")}
    assert delete(admin, MODULE_URL, fresh).status_code == 303
    assert revisions(app, MODULE_EN) == 3 and revisions(app, MODULE_UK) == 2


def test_the_content_problems_page_shows_the_drafts_problems_with_line_editor_link_and_unpublished_note(app, admin):
    clean = admin.get("/admin/content").get_data(as_text=True)
    assert "Чернетка точно така, яку бачать учні (випуск 1)" in clean
    form = edit_form(admin, QUIZ_URL)
    broken = form["text_uk"].replace("type=single case=case-job-offer", "type=singel case=case-job-offer")
    assert save(admin, QUIZ_URL, form, text_uk=broken).status_code == 303
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "type=singel" in text)
    page = admin.get("/admin/content").get_data(as_text=True).replace("&amp;", "&")
    assert f"<code>quizzes/basics.uk.md:{line}" in page
    assert f'href="/admin/authoring/files/quiz/basics?field=text_uk&line={line}#text_uk"' in page
    assert "Чернетка відрізняється від того, що бачать учні (випуск 1)." in page
    assert "<code>quizzes/basics.uk.md</code>" in page  # listed as unpublished


def test_the_content_problems_page_before_release_1_shows_the_served_files(app, admin_client):
    page = admin_client.get("/admin/content").get_data(as_text=True)
    assert "Із редактора курсу ще нічого не опубліковано" in page and "Проблем немає" in page
    assert "Чернетка" not in page  # no draft before release 1: nothing to compare
