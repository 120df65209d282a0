"""The read cache stays exact: a commit by another worker is seen on the very next request."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.integration.test_learning import read_lesson


def other_worker_runs(app, statement: str, **params) -> None:
    """Another process stands in for another gunicorn worker (its commits are not ours)."""
    code = (
        "import json, sys; from sqlalchemy import create_engine, text\n"
        "url, statement, params = json.loads(sys.argv[1])\n"
        "engine = create_engine(url)\n"
        "with engine.begin() as connection: connection.execute(text(statement), params)\n"
    )
    argument = json.dumps([app.config["SQLALCHEMY_DATABASE_URI"], statement, params])
    subprocess.run([sys.executable, "-c", code, argument], check=True, timeout=60)


def test_logout_in_another_worker_ends_this_session_at_once_SESS_2(app, make_learner, auth, client):
    user = make_learner()
    auth.login(user.email)
    for _ in range(3):  # warm the cache
        assert client.get("/dashboard").status_code == 200
    other_worker_runs(app, 'UPDATE "user" SET session_epoch = session_epoch + 1 WHERE id = :id', id=user.id)
    assert client.get("/dashboard").status_code == 302


def test_deactivation_in_another_worker_is_seen_at_once_SESS_2(app, make_learner, auth, client):
    user = make_learner()
    auth.login(user.email)
    # the second lesson: the first of each module is public (the preview, issue 16)
    assert client.get("/modules/basics/second").status_code == 200
    other_worker_runs(app, 'UPDATE "user" SET is_active = false WHERE id = :id', id=user.id)
    assert client.get("/modules/basics/second").status_code == 302


def test_lesson_read_flag_follows_writes(app, make_learner, auth, client):
    auth.login(make_learner().email)
    assert "✓ прочитано" not in client.get("/modules/basics/first").get_data(as_text=True)
    read_lesson(client, "basics", "first")
    assert "✓ прочитано" in client.get("/modules/basics/first").get_data(as_text=True)
    other_worker_runs(app, "DELETE FROM lesson_read")
    assert "✓ прочитано" not in client.get("/modules/basics/first").get_data(as_text=True)
