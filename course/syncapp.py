"""The Flask class this app runs on: synchronous only, checked once at start.

Flask asks `inspect.iscoroutinefunction` of every view, hook and handler on every request
(`Flask.ensure_sync`, about a dozen calls), so that an `async def` one can be run through
asgiref. This app has none, does not install asgiref (so Flask would fail an async view at
its first request anyway) and serves through gunicorn's sync workers. Sixteen paired rounds
of `bench lesson_page` (issue 11) put the question at about 3 % of the lesson page. Flask
documents `ensure_sync` as the method to override; the override returns the function
unchanged, and `refuse_async_callables` makes that safe by refusing, when the app is built,
any coroutine function in the registries Flask would have asked about. What is registered
after start (an `after_this_request` callback, a receiver connected later) is not seen; this
app has neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from inspect import iscoroutinefunction
from typing import Any

from flask import Flask, signals

Named = tuple[str, Callable[..., Any]]  # where it was registered, and the callable


class SyncFlask(Flask):
    """Flask without the per-call coroutine check; see the module docstring."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func


class AsyncCallableError(RuntimeError):
    """An `async def` view, hook, handler or receiver was registered on a sync-only app."""


# The signals Flask sends with `_async_wrapper=app.ensure_sync`: an async receiver of one of
# these would otherwise be called and its coroutine dropped.
_FLASK_SIGNALS = (
    signals.template_rendered,
    signals.before_render_template,
    signals.request_started,
    signals.request_finished,
    signals.request_tearing_down,
    signals.got_request_exception,
    signals.appcontext_tearing_down,
    signals.appcontext_pushed,
    signals.appcontext_popped,
    signals.message_flashed,
)


# Flask's registries keyed by blueprint (None for the app), each holding a list of callables.
_PER_BLUEPRINT = (
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "url_value_preprocessors",
    "template_context_processors",
)


def refuse_async_callables(app: Flask) -> None:
    """Raise AsyncCallableError naming every coroutine function Flask would run for `app`."""
    # The question Flask's own ensure_sync asks, once per callable instead of once per call.
    found = sorted({_describe(name, func) for name, func in registered_callables(app) if iscoroutinefunction(func)})
    if found:
        raise AsyncCallableError(
            "This app runs synchronous code only (course/syncapp.py), but these are async def: "
            + "; ".join(found)
            + ". Make them plain functions."
        )


def registered_callables(app: Flask) -> Iterator[Named]:
    """Everything Flask would pass to ensure_sync for `app`, as far as it is known at start."""
    for endpoint, view in app.view_functions.items():
        yield f"view {endpoint}", view
        yield from _class_view_methods(endpoint, view)
    for kind in _PER_BLUEPRINT:
        yield from _per_blueprint(kind, getattr(app, kind))
    yield from (("teardown_appcontext", func) for func in app.teardown_appcontext_funcs)
    for scope, by_code in app.error_handler_spec.items():
        for handlers in by_code.values():
            yield from ((f"error handler {scope or 'app'}", func) for func in handlers.values())
    for signal in _FLASK_SIGNALS:
        yield from ((f"receiver of {signal.name}", func) for func in signal.receivers_for(app))


def _class_view_methods(endpoint: str, view: Callable[..., Any]) -> Iterator[Named]:
    """`View.as_view` runs `dispatch_request` (or, for MethodView, the method named after the
    HTTP verb) through ensure_sync, not the wrapper in view_functions."""
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return
    yield f"view {endpoint}.dispatch_request", view_class.dispatch_request
    for method in getattr(view_class, "methods", None) or ():
        handler = getattr(view_class, method.lower(), None)
        if handler is not None:
            yield f"view {endpoint}.{method.lower()}", handler


def _per_blueprint(kind: str, registry: dict[Any, list[Callable[..., Any]]]) -> Iterator[Named]:
    for scope, funcs in registry.items():
        yield from ((f"{kind} {scope or 'app'}", func) for func in funcs)


def _describe(name: str, func: Callable[..., Any]) -> str:
    return f"{name} ({getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))})"
