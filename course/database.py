"""Database wiring: SQLite tuned for concurrent workers (REL-1); PostgreSQL as is.

SQLite runs in WAL mode with a busy timeout. Which transaction a statement runs in is chosen
by the unit of work the view or command declares (course/unit_of_work.py): in WAL mode a
transaction that reads first and writes later can fail with SQLITE_BUSY whatever the timeout,
so `@writes` begins with BEGIN IMMEDIATE, `@reads` runs in autocommit, and `@writes_late` takes
the lock just before its first write.
"""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import Engine, event, exc
from sqlalchemy.pool import Pool

from course import readcache, unit_of_work


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
    if connection.dialect.name == "sqlite":
        unit_of_work.begin_sqlite(connection)


@event.listens_for(Engine, "savepoint")
def _savepoint_sqlite(connection, _name) -> None:
    """A SAVEPOINT outside a transaction starts one on SQLite, without the lock: a
    `@writes_late` unit about to write in a savepoint takes the lock first."""
    if connection.dialect.name == "sqlite" and unit_of_work.current() == unit_of_work.WRITES_LATE:
        unit_of_work.lock(connection)


@event.listens_for(Engine, "commit")
def _recheck_cached_reads(_connection) -> None:
    readcache.after_commit()
