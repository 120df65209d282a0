"""The contributor registry: each domain says which tables it owns and how to export and
erase one learner's rows there. Persistence layer: SQLAlchemy only, no Flask.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

# Export order; erasure runs in reverse, so accounts (the name and e-mail) go last.
DOMAINS = ("accounts", "progress", "quizzes", "certificates", "cohorts", "mail")

Rows = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Contributor:
    domain: str
    tables: tuple[str, ...]
    export: Callable[[Session, Any], dict[str, Rows]]  # (session, user) -> {table: rows}
    erase: Callable[[Session, Any, datetime], None]  # (session, user, now); flushes, never commits


_registered: dict[str, Contributor] = {}


def register(contributor: Contributor) -> Contributor:
    _registered[contributor.domain] = contributor
    return contributor


def contributors() -> list[Contributor]:
    """Every domain present in this build, in DOMAINS order (quizzes and certificates may be absent)."""
    for domain in DOMAINS:
        if domain not in _registered:
            try:
                importlib.import_module(f"course.{domain}.privacy")
            except ModuleNotFoundError as missing:
                if not (missing.name or "").startswith(f"course.{domain}"):
                    raise
    return [_registered[d] for d in DOMAINS if d in _registered]


def plain(value: Any) -> Any:
    """A JSON-ready value: times as ISO 8601, everything else as stored."""
    return value.isoformat() if isinstance(value, datetime | date) else value


def rows(session: Session, table: Table, where: Any, leave_out: Iterable[str] = ()) -> Rows:
    """The matching rows of `table` as plain dicts, minus columns that are secrets or blobs."""
    skip = set(leave_out)
    columns = [c for c in table.columns if c.name not in skip]
    primary = list(table.primary_key.columns)
    result = session.execute(select(*columns).where(where).order_by(*primary))
    return [{name: plain(value) for name, value in row._mapping.items()} for row in result]
