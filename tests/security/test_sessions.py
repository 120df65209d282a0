"""Sessions: cookie flags in production (SESS-1), sessions that really end (SESS-2), idle and
absolute timeouts (SESS-3), fresh login for sensitive actions (SESS-4), tampered cookies and key
rotation ((b) §8, HDR-4)."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from course.extensions import db
from tests.conftest import PASSWORD, Auth, csrf_token, make_test_app
from tests.security.helpers import logged_in

PRODUCTION_HOST = "learn.example.org"


@pytest.fixture
def production_app(make_app, monkeypatch):
    """The app as `FRONTLINE_ENV=production` builds it, on the test database."""
    monkeypatch.setenv("FRONTLINE_ENV", "production")
    return make_app(ENV_NAME="production", TESTING=False, BASE_URL=f"https://{PRODUCTION_HOST}")


class HttpsClient(FlaskClient):
    """A browser on https://learn.example.org (the only host production accepts). It sends a
    same-origin Referer, as browsers do under `Referrer-Policy: same-origin`."""

    referer = True

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"https://{PRODUCTION_HOST}")
        if self.referer:
            kwargs["headers"] = {"Referer": f"https://{PRODUCTION_HOST}/login", **(kwargs.get("headers") or {})}
        return super().open(*args, **kwargs)


def https_client(app):
    app.test_client_class = HttpsClient
    return app.test_client()


def test_production_session_cookie_flags_SESS_1(production_app, clock):
    from course.accounts.services import Registration, register

    with production_app.app_context():
        register(
            db.session, Registration("p@example.org", "Олена Петренко", PASSWORD, "police", "lviv", None, "uk"), clock()
        )
        db.session.commit()
    client = https_client(production_app)
    response = Auth(client).login("p@example.org")
    assert response.status_code == 302
    headers = response.headers.getlist("Set-Cookie")
    session_header = next(h for h in headers if h.startswith("__Host-session="))
    attributes = {part.strip().split("=")[0].lower() for part in session_header.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    assert "samesite=lax" in session_header.lower()
    assert not any(h.startswith("remember_token") for h in headers)  # there is no remember-me cookie
    cookie = SimpleCookie(session_header)["__Host-session"]
    assert cookie["path"] == "/"
    config = production_app.config
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=12)
    # Flask-Login's remember cookie is off; were it used, its defaults would be hardened.
    assert config["REMEMBER_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    assert not config["DEBUG"] and not config["TESTING"]


def test_production_refuses_other_hosts_CSRF_4_SESS_1(production_app):
    client = https_client(production_app)
    assert client.get("/login").status_code == 200
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


def test_https_post_without_a_same_site_referer_is_refused_CSRF_1(production_app):
    """WTF_CSRF_SSL_STRICT stays on: over HTTPS the Referer must be this site."""
    client = https_client(production_app)
    token = csrf_token(client, "/login")
    data = {"email": "x@example.org", "password": "wrong password guess", "csrf_token": token}
    assert client.post("/login", data=data, headers={"Referer": "https://evil.example/"}).status_code == 400
    client.referer = False
    assert client.post("/login", data=data).status_code == 400


def test_deactivated_user_is_logged_out_at_once_SESS_2(app, make_learner, make_admin):
    learner, admin = make_learner(), make_admin()
    learner_client = logged_in(app, learner.email)
    admin_client = logged_in(app, admin.email)
    token = csrf_token(admin_client, f"/admin/users/{learner.id}")
    data = {"confirm": "y", "csrf_token": token}
    assert admin_client.post(f"/admin/users/{learner.id}/active", data=data).status_code == 303
    assert learner_client.get("/dashboard").status_code == 302
    assert Auth(app.test_client()).login(learner.email).status_code == 401  # and cannot log back in


def test_logout_everywhere_ends_sessions_in_two_browsers_SESS_2(app, make_learner):
    learner = make_learner()
    first, second = logged_in(app, learner.email), logged_in(app, learner.email)
    Auth(first).logout()
    assert second.get("/dashboard").status_code == 302


def _login_redirect(response) -> tuple[str, str | None]:
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    return location.path, parse_qs(location.query).get("next", [None])[0]


def test_idle_timeout_sends_to_login_and_comes_back_SESS_3(app, make_learner, clock):
    learner = make_learner()
    client = logged_in(app, learner.email)
    clock.advance(minutes=59)
    assert client.get("/dashboard").status_code == 200  # activity resets the idle clock
    clock.advance(minutes=61)
    path, next_url = _login_redirect(client.get("/modules/basics/first"))
    assert (path, next_url) == ("/login", "/modules/basics/first")
    assert Auth(client).login(learner.email, next_url=next_url).headers["Location"] == "/modules/basics/first"


def test_absolute_timeout_ends_even_an_active_session_SESS_3(app, make_learner, clock):
    learner = make_learner()
    client = logged_in(app, learner.email)
    for _ in range(23):  # every 30 minutes for 11.5 hours
        clock.advance(minutes=30)
        assert client.get("/dashboard").status_code == 200
    clock.advance(minutes=31)
    assert _login_redirect(client.get("/dashboard")) == ("/login", "/dashboard")


def test_timeouts_follow_the_settings_SESS_3(database_url, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "5")
    app = make_test_app(database_url, tmp_path, clock)
    assert app.config["SESSION_IDLE_MINUTES"] == 5 and app.config["SESSION_MAX_HOURS"] == 12
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    with app.app_context():
        db.engine.dispose()


SENSITIVE_GETS = ["/account/password", "/account/export", "/account/erase"]


def _make_stale(client) -> None:
    with client.session_transaction() as session:
        session["_fresh"] = False


@pytest.mark.parametrize("url", SENSITIVE_GETS)
def test_stale_session_must_log_in_again_for_sensitive_pages_SESS_4(app, make_learner, url):
    learner = make_learner()
    client = logged_in(app, learner.email)
    assert client.get(url).status_code == 200
    _make_stale(client)
    assert client.get("/dashboard").status_code == 200  # ordinary pages still work
    path, next_url = _login_redirect(client.get(url))
    assert (path, next_url) == ("/login", url)
    Auth(client).login(learner.email, next_url=next_url)
    assert client.get(url).status_code == 200


def test_another_browser_fingerprint_makes_the_session_stale_SESS_4(app, make_learner):
    """Flask-Login's "basic" protection: the same cookie from another user agent is not fresh."""
    learner = make_learner()
    client = logged_in(app, learner.email)
    client.environ_base["HTTP_USER_AGENT"] = "Another browser/1.0"
    assert client.get("/dashboard").status_code == 200
    assert _login_redirect(client.get("/account/export"))[0] == "/login"


@pytest.mark.parametrize("action", ["role", "erase"])
def test_stale_admin_session_cannot_change_roles_or_erase_SESS_4(app, make_learner, make_admin, action):
    learner, admin = make_learner(), make_admin()
    client = logged_in(app, admin.email)
    token = csrf_token(client, f"/admin/users/{learner.id}")
    _make_stale(client)
    response = client.post(
        f"/admin/users/{learner.id}/{action}", data={"csrf_token": token, "role": "admin", "confirm": "y"}
    )
    assert _login_redirect(response)[0] == "/login"
    with app.app_context():
        from course.accounts.models import User

        user = db.session.get(User, learner.id)
        assert (user.role, user.erased_at) == ("learner", None)


@pytest.mark.parametrize("tamper", ["flip", "truncate", "huge", "garbage"])
def test_tampered_session_cookie_is_anonymous_not_an_error(app, make_learner, tamper):
    """(b) §8: a bit-flipped, truncated, 5 kB or nonsense cookie is simply not logged in."""
    client = logged_in(app, make_learner().email)
    value = client.get_cookie("session").value
    changed = {
        "flip": value[:10] + ("A" if value[10] != "A" else "B") + value[11:],
        "truncate": value[: len(value) // 2],
        "huge": value + "x" * 5000,
        "garbage": "not-a-cookie",
    }[tamper]
    client.delete_cookie("session")
    response = client.get("/dashboard", headers={"Cookie": f"session={changed}"})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def test_key_rotation_keeps_sessions_through_fallbacks_HDR_4(
    app, make_learner, tmp_path, clock, monkeypatch, database_url
):
    """A cookie signed with the old key works while the old key is in SECRET_KEY_FALLBACKS."""
    client = logged_in(app, make_learner().email)
    cookie = client.get_cookie("session").value
    old_key = app.config["SECRET_KEY"]
    new_key = "a-new-secret-key-that-is-long-enough-9876543210"
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", old_key)
    rotated = make_test_app(database_url, tmp_path, clock, SECRET_KEY=new_key)
    assert rotated.config["SECRET_KEY_FALLBACKS"] == [old_key]
    replay = rotated.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/dashboard").status_code == 200
    monkeypatch.delenv("SECRET_KEY_FALLBACKS")
    retired = make_test_app(database_url, tmp_path, clock, SECRET_KEY=new_key)
    replay = retired.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/dashboard").status_code == 302
    for other in (rotated, retired):
        with other.app_context():
            db.engine.dispose()
