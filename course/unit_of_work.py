"""The unit of work, declared at the edge: `@reads`, `@writes` or `@writes_late`.

Each view (and CLI command) says what it does to the database; the declaration alone chooses
the transaction it runs in, on both engines, never the HTTP method:

- `@reads`: reads only. On SQLite its statements run in autocommit, without the write lock,
  each seeing the latest commit. Any write (an ORM flush or an INSERT/UPDATE/DELETE) raises
  `WriteOutsideUnitOfWork`, on both engines.
- `@writes`: reads and writes in one transaction. On SQLite it begins with BEGIN IMMEDIATE
  (the write lock first), so a read-then-write never fails with SQLITE_BUSY and its writes are
  atomic; PostgreSQL's transaction is atomic as it is.
- `@writes_late`: reads first without the lock and takes it just before its first write, in
  the same transaction as every later write. For writes that do not depend on a stale read:
  the quiz saves, guarded by the attempt's version in the UPDATE itself; the failure counter
  (one upsert); an audit row.

A request runs as `@reads` until its view starts (the user loader, hooks), and so does any
view that declares nothing (tests/integration/test_unit_of_work.py requires every view to
declare). Outside requests an undeclared session (the shell, test fixtures) is a writing one.
Services never commit and never lock: the lock is taken here, the view or command commits once,
and the 500 handler rolls back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session

F = TypeVar("F", bound=Callable)

READS = "reads"
WRITES = "writes"
WRITES_LATE = "writes_late"
ATTRIBUTE = "unit_of_work"
_G_KEY = "frontline_unit_of_work"


class WriteOutsideUnitOfWork(RuntimeError):
    """A write in a unit of work declared (or defaulting to) `@reads`."""


def _declare(kind: str) -> Callable[[F], F]:
    def mark(view: F) -> F:
        @wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            previous = g.get(_G_KEY)
            setattr(g, _G_KEY, kind)
            try:
                if kind == WRITES:
                    _lock_begun_transaction()
                return view(*args, **kwargs)
            finally:
                setattr(g, _G_KEY, previous)

        setattr(run, ATTRIBUTE, kind)
        return run  # type: ignore[return-value]

    return mark


reads = _declare(READS)
writes = _declare(WRITES)
writes_late = _declare(WRITES_LATE)


def declared(view: Callable | None) -> str | None:
    """The unit of work `view` declares, or None when it declares nothing."""
    return getattr(view, ATTRIBUTE, None)


def current() -> str:
    """The unit of work running now: the declared one; `@reads` in a request before (or
    without) a declaration; `@writes` outside requests (shell, scripts, test fixtures)."""
    kind = g.get(_G_KEY) if has_app_context() else None
    if kind is None:
        return READS if has_request_context() else WRITES
    return kind


def lock(connection: Connection) -> None:
    """SQLite: take the write lock on this connection unless its transaction holds it already.
    Reads outside `@writes` run in autocommit, so an open transaction is one that holds it."""
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _lock_begun_transaction() -> None:
    """A `@writes` view whose request already read (the user loader, say) locks now: from here
    on its reads and writes are one transaction. Otherwise its first statement locks."""
    from course.extensions import db

    if db.session.registry.has() and db.session().in_transaction():
        lock(db.session().connection())


def begin_sqlite(connection: Connection) -> None:
    """The engine's "begin" on SQLite (course/database.py): BEGIN IMMEDIATE for writing units;
    nothing (autocommit) for reads and for `@writes_late` until its first write."""
    if current() == WRITES:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _before_write(session: Session) -> None:
    kind = current()
    if kind == READS:
        raise WriteOutsideUnitOfWork("a write in a unit of work that declares @reads (or nothing)")
    if kind == WRITES_LATE:
        lock(session.connection())


@event.listens_for(Session, "before_flush")
def _guard_flush(session: Session, _context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        _before_write(session)


@event.listens_for(Session, "do_orm_execute")
def _guard_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _before_write(state.session)
