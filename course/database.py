"""Database wiring: SQLite tuned for concurrent workers (REL-1); PostgreSQL as is.

SQLite runs in WAL mode with a busy timeout, and write requests (and CLI commands, and
services run outside a request) start their transaction with BEGIN IMMEDIATE: in WAL mode a
transaction that reads first and writes later can fail with SQLITE_BUSY whatever the timeout,
and taking the write lock up front avoids that.

The lock is then held for the whole request, which serialises every write request of every
worker. Views declaring `@writes_late` (the quiz saves and submits, the hottest writes) instead
read without a transaction, as safe requests do, and take the lock only for their write, with
`start_write`. Their writes must not depend on a stale read: the quiz saves are guarded by the
attempt's version in the UPDATE itself.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_request_context, request
from sqlalchemy import Engine, event, exc
from sqlalchemy.pool import Pool

from course import readcache
from course.extensions import Session
from course.unit_of_work import WRITES, WRITES_LATE, declared

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
WRITE_OPTION = "frontline_write"
WRITING = "frontline_writing"  # on the connection: this transaction holds the write lock
F = TypeVar("F", bound=Callable)


def _declared_by_view() -> str | None:
    return declared(current_app.view_functions.get(request.endpoint or ""))


def _view_reads_first() -> bool:
    return _declared_by_view() == WRITES_LATE


def request_only_reads() -> bool:
    """Whether this request's reads may use read-only copies: safe methods that do not declare
    `@writes`, and `@writes_late` views, which write only through guarded statements."""
    kind = _declared_by_view()
    return (request.method in SAFE_METHODS and kind != WRITES) or kind == WRITES_LATE


def like_pattern(text: str) -> str:
    """A LIKE pattern for "contains `text`": `%`, `_` and `\\` typed by an admin match themselves.
    Use it with `ilike(..., escape="\\")`, which folds every alphabet on both engines."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_name(column, text: str):
    """`column` contains `text`, case-folded and with every apostrophe variant read as one
    (course/names.py), on both engines: the column is folded in the query, the text here."""
    from sqlalchemy import func, literal

    from course.names import APOSTROPHE, APOSTROPHE_VARIANTS, fold_apostrophes

    folded = column
    for variant in APOSTROPHE_VARIANTS:
        folded = func.replace(folded, literal(variant), literal(APOSTROPHE))
    return folded.ilike(like_pattern(fold_apostrophes(text)), escape="\\")


def _lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event (below) issue BEGIN, instead of pysqlite's own logic.
    dbapi_connection.isolation_level = None
    # SQLite's own lower() (and so SQLAlchemy's ilike(), which compiles to lower() LIKE lower())
    # changes ASCII letters only: an admin searching "олена" would not find "Олена". Python's
    # str.lower, like PostgreSQL's lower(), knows every alphabet.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


# A database server can drop connections that sit idle (a restart, a proxy's timeout); SQLite
# cannot. SQLAlchemy's pool_pre_ping tests every checkout, a round trip on every transaction of
# every request; a connection back in use within this many seconds is trusted instead. A server
# restart inside that window costs the requests in flight an error page, then the pool reconnects.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN = "frontline_checked_in"


@event.listens_for(Pool, "connect")
@event.listens_for(Pool, "checkin")
def _note_checkin(dbapi_connection, record) -> None:
    """A new connection is as good as one just used: no ping before its first use."""
    record.info[_CHECKED_IN] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        return
    idle = time.monotonic() - record.info.get(_CHECKED_IN, float("-inf"))
    if idle < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as error:  # the pool discards this connection and checks out a new one
        raise exc.DisconnectionError() from error


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    writing = bool(
        connection.get_execution_options().get(WRITE_OPTION)
        or not has_request_context()
        or _declared_by_view() == WRITES
        or (request.method not in SAFE_METHODS and not _view_reads_first())
    )
    connection.info[WRITING] = writing
    if writing:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    # Safe requests only read: each statement runs in autocommit and sees the latest commit,
    # which saves a round trip on the hottest pages.


@event.listens_for(Engine, "commit")
def _recheck_cached_reads(_connection) -> None:
    readcache.after_commit()


def start_write(session: Session) -> None:
    """Make sure the session's transaction holds SQLite's write lock before writing.

    After reads without a lock (`@writes_late`), end them and begin again with BEGIN IMMEDIATE.
    Nothing is pending then, and loaded objects stay loaded (sessions do not expire on commit).
    A no-op on PostgreSQL and when the lock is already held."""
    if session.get_bind().dialect.name != "sqlite" or session.connection().info.get(WRITING):
        return
    session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
