"""Exact per-process cache for the hottest reads on SQLite (the session's user, lesson flags).

Every logged-in page needs the user row and the lesson page a "read" flag; on SQLite these two
queries cost more than the rest of the page (bench/lesson_page.py). Cached values stay exact:
SQLite's `PRAGMA data_version` on a connection changes whenever *another* connection has
committed. Each thread keeps one small probe connection that never writes, so every commit, by
another gunicorn worker or by this process's own pooled connections, moves its version, and the
cache is dropped before the next read. A hit touches neither the pool nor SQLAlchemy.
Only read-only requests use it; PostgreSQL always queries (it has no such cheap probe).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, scoped_session

from course.caches import LRU
from course.extensions import db

T = TypeVar("T")
_MISSING: Any = object()
MAX_ENTRIES = 10_000


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.probes: dict[str, tuple[int, sqlite3.Connection]] = {}
        self.stamps: dict[str, object] = {}
        self.values: dict[str, LRU] = {}
        self.in_request = False
        self.checked: set[str] = set()  # databases checked since the request began
        self.path_of: object = None  # the session whose database file `path` is, this request
        self.path: str | None = None


_state = _ThreadState()


def _version(path: str) -> int:
    """The database's data_version as seen by this thread's probe (reopened after a fork)."""
    pid, probe = _state.probes.get(path, (None, None))
    if probe is None or pid != os.getpid():
        probe = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        _state.probes[path] = (os.getpid(), probe)
    return probe.execute("PRAGMA data_version").fetchone()[0]


def _engine(session: Session | scoped_session):
    """The session's engine, without creating a Session for a request that may never query:
    a cache hit then costs neither a Session nor its teardown. `db.session` is bound to
    `db.engine`, Flask-SQLAlchemy's engine for the current app."""
    if session is db.session:
        return db.engine
    return session.get_bind()


def _sqlite_path(session: Session | scoped_session) -> str | None:
    """The SQLite file behind the session, or None (another database, or in memory); found once
    per request (the engine is the same for all of it)."""
    if _state.in_request and _state.path_of is session:
        return _state.path
    url = _engine(session).url
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        path = None
    if _state.in_request:
        _state.path_of, _state.path = session, path
    return path


def cached_read(session: Session | scoped_session, key: Hashable, load: Callable[[], T]) -> T:
    """`load()`, or its value from an earlier request if the database has not changed since."""
    path = _sqlite_path(session)
    if path is None:
        return load()
    values = _state.values.get(path)
    if path not in _state.checked or values is None:
        version = _version(path)
        if values is None or _state.stamps.get(path) != version:
            if values is None:
                values = _state.values[path] = LRU(MAX_ENTRIES)
            values.clear()
            _state.stamps[path] = version
        if _state.in_request:
            _state.checked.add(path)
    value = values.get(key, _MISSING)
    return values.put(key, load()) if value is _MISSING else value


# One check per request: a page's cached reads see the database as of its first one, as a
# transaction would. Any commit (this request's own writes too) makes the next read check again.
def begin_request() -> None:
    _state.in_request = True
    _state.checked.clear()
    _state.path_of = None


def end_request(_error: BaseException | None = None) -> None:
    _state.in_request = False
    _state.checked.clear()
    _state.path_of = None


def after_commit() -> None:
    _state.checked.clear()
