"""course/syncapp.py: SyncFlask skips Flask's per-request coroutine check, so an `async def`
view, hook, handler or receiver must be refused when the app is built, not run as a coroutine
that is never awaited."""

from __future__ import annotations

import pytest
from blinker import ANY
from flask import Blueprint, Flask, signals
from flask.views import MethodView, View

from course.syncapp import AsyncCallableError, SyncFlask, refuse_async_callables


def _app() -> SyncFlask:
    app = SyncFlask(__name__)

    @app.get("/")
    def index() -> str:
        return "plain"

    return app


def test_a_plain_app_passes_and_its_views_are_run_unchanged():
    app = _app()
    refuse_async_callables(app)
    assert app.ensure_sync(app.view_functions["index"]) is app.view_functions["index"]
    assert app.test_client().get("/").text == "plain"


def test_an_async_view_is_refused_by_name():
    app = _app()

    @app.get("/later")
    async def later() -> str:
        return "never awaited"

    with pytest.raises(AsyncCallableError, match=r"view later \(.*later\)") as refused:
        refuse_async_callables(app)
    assert "Make them plain functions" in str(refused.value)


def test_async_hooks_and_handlers_on_the_app_and_on_blueprints_are_each_named():
    app = _app()
    bp = Blueprint("part", __name__)

    async def hook(*_args: object) -> None:
        return None

    bp.before_request(hook)
    bp.url_value_preprocessor(hook)
    app.after_request(hook)
    app.teardown_request(hook)
    app.teardown_appcontext(hook)
    app.context_processor(hook)
    bp.register_error_handler(404, hook)
    app.register_error_handler(ValueError, hook)
    app.register_blueprint(bp)

    with pytest.raises(AsyncCallableError) as refused:
        refuse_async_callables(app)
    message = str(refused.value)
    for where in (
        "before_request_funcs part",
        "url_value_preprocessors part",
        "after_request_funcs app",
        "teardown_request_funcs app",
        "teardown_appcontext",
        "template_context_processors app",
        "error handler part",
        "error handler app",
    ):
        assert where in message, where


def test_class_based_views_are_judged_by_the_methods_flask_dispatches_to():
    class Later(View):
        async def dispatch_request(self) -> str:  # type: ignore[override]
            return "never awaited"

    class Resource(MethodView):
        def get(self) -> str:
            return "plain"

        async def post(self) -> str:
            return "never awaited"

    app = _app()
    app.add_url_rule("/later", view_func=Later.as_view("later"))
    app.add_url_rule("/resource", view_func=Resource.as_view("resource"))
    with pytest.raises(AsyncCallableError) as refused:
        refuse_async_callables(app)
    message = str(refused.value)
    assert "view later.dispatch_request" in message
    assert "view resource.post" in message
    assert "view resource.get" not in message


def test_an_async_receiver_of_a_signal_flask_sends_is_refused():
    app = _app()

    async def on_request(sender: Flask, **_extra: object) -> None:
        return None

    signals.request_started.connect(on_request, ANY, weak=False)
    try:
        with pytest.raises(AsyncCallableError, match="receiver of request-started"):
            refuse_async_callables(app)
    finally:
        signals.request_started.disconnect(on_request)
    refuse_async_callables(app)  # gone once disconnected
