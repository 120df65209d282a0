"""LOG-1: security events are JSON records with UTC time, request id, user id, IP and event;
never a password, cookie, CSRF token or reset token; a CR/LF in input cannot forge a line."""

from __future__ import annotations

import json
import logging
import re

from course.logs import JsonFormatter
from tests.conftest import PASSWORD, Auth, csrf_token
from tests.security.helpers import logged_in

NEW_PASSWORD = "a new and rather long passphrase"


def records(stream) -> list[dict]:
    lines = stream.getvalue().splitlines()
    return [json.loads(line) for line in lines]


def events(stream) -> dict[str, dict]:
    return {record["event"]: record for record in records(stream) if "event" in record}


def assert_well_formed(record: dict) -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", record["ts"]), record
    assert re.fullmatch(r"[0-9a-f]{12}", record["request_id"]) and record["ip"] == "127.0.0.1", record


def test_login_success_failure_and_throttling_are_logged_LOG_1(app, make_learner, json_log, clock):
    learner = make_learner()
    auth = Auth(app.test_client())
    for _ in range(6):
        auth.login(learner.email, "wrong password guess")
    Auth(app.test_client()).login("other@example.org", "wrong password guess")
    logged = events(json_log)
    assert {"login_failure", "login_throttled"} <= set(logged)
    clock.advance(minutes=16)
    auth.login(learner.email)
    success = events(json_log)["login_success"]
    assert_well_formed(success)
    assert success["user_id"] == learner.id
    failure = events(json_log)["login_failure"]
    assert_well_formed(failure)
    assert failure["user_id"] is None
    assert learner.email not in json_log.getvalue()  # no e-mail, so no enumeration via logs


def test_csrf_failure_and_access_denied_are_logged_LOG_1(app, make_learner, json_log):
    client = logged_in(app, make_learner().email)
    client.post("/modules/basics/first/read", data={})
    client.get("/admin/")
    logged = events(json_log)
    assert logged["csrf_failure"]["path"] == "/modules/basics/first/read"
    assert logged["access_denied"]["path"] == "/admin/"
    assert_well_formed(logged["access_denied"])


def test_admin_actions_are_logged_with_actor_and_target_LOG_1(app, make_learner, make_admin, json_log):
    learner, admin = make_learner(), make_admin()
    client = logged_in(app, admin.email)
    base = f"/admin/users/{learner.id}"
    for action, data in (
        ("reset-link", {"confirm": "y"}),
        ("role", {"role": "admin", "confirm": "y"}),
        ("role", {"role": "learner", "confirm": "y"}),
        ("active", {"confirm": "y"}),
        ("erase", {"confirm": "y"}),
    ):
        data["csrf_token"] = csrf_token(client, base)
        assert client.post(f"{base}/{action}", data=data).status_code in (200, 303)
    client.get("/admin/learners.csv")
    logged = [r for r in records(json_log) if r.get("actor_id") == admin.id]
    kinds = [r["event"] for r in logged]
    assert kinds == [
        "admin_reset_link",
        "admin_role_change",
        "admin_role_change",
        "admin_activation",
        "account_erased",
        "admin_report_export",
    ]
    for record in logged[:-1]:
        assert record["target"] == learner.id and record["user_id"] == admin.id
        assert_well_formed(record)


def test_password_change_export_and_self_erasure_are_logged_LOG_1(app, make_learner, json_log):
    learner = make_learner()
    client = logged_in(app, learner.email)
    token = csrf_token(client, "/account/password")
    client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "csrf_token": token}
    )
    client.get("/account/export")
    token = csrf_token(client, "/account/erase")
    client.post("/account/erase", data={"password": NEW_PASSWORD, "confirm": "y", "csrf_token": token})
    logged = events(json_log)
    for event in ("password_changed", "data_export", "account_erased"):
        assert logged[event]["user_id"] == learner.id or logged[event].get("target") == learner.id, event


def test_no_password_cookie_or_token_ever_reaches_the_log_LOG_1(app, make_learner, make_admin, json_log, caplog):
    learner, admin = make_learner(), make_admin()
    client = logged_in(app, learner.email)
    secrets_seen = {PASSWORD, NEW_PASSWORD, client.get_cookie("session").value}
    token = csrf_token(client, "/account/password")
    secrets_seen.add(token)
    client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "csrf_token": token}
    )
    client.post(
        "/account/password",
        data={"current_password": "wrong" + PASSWORD, "new_password": "x", "csrf_token": "forged-token-value"},
    )
    admin_client = logged_in(app, admin.email)
    page = admin_client.post(
        f"/admin/users/{learner.id}/reset-link",
        data={"confirm": "y", "csrf_token": csrf_token(admin_client, f"/admin/users/{learner.id}")},
    )
    reset_token = re.search(r"/reset/([A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)
    Auth(app.test_client()).login(learner.email, "a wrong password " + PASSWORD)
    app.test_client().get(f"/reset/{reset_token}")
    secrets_seen |= {reset_token, admin_client.get_cookie("session").value}
    everything = json_log.getvalue() + "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    for secret in secrets_seen:
        assert secret not in everything


def test_a_name_with_crlf_cannot_forge_a_log_line_LOG_1(app, client, json_log):
    """The name is refused at registration; and whatever reaches a record stays in one JSON line."""
    forged = "x\r\nINFO fake"
    data = {
        "full_name": forged,
        "email": "crlf@example.org",
        "password": PASSWORD,
        "org_type": "police",
        "region": "lviv",
        "position": "",
        "csrf_token": csrf_token(client, "/register"),
    }
    assert client.post("/register", data=data).status_code == 400
    client.get("/no-such-page%0D%0AINFO%20fake")
    client.post("/login%0d%0aINFO admin login ok", data={})
    lines = json_log.getvalue().splitlines()
    assert all(line.startswith("{") and line.endswith("}") for line in lines)
    assert not any(line.startswith("INFO") for line in lines)
    record = logging.LogRecord("frontline.test", logging.INFO, __file__, 1, "user %s", (forged,), None)
    record.detail = forged
    formatted = JsonFormatter().format(record)
    assert "\n" not in formatted and "\r" not in formatted
    assert json.loads(formatted)["message"] == "user " + forged
