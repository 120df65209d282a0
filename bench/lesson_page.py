"""Logged-in lesson page req/s and p99 against the bare Flask page of the same size."""

from __future__ import annotations

import os
import statistics
import urllib.request
from collections.abc import Callable

from bench.harness import app_env, bare_page, figure, gunicorn, interleaved, temporary_instance

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
USER_AGENT = "frontline-bench"


def prepare(env: dict[str, str]) -> tuple[str, Callable[[], str]]:
    """Migrate and create a learner; return the lesson path and a function that logs in and
    returns the session cookie.

    wrk does not keep cookies, and a session seen more than a minute ago is re-signed on every
    request (course/security.py); a browser would send the new cookie. So each round logs in
    afresh and runs well within that minute, as a learner reading a lesson would."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from course import create_app
    from course.accounts.services import Registration, register
    from course.clock import utcnow
    from course.content.access import current_catalog
    from course.extensions import db
    from tests.conftest import csrf_token

    app = create_app()
    with app.app_context():
        upgrade()
        register(
            db.session,
            Registration(
                "bench@example.org", "Олена Петренко", "correct horse battery staple", "police", "lviv", None, "uk"
            ),
            utcnow(),
        )
        db.session.commit()
        module = current_catalog().modules[0]
        path = f"/modules/{module.id}/{module.lessons[0].id}"

    def login() -> str:
        # The same User-Agent as wrk's requests: Flask-Login's session protection ties the
        # session to it, and a mismatch would rewrite the cookie on every request.
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        client.post(
            "/login",
            data={
                "email": "bench@example.org",
                "password": "correct horse battery staple",
                "csrf_token": csrf_token(client),
            },
        )
        client.get(path)  # as a browser would: the first page stores the session's CSRF secret
        return f"session={client.get_cookie('session').value}"

    return path, login


def run() -> dict[str, float]:
    with temporary_instance() as instance:
        env = app_env(instance)
        path, login = prepare(env)
        with gunicorn("wsgi:app", env) as url:

            def headers() -> dict[str, str]:
                return {"Cookie": login(), "User-Agent": USER_AGENT}

            response = urllib.request.urlopen(urllib.request.Request(url + path, headers=headers()))  # noqa: S310
            body = response.read()
            assert "<article" in body.decode(), "the benchmark must load the logged-in lesson page"
            assert response.headers.get("Set-Cookie") is None, "a steady session must not rewrite its cookie"
            with bare_page(len(body)) as bare_url:
                lesson, bare = interleaved(url + path, headers, bare_url + "/", ROUNDS)
    lesson_rps = statistics.median(r.rps for r in lesson)
    bare_rps = statistics.median(r.rps for r in bare)
    results = {
        "lesson_page_rps": lesson_rps,
        "bare_page_rps": bare_rps,
        "lesson_page_ratio": lesson_rps / bare_rps,
        "lesson_page_p99_ms": statistics.median(r.p99_ms for r in lesson),
        "bare_page_p99_ms": statistics.median(r.p99_ms for r in bare),
        "lesson_page_bytes": len(body),
        "lesson_page_errors": sum(r.errors for r in lesson),
    }
    for name, value in results.items():
        figure(name, value)
    return results
