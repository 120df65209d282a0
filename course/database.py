"""Database wiring: SQLite tuned for concurrent workers (REL-1); PostgreSQL as is.

SQLite runs in WAL mode with a busy timeout, and write requests (and CLI commands, and
services run outside a request) start their transaction with BEGIN IMMEDIATE: in WAL mode a
transaction that reads first and writes later can fail with SQLITE_BUSY whatever the timeout,
and taking the write lock up front avoids that.
"""

from __future__ import annotations

import sqlite3

from flask import has_request_context, request
from sqlalchemy import Engine, event

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
WRITE_OPTION = "frontline_write"


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event (below) issue BEGIN, instead of pysqlite's own logic.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get(WRITE_OPTION) or not has_request_context():
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif request.method not in SAFE_METHODS:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    # Safe requests only read: each statement runs in autocommit and sees the latest commit,
    # which saves a round trip on the hottest pages.
