"""End-to-end fixtures: the real app served on 127.0.0.1 in a thread, and Debian's Chromium.

The server shares this process, so tests can move `app.config["CLOCK"]` forward. A missing
Chromium fails the run; `make test` installs it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from course.extensions import db
from tests.conftest import FakeClock, make_test_app
from tests.pg import free_port

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


@dataclass
class LiveServer:
    app: object
    url: str
    clock: FakeClock


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert os.path.exists(CHROMIUM), "Chromium is missing: run `make test`, which installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The bundled course (content/ and quizzes/) on a fresh SQLite database."""
    clock = FakeClock()
    app = make_test_app(
        f"sqlite:///{tmp_path / 'e2e.db'}",
        tmp_path,
        clock,
        CONTENT_DIR=str(ROOT / "content"),
        QUIZZES_DIR=str(ROOT / "quizzes"),
    )
    with app.app_context():
        db.create_all()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}", clock)
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test; console errors (CSP violations) are collected."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))  # type: ignore[attr-defined]
    yield page
    context.close()


def register_and_login(
    page: Page, base: str, email: str, name: str = "Мар'яна О'Коннор", password: str = "correct horse battery staple"
) -> None:
    page.goto(base + "/register")
    page.fill("#full_name", name)
    page.fill("#email", email)
    page.fill("#password", password)
    page.select_option("#org_type", "police")
    page.select_option("#region", "lviv")
    page.click("form.stack button[type=submit]")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")
