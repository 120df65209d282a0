"""course.app.Frontline: Flask with ensure_sync's answer kept per function (a hot-path cost)."""

from __future__ import annotations


def test_the_app_asks_once_whether_a_hook_is_a_coroutine_and_still_runs_it():
    """course.app.Frontline keeps ensure_sync's answer per function; hooks behave as in Flask."""
    from course.app import Frontline

    app = Frontline(__name__)
    calls: list[str] = []

    @app.before_request
    def note() -> None:
        calls.append("before")

    @app.get("/")
    def index() -> str:
        return "ok"

    assert app.ensure_sync(note) is app.ensure_sync(note)
    client = app.test_client()
    assert client.get("/").get_data(as_text=True) == "ok" and client.get("/").status_code == 200
    assert calls == ["before", "before"]
