"""Request forgery: every POST needs this session's token (CSRF-1); the Host header is checked
and absolute links come from BASE_URL (CSRF-4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.extensions import db
from course.quizzes.models import QuizAttempt
from course.security import external_url
from tests.conftest import csrf_token, make_test_app
from tests.security.helpers import logged_in, snapshot, url_of


def _post_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]


@pytest.fixture
def actors(app, make_learner, make_admin):
    """A learner with a quiz attempt and an admin, both logged in; real ids for every URL."""
    learner, admin = make_learner(), make_admin()
    learner_client, admin_client = logged_in(app, learner.email), logged_in(app, admin.email)
    values = {"user_id": learner.id, "module_id": "basics", "lesson_id": "first", "quiz_id": "basics-quiz"}
    if "quizzes.start" in app.view_functions:
        from tests.integration.quizzes.helpers import start

        values["public_id"] = start(learner_client)
    return learner_client, admin_client, values


def _client_for(rule, learner_client, admin_client):
    return admin_client if rule.rule.startswith("/admin") else learner_client


@pytest.mark.parametrize("token_kind", ["missing", "empty", "other-session"])
def test_every_post_without_this_sessions_token_is_400_and_changes_nothing_CSRF_1(app, actors, token_kind):
    learner_client, admin_client, values = actors
    foreign = csrf_token(app.test_client(), "/login")  # valid, but for another browser's session
    token = {"missing": None, "empty": "", "other-session": foreign}[token_kind]
    before = snapshot(app)
    for rule in _post_rules(app):
        client = _client_for(rule, learner_client, admin_client)
        data = {
            "role": "admin",
            "confirm": "y",
            "lang": "en",
            "version": "0",
            "page": "0",
            "action": "submit",
            "email": "x@example.org",
            "password": "correct horse battery staple",
            "current_password": "correct horse battery staple",
            "new_password": "another long passphrase",
        }
        if token is not None:
            data["csrf_token"] = token
        response = client.post(url_of(app, rule, **values), data=data)
        assert response.status_code == 400, (rule.rule, response.status_code)
    assert snapshot(app) == before


def test_csrf_failure_page_is_friendly_and_keeps_the_session_CSRF_1(app, actors):
    learner_client, _, _ = actors
    response = learner_client.post("/modules/basics/first/read", data={})
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)
    assert learner_client.get("/dashboard").status_code == 200


def test_state_never_changes_on_get_CSRF_1(app, actors):
    """Every GET route, as learner and admin, leaves the database as it was."""
    learner_client, admin_client, values = actors
    before = snapshot(app)
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and rule.endpoint != "static":
            _client_for(rule, learner_client, admin_client).get(url_of(app, rule, **values))
    after = snapshot(app)
    for counter_or_audit in ("verify_throttle", "certificate_audit"):  # rate counters and audit records
        after.pop(counter_or_audit, None), before.pop(counter_or_audit, None)
    assert after == before


def _attempts_but_their_report_mark(app) -> list[tuple]:
    table = QuizAttempt.__table__
    with app.app_context():
        columns = [column for column in table.c if column.name != "report_rows_pending"]
        rows = db.session.execute(select(*columns).order_by(table.c.id)).all()
        db.session.rollback()
    return [tuple(row) for row in rows]


def test_a_report_on_get_writes_only_the_rows_grading_left_for_it_CSRF_1(app, actors):
    """The one GET besides the counters and audit rows above that writes: the funnel, quiz
    results and item analysis write the report rows of graded attempts before they count them
    (rows derived from the attempts, the same `flask reports refresh` writes). No attempt, no
    account, nothing a user did changes; a second look writes nothing."""
    from tests.integration.quizzes.helpers import answers, post

    learner_client, admin_client, values = actors
    public_id = values["public_id"]
    assert post(learner_client, public_id, answers(app, public_id), action="submit", app=app).status_code == 303
    before, attempts = snapshot(app), _attempts_but_their_report_mark(app)
    assert admin_client.get("/admin/reports/quizzes").status_code == 200
    after = snapshot(app)
    changed = {table for table in before if before[table] != after[table]}
    assert changed == {"quiz_answer", "quiz_learner", "quiz_attempt"}
    assert not before["quiz_answer"] and after["quiz_answer"] and not before["quiz_learner"]
    assert _attempts_but_their_report_mark(app) == attempts
    for path in ("funnel", "funnel.csv", "quizzes", "quizzes.csv", "items", "items.csv"):
        assert admin_client.get(f"/admin/reports/{path}").status_code == 200
    assert snapshot(app) == after


def test_untrusted_host_is_refused_CSRF_4(database_url, tmp_path, clock):
    app = make_test_app(database_url, tmp_path, clock, TRUSTED_HOSTS=["learn.example.org", "localhost"])
    client = app.test_client()
    assert client.get("/login").status_code == 200
    response = client.get("/login", headers={"Host": "evil.example"})
    assert response.status_code == 400 and "evil.example" not in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_trusted_hosts_come_from_the_environment_CSRF_4(database_url, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "learn.example.org, localhost")
    app = make_test_app(database_url, tmp_path, clock)
    assert app.config["TRUSTED_HOSTS"] == ["learn.example.org", "localhost"]
    assert app.test_client().get("/", headers={"Host": "evil.example"}).status_code == 400
    with app.app_context():
        db.engine.dispose()


def test_absolute_links_come_from_base_url_not_the_host_header_CSRF_4(app):
    spoofed = {"HTTP_HOST": "evil.example", "HTTP_X_FORWARDED_HOST": "evil.example"}
    with app.test_request_context("/", base_url="http://evil.example", environ_base=spoofed):
        assert external_url("accounts.reset_start", token="abc") == "http://127.0.0.1:5000/reset/abc"


def test_reset_link_ignores_a_spoofed_host_CSRF_4(app, make_learner, make_admin):
    learner, admin = make_learner(), make_admin()
    client = logged_in(app, admin.email)
    token = csrf_token(client, f"/admin/users/{learner.id}")
    # The admin's own cookie goes with the request; only the host headers are spoofed.
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    spoofed = {"HTTP_HOST": "evil.example", "HTTP_X_FORWARDED_HOST": "evil.example"}
    response = client.post(
        f"/admin/users/{learner.id}/reset-link", data={"confirm": "y", "csrf_token": token}, environ_overrides=spoofed
    )
    page = response.get_data(as_text=True)
    assert 'value="http://127.0.0.1:5000/reset/' in page and "evil.example" not in page
