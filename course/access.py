"""Deny by default (AC-1): every endpoint needs a login unless its view is marked @public.

Admin views additionally need the admin role, checked on the server (AC-2). A trainer may open
only the admin views marked @trainer_allowed: views whose every query about learners goes
through the trainer's scope (course/cohorts/scope.py). Everything else stays admin-only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from course.security import safe_next

F = TypeVar("F", bound=Callable)


def public(view: F) -> F:
    """Mark a view as reachable without logging in; the allowlist is the set of these."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def trainer_allowed(view: F) -> F:
    """Let trainers open this admin view too: it must read learners only through the scope."""
    view.trainer_allowed = True  # type: ignore[attr-defined]
    return view


def staff_may_open(view: Callable | None) -> bool:
    """Admins open every admin view; trainers only those marked @trainer_allowed (AC-2)."""
    if not current_user.is_authenticated:
        return False
    if current_user.role == "admin":
        return True
    return current_user.role == "trainer" and getattr(view, "trainer_allowed", False)


def staff_required() -> None:
    """A blueprint's before_request: admins, or trainers on @trainer_allowed views; else 403."""
    if not staff_may_open(current_app.view_functions.get(request.endpoint or "")):
        abort(403)


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not (current_user.is_authenticated and current_user.is_admin):
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def public_endpoints(app: Flask) -> set[str]:
    return {name for name, view in app.view_functions.items() if getattr(view, "is_public", False)}


def require_login():
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=safe_next(target)))


def init_app(app: Flask) -> None:
    app.before_request(require_login)
