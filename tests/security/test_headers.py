"""Response headers and error pages: CSP on every HTML response (HDR-1), the other security
headers everywhere, error pages and static files included (HDR-2), no-store on every page a
logged-in user sees (HDR-3), generic error pages with a logged id and a clean refusal to start
with a weak production key (HDR-4)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy import text

from course.access import public
from course.config import ProductionConfig
from course.extensions import db
from course.security import CSP_HEADER
from tests.conftest import make_test_app
from tests.security.helpers import logged_in, url_of

ROOT = Path(__file__).parents[2]
REQUIRED_CSP = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
# JSON is UTF-8 by definition (RFC 8259 defines no charset parameter); other text must say so.
TEXTUAL = re.compile(r"^(text/|application/(javascript|xml)|.*\+xml)")
BINARY_TYPES = {"application/pdf", "application/zip", "image/png", "font/ttf", "application/json"}
ANONYMOUS_URLS = [
    "/",
    "/login",
    "/register",
    "/healthz",
    "/readyz",
    "/static/style.css",
    "/static/favicon.svg",
    "/verify",
    "/verify/NOT-A-CODE",
    "/reset/not-a-token",
    "/no-such-page",
    "/dashboard",
]
LEARNER_URLS = [
    "/dashboard",
    "/modules/basics",
    "/modules/basics/first",
    "/pages/glossary",
    "/account",
    "/account/password",
    "/quizzes/basics-quiz",
    "/certificates",
    "/admin/",
    "/modules/nope",
]


def _check_common_headers(response, url: str) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff", url
    assert headers["X-Frame-Options"] == "DENY", url
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", url
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer"), url
    assert not re.search(r"\d", headers.get("Server", "")), url  # no version
    content_type = headers["Content-Type"]
    if TEXTUAL.match(content_type):
        assert "charset=utf-8" in content_type.lower(), (url, content_type)
    else:
        assert content_type.split(";")[0] in BINARY_TYPES, (url, content_type)
    if content_type.startswith("text/html"):
        csp = headers["Content-Security-Policy"]
        assert csp == CSP_HEADER and "unsafe" not in csp, url
        assert all(directive in csp for directive in REQUIRED_CSP), url
    response.close()  # static files are streamed from an open file


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_security_headers_on_visitor_pages_errors_and_static_files_HDR_1_HDR_2(app, client, url):
    _check_common_headers(client.get(url), url)


def test_security_headers_on_every_method_error_HDR_2(app, client):
    for response, url in (
        (client.get("/logout"), "405"),
        (client.post("/login", data={}), "400 csrf"),
        (client.post("/login", data={"x": "y" * 2_000_000}), "413"),
    ):
        assert response.status_code in (400, 405, 413)
        _check_common_headers(response, url)


def test_security_headers_on_every_logged_in_page_HDR_1_HDR_2_HDR_3(app, make_learner, make_admin):
    """Every GET route, as a learner and as an admin: headers, CSP on HTML, and never cached."""
    learner, admin = make_learner(), make_admin()
    clients = {"learner": logged_in(app, learner.email), "admin": logged_in(app, admin.email)}
    values = {
        "user_id": learner.id,
        "module_id": "basics",
        "lesson_id": "first",
        "quiz_id": "basics-quiz",
        "page_id": "glossary",
    }
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        for role, client in clients.items():
            url = url_of(app, rule, **values)
            response = client.get(url)
            _check_common_headers(response, f"{role} {url}")
            assert response.headers.get("Cache-Control") == "no-store", f"{role} {url}"
            checked += 1
    assert checked > 30


def test_verification_and_reset_pages_send_no_referrer_HDR_2(app, client):
    """The code or token in these URLs is a bearer secret: it never leaves in a Referer."""
    urls = ["/reset/not-a-token"] + (["/verify/NOT-A-CODE"] if "certificates.verify_code" in app.view_functions else [])
    for url in urls:
        assert client.get(url).headers["Referrer-Policy"] == "no-referrer", url


def test_hsts_only_in_production_HDR_2(app, client, database_url, tmp_path, clock, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setenv("FRONTLINE_ENV", "production")
    production = make_test_app(
        database_url, tmp_path, clock, ENV_NAME="production", BASE_URL="https://learn.example.org"
    )
    response = production.test_client().get("/healthz", base_url="https://learn.example.org")
    hsts = response.headers["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts and int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    with production.app_context():
        db.engine.dispose()


def test_pages_for_visitors_may_be_cached_only_without_a_login_HDR_3(app, client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/login").headers["Cache-Control"] == "no-store"  # a form with a token


@pytest.fixture
def failing_app(make_app):
    """The app with testing-only routes that fail in the ways production code can."""
    app = make_app()

    def sql_error():
        db.session.execute(text("SELECT secret_column FROM no_such_table_here WHERE x = 'frontline'"))

    def rate_limited():
        abort(429)

    app.add_url_rule("/_test/sql-error", "sql_error", public(sql_error))
    app.add_url_rule("/_test/rate-limited", "rate_limited", public(rate_limited))
    return app


@pytest.mark.fresh_app
def test_a_crash_shows_a_generic_page_with_the_logged_error_id_HDR_4(failing_app, json_log):
    response = failing_app.test_client().get("/_test/sql-error")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    for leak in ("Traceback", "no_such_table_here", "secret_column", "SELECT", str(ROOT), ".py", "sqlalchemy"):
        assert leak not in body, leak
    shown = re.search(r"([0-9a-f]{8})</p>", body)
    records = [json.loads(line) for line in json_log.getvalue().splitlines()]
    crash = [r for r in records if r.get("event") == "error"]
    assert len(crash) == 1 and crash[0]["error_id"] == shown.group(1)
    assert "no_such_table_here" in crash[0]["exception"]  # the details are for the log only
    _check_common_headers(response, "500")


@pytest.mark.fresh_app
@pytest.mark.parametrize(("url", "status"), [("/_test/rate-limited", 429), ("/no-such-page", 404), ("/logout", 405)])
def test_error_pages_are_styled_and_carry_a_logged_id_HDR_4(failing_app, json_log, url, status):
    client = failing_app.test_client()
    for lang in ("uk", "en"):
        client.set_cookie("lang", lang)
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == status and f'<html lang="{lang}">' in body and 'class="site"' in body
        error_id = re.search(r"([0-9a-f]{8})</p>", body).group(1)
        assert error_id in json_log.getvalue()


def test_debug_is_off_in_every_configuration_HDR_4(app):
    assert not app.debug and not ProductionConfig.DEBUG


def _start_production(environment: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_APP")}
    env.update(
        {
            "FRONTLINE_ENV": "production",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            **environment,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("key", [None, "short-key", "x" * 31])
def test_production_refuses_to_start_without_a_strong_key_HDR_4(tmp_path, key):
    result = _start_production({} if key is None else {"SECRET_KEY": key}, tmp_path)
    assert result.returncode == 1
    assert "SECRET_KEY must be set to at least 32 bytes" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "instance" / "secret_key").exists()  # never a key file written in production


def test_production_starts_with_a_strong_key_HDR_4(tmp_path):
    result = _start_production({"SECRET_KEY": "k" * 32}, tmp_path)
    assert result.returncode == 0, result.stderr
