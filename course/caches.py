"""Every per-process cache, with one eviction policy and one `clear()`.

What measurably pays on the hot paths (bench/): rendered pages (course/pagecache.py), the
remembered session cookie (course/sessions.py), the signed CSRF token, the exact SQLite read
cache (course/readcache.py), stored quiz versions, the verification page's name formatting.
Each is an `LRU`: bounded, thread-safe, least recently used out first. `clear()` empties all
of them at once.

Erasing a learner (DATA-2) must also empty, on every worker, every cache that may hold their
name. Workers share one database and nothing else, so erasure bumps a generation row in the
database (`CacheGeneration`, bumped by `bump_generation` in the erasing transaction) and each
process compares it with the one it last saw, at most every `CACHE_CHECK_SECONDS` (a monotonic
clock comparison per request otherwise), clearing everything when it moved.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import Integer, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import Model, Session

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING = object()
_all: weakref.WeakSet[LRU] = weakref.WeakSet()
_all_lock = threading.Lock()


class LRU(Generic[K, V]):
    """A bounded mapping, least recently used out first; safe to share between threads."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        with _all_lock:
            _all.add(self)

    def get(self, key: K, default=None):
        with self._lock:
            value = self._items.get(key, _MISSING)
            if value is _MISSING:
                return default
            self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value for `key`, made (outside the lock) and kept when missing."""
        value = self.get(key, _MISSING)
        return self.put(key, make()) if value is _MISSING else value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def values(self) -> list[V]:
        with self._lock:
            return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)


def clear() -> None:
    """Empty every cache of this process."""
    with _all_lock:
        caches = list(_all)
    for cache in caches:
        cache.clear()


def every_cache() -> list[LRU]:
    """Every live cache of this process (tests look inside them)."""
    with _all_lock:
        return list(_all)


class CacheGeneration(Model):
    """One row: bumped whenever every worker must drop its caches (a learner erased)."""

    __tablename__ = "cache_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


def bump_generation(session: Session) -> None:
    """In the erasing transaction: every worker clears its caches before its next use of them."""
    bumped = session.execute(
        update(CacheGeneration).where(CacheGeneration.id == 1).values(value=CacheGeneration.value + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(CacheGeneration(id=1, value=1))
        session.flush()


class _Seen:
    generation: int | None = None
    checked_at = float("-inf")


_seen = _Seen()
_GENERATION = select(CacheGeneration.value).where(CacheGeneration.id == 1)


def check_generation(session: Session, every_seconds: float) -> None:
    """Clear every cache if another process (or this one) bumped the generation since the last
    look; looks at most every `every_seconds`."""
    now = time.monotonic()
    if now - _seen.checked_at < every_seconds:
        return
    _seen.checked_at = now
    try:
        generation = session.scalar(_GENERATION) or 0
    except SQLAlchemyError:  # not migrated yet (readyz says so): nothing to compare with
        session.rollback()
        return
    if _seen.generation is not None and generation != _seen.generation:
        clear()
    _seen.generation = generation
