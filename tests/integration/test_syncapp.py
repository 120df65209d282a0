"""The real app is built on SyncFlask and passes its own start-up check (course/syncapp.py)."""

from __future__ import annotations

import pytest

from course.syncapp import AsyncCallableError, SyncFlask, refuse_async_callables, registered_callables


def test_the_app_runs_views_unchanged_and_holds_no_async_callable(app):
    assert isinstance(app, SyncFlask)
    refuse_async_callables(app)
    walked = {name for name, _func in registered_callables(app)}
    # The check looks where this app registers things: its views, hooks and error handlers.
    assert any(name.startswith("view content.") for name in walked)
    assert any(name.startswith("before_request_funcs app") for name in walked)
    assert any(name.startswith("error handler") for name in walked)
    lesson_view = app.view_functions["content.lesson"]
    assert app.ensure_sync(lesson_view) is lesson_view


@pytest.mark.fresh_app
def test_an_async_view_added_to_the_real_app_is_refused(app):
    @app.get("/async-probe")
    async def async_probe() -> str:
        return "never awaited"

    with pytest.raises(AsyncCallableError, match="view async_probe"):
        refuse_async_callables(app)
