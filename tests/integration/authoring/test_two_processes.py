"""A published release reaches every app process without a restart (issue 12).

Two gunicorn instances on two ports share one PostgreSQL database and no disk: release 1 is
seeded, the course is exported, one lesson line is changed, and `flask content import`
(a third process, the way an admin publishes from files) makes release 2. Both instances serve
the changed lesson within 5 seconds, with the default CONTENT_CHECK_SECONDS.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from course.authoring import services
from course.content.files import read_course_files
from course.extensions import db
from tests.conftest import TEST_COURSE, make_test_app, reset_database
from tests.pg import free_port

ROOT = Path(__file__).parents[3]
LESSON = "/modules/basics/first"
OLD, NEW = "Текст першого уроку.", "Текст першого уроку, змінений у релізі 2."


def _environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT", "PROXY_HOPS", "CONTENT_CHECK_SECONDS")}
    env.update(
        INSTANCE_PATH=str(tmp_path / "instance"),
        SECRET_KEY="test-secret-key-that-is-long-enough-0123456789",
        DATABASE_URL=database_url,
        CONTENT_DIR=str(TEST_COURSE),
        QUIZZES_DIR=str(TEST_COURSE / "quizzes"),
        LOG_LEVEL="WARNING",
    )
    return env


@contextmanager
def gunicorn(env: dict[str, str]):
    port = free_port()
    command = [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)  # noqa: S310 - loopback only
                break
            except OSError:
                assert process.poll() is None, "gunicorn exited"
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _page(url: str) -> str:
    with urllib.request.urlopen(url + LESSON, timeout=10) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def test_a_release_reaches_a_second_app_process_within_5_seconds(pg_url, tmp_path, clock):
    app = make_test_app(pg_url, tmp_path, clock)
    with app.app_context():
        reset_database()
        services.seed_release(db.session, read_course_files(TEST_COURSE, TEST_COURSE / "quizzes"), now=clock())
        db.session.commit()
        db.engine.dispose()
    env = _environment(tmp_path, pg_url)
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "content"]
    exported = tmp_path / "checkout"
    subprocess.run([*flask, "export", str(exported)], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    lesson = exported / "content/modules/01-basics.uk.md"
    lesson.write_bytes(lesson.read_bytes().replace(OLD.encode(), NEW.encode()))
    with ExitStack() as stack:
        first, second = (stack.enter_context(gunicorn(env)) for _ in range(2))
        assert OLD in _page(first) and OLD in _page(second)
        done = subprocess.run([*flask, "import", str(exported)], cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
        assert done.returncode == 0 and "ok: release 2" in done.stdout, done.stdout + done.stderr
        published = time.monotonic()
        waiting = {first, second}
        while waiting and time.monotonic() - published < 5:
            waiting = {url for url in waiting if NEW not in _page(url)}
            time.sleep(0.1)
        assert not waiting, f"still serving release 1 after 5 s: {waiting}"
        assert OLD not in _page(first) and OLD not in _page(second)
