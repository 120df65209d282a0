"""Expiry and course changes: the learner's recertification path (issue 5 Managing)."""

from __future__ import annotations

import shutil

from course.extensions import db
from tests.conftest import DATA, Auth, csrf_token, make_test_app, reset_database

from .helpers import certificates, complete_course, pass_quiz

PASSWORD = "correct horse battery staple"


def _learner(app, clock, email="renew@example.org"):
    from course.accounts.services import Registration, register

    with app.app_context():
        user = register(
            db.session, Registration(email, "Олена Петренко", PASSWORD, "police", "lviv", None, "en"), clock()
        )
        db.session.commit()
        return user.id


def _client(app, email="renew@example.org"):
    client = app.test_client()
    Auth(client).login(email)
    return client


def test_expired_certificate_asks_for_the_quizzes_again_then_renews(database_url, tmp_path, clock):
    app = make_test_app(database_url, tmp_path, clock, CERTIFICATE_VALID_DAYS="30")
    with app.app_context():
        reset_database()
    user_id = _learner(app, clock)
    client = _client(app)
    complete_course(app, client)
    [first] = certificates(app, user_id)
    assert first.expires_at is not None
    clock.advance(days=31)
    client = _client(app)  # the session timed out meanwhile
    page = client.get("/certificates").get_data(as_text=True)
    assert "Renew your certificate" in page and "has expired" in page
    assert "Check yourself: the basics" in page  # the quiz to take again
    pass_quiz(app, client)
    old, new = certificates(app, user_id)
    assert old.id == first.id and old.superseded_by_id == new.id
    assert new.content_hash == old.content_hash and new.issue_number == 2
    assert "Renew your certificate" not in client.get("/certificates").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_changed_module_lists_itself_and_its_quiz(database_url, tmp_path, clock):
    course = tmp_path / "course"
    shutil.copytree(DATA / "course", course)
    settings = {"CONTENT_DIR": str(course), "QUIZZES_DIR": str(course / "quizzes")}
    before = make_test_app(database_url, tmp_path, clock, **settings)
    with before.app_context():
        reset_database()
    user_id = _learner(before, clock)
    complete_course(before, _client(before))
    [first] = certificates(before, user_id)
    for lang in ("en", "uk"):
        path = course / "modules" / f"01-basics.{lang}.md"
        path.write_text(path.read_text().replace("Text of the second lesson.", "Revised text."))
    after = make_test_app(database_url, tmp_path, clock, **settings)
    client = _client(after)
    page = client.get("/certificates").get_data(as_text=True)
    assert "The course has changed" in page
    changed = page.split("Modules changed")[1].split("Quizzes to take again")[0]
    assert ">Basics</a>" in changed and "Next steps" not in changed
    assert "Check yourself: the basics" in page
    assert [c.id for c in certificates(after, user_id)] == [first.id]  # nothing happens by itself
    clock.advance(minutes=5)
    pass_quiz(after, client)
    old, new = certificates(after, user_id)
    assert new.content_hash != old.content_hash and old.superseded_at is not None
    for app in (before, after):
        with app.app_context():
            db.engine.dispose()


def test_change_without_a_quiz_offers_the_new_certificate(database_url, tmp_path, clock):
    course = tmp_path / "course"
    shutil.copytree(DATA / "course", course)
    settings = {"CONTENT_DIR": str(course), "QUIZZES_DIR": str(course / "quizzes")}
    before = make_test_app(database_url, tmp_path, clock, **settings)
    with before.app_context():
        reset_database()
    user_id = _learner(before, clock)
    complete_course(before, _client(before))
    for lang in ("en", "uk"):
        path = course / "modules" / f"02-next.{lang}.md"
        path.write_text(path.read_text() + "\nOne more sentence.\n")
    after = make_test_app(database_url, tmp_path, clock, **settings)
    client = _client(after)
    page = client.get("/certificates").get_data(as_text=True)
    assert "Get the certificate for the current course" in page
    response = client.post("/certificates/renew", data={"csrf_token": csrf_token(client, "/certificates")})
    assert response.status_code == 302
    assert len(certificates(after, user_id)) == 2
    for app in (before, after):
        with app.app_context():
            db.engine.dispose()


def test_revoked_certificate_is_not_renewed_automatically(app, make_learner, make_admin):
    from course.accounts.models import User
    from course.certificates import manage
    from course.certificates.models import Certificate

    learner = make_learner()
    client = app.test_client()
    Auth(client).login(learner.email)
    complete_course(app, client)
    [certificate] = certificates(app, learner.id)
    admin = make_admin()
    with app.app_context():
        manage.revoke(
            db.session,
            db.session.get(User, admin.id),
            db.session.get(Certificate, certificate.id),
            "fraud",
            app.config["CLOCK"](),
        )
        db.session.commit()
    pass_quiz(app, client)
    assert len(certificates(app, learner.id)) == 1


def test_learner_eligible_after_a_rule_change_can_ask_for_the_certificate(database_url, tmp_path, clock):
    strict = make_test_app(database_url, tmp_path, clock, CERTIFICATE_ELIGIBILITY="lessons+quizzes")
    with strict.app_context():
        reset_database()
    user_id = _learner(strict, clock)
    client = _client(strict)
    from .helpers import LESSONS, read_lesson

    for module_id, lesson_id in LESSONS:
        read_lesson(client, module_id, lesson_id)
    assert certificates(strict, user_id) == []
    relaxed = make_test_app(database_url, tmp_path, clock, CERTIFICATE_ELIGIBILITY="lessons")
    client = _client(relaxed)
    assert certificates(relaxed, user_id) == []  # logging in issues nothing by itself
    page = client.get("/certificates").get_data(as_text=True)
    assert "Get my certificate" in page
    client.post("/certificates/renew", data={"csrf_token": csrf_token(client, "/certificates")})
    [certificate] = certificates(relaxed, user_id)
    assert certificate.rule == "lessons"
    for app in (strict, relaxed):
        with app.app_context():
            db.engine.dispose()
