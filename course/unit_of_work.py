"""What a view declares about its unit of work: `@reads`, `@writes` or `@writes_late`.

Each view (and CLI command) says at the edge what it does to the database, so the transaction
it runs in is chosen from the declaration, never guessed from the HTTP method:

- `@reads`: reads only. On SQLite its statements run without holding the write lock.
- `@writes`: writes, whatever its method. On SQLite it takes the write lock when it begins
  (BEGIN IMMEDIATE), so a read-then-write never fails with SQLITE_BUSY.
- `@writes_late`: reads first without the lock and takes it only for a version-guarded write
  (the quiz saves and submits, the hottest writes).

Services never commit and never lock; the view commits once. Must not import views or models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

READS = "reads"
WRITES = "writes"
WRITES_LATE = "writes_late"
ATTRIBUTE = "unit_of_work"


def _declare(kind: str) -> Callable[[F], F]:
    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, kind)
        return view

    return mark


reads = _declare(READS)
writes = _declare(WRITES)
writes_late = _declare(WRITES_LATE)


def declared(view: Callable | None) -> str | None:
    """The unit of work `view` declares, or None when it declares nothing."""
    return getattr(view, ATTRIBUTE, None)
