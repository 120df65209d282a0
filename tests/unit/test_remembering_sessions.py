"""course.sessions: a verified cookie is remembered, but never accepted past what Flask's own
signed-cookie sessions accept (SESS-2, SESS-3): tampered, expired, other-key cookies fail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask, session

import course.sessions
from course.sessions import RememberingSessionInterface


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="k" * 40, PERMANENT_SESSION_LIFETIME=timedelta(hours=12))
    app.session_interface = RememberingSessionInterface()

    @app.get("/set")
    def set_value():
        session["user"] = "7:0"
        return "ok"

    @app.get("/flash")
    def add_list():
        session["_flashes"] = [["info", "hello"]]
        return "ok"

    @app.get("/read")
    def read():
        return repr(dict(session))

    @app.get("/append")
    def append():
        session["_flashes"].append(["info", "again"])
        return repr(dict(session))

    return app


def _cookie(app: Flask, path: str = "/set") -> str:
    client = app.test_client()
    client.get(path)
    return client.get_cookie("session").value


def _read(app: Flask, cookie: str) -> str:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/read").get_data(as_text=True)


def test_a_cookie_verified_once_reads_the_same_again(app):
    cookie = _cookie(app)
    assert _read(app, cookie) == _read(app, cookie) == "{'user': '7:0'}"


def test_sess2_a_tampered_cookie_is_empty_even_after_the_real_one_was_remembered(app):
    cookie = _cookie(app)
    _read(app, cookie)
    payload, stamp, signature = cookie.split(".")
    assert _read(app, f"{payload}.{stamp}.{signature[:-2]}AA") == "{}"
    assert _read(app, "not-a-cookie") == "{}"


def test_sess3_a_remembered_cookie_still_expires_with_its_signed_timestamp(app, monkeypatch):
    cookie = _cookie(app)
    assert _read(app, cookie) == "{'user': '7:0'}"  # now remembered
    later = course.sessions.time.time() + timedelta(hours=12, seconds=5).total_seconds()
    monkeypatch.setattr(course.sessions.time, "time", lambda: later)
    assert _read(app, cookie) == "{}"


def test_sess2_a_new_secret_key_does_not_accept_cookies_remembered_under_the_old_one(app):
    cookie = _cookie(app)
    _read(app, cookie)
    app.config["SECRET_KEY"] = app.secret_key = "n" * 40
    assert _read(app, cookie) == "{}"


def test_sessions_holding_lists_are_not_shared_between_requests(app):
    cookie = _cookie(app, "/flash")
    client = app.test_client()
    client.set_cookie("session", cookie)
    assert "again" in client.get("/append").get_data(as_text=True)
    assert _read(app, cookie) == "{'_flashes': [['info', 'hello']]}"


def test_an_unchanged_session_sends_no_cookie_but_says_the_page_varies_by_it(app):
    cookie = _cookie(app)
    client = app.test_client()
    client.set_cookie("session", cookie)
    response = client.get("/read")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Vary"] == "Cookie"
    flashed = client.get("/flash")
    assert "Set-Cookie" in flashed.headers
