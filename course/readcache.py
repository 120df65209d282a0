"""Exact per-process cache for the hottest reads on SQLite (the session's user, lesson flags).

Every logged-in page needs the user row and the lesson page a "read" flag; on SQLite these two
queries cost more than the rest of the page (bench/lesson_page.py). Cached values stay exact:
- SQLite's `PRAGMA data_version` changes on a connection whenever *another* connection (another
  gunicorn worker) has committed, so each pooled connection keeps its own partition, dropped when
  the version moves;
- this process's own commits bump a generation counter that drops every partition.
Only read-only requests use it; PostgreSQL always queries (it has no such cheap probe).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

T = TypeVar("T")
INFO_KEY = "frontline.readcache"
MAX_ENTRIES = 10_000
_generation = [0]


@event.listens_for(Engine, "commit")
def _forget_after_own_commit(_connection) -> None:
    _generation[0] += 1


def cached_read(session: Session, key: Hashable, load: Callable[[], T]) -> T:
    """`load()`, or its value from an earlier request if the database has not changed since."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return load()
    # Straight to the driver: this probe runs on every logged-in page.
    version = connection.connection.dbapi_connection.execute("PRAGMA data_version").fetchone()[0]
    stamp = (version, _generation[0])
    partition = connection.info.get(INFO_KEY)
    if partition is None or partition[0] != stamp or len(partition[1]) > MAX_ENTRIES:
        partition = (stamp, {})
        connection.info[INFO_KEY] = partition
    values = partition[1]
    if key not in values:
        values[key] = load()
    return values[key]
