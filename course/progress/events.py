"""What this request completed (web layer): a lesson newly read, a quiz newly passed.

Certificates are issued after a request that completed something (course/certificates/views.py);
a failed quiz, a lesson read twice or an autosave cannot make a learner eligible, so those
requests skip the eligibility queries.

Call `record_completion` inside the transaction that completed something, before its commit.
Listeners (`on_completion`) then read what they need in that same transaction, where the
completion is already visible: no second transaction, connection checkout or lock just to find
out that nothing follows, which is the common case (bench/quiz_submit.py).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g

_listeners: list[Callable[[], None]] = []


def on_completion(listener: Callable[[], None]) -> Callable[[], None]:
    """Register a function to run, in the request's transaction, when something completes."""
    _listeners.append(listener)
    return listener


def record_completion() -> None:
    g.completed_something = True
    for listener in _listeners:
        listener()


def completed_something() -> bool:
    return bool(g.get("completed_something"))
