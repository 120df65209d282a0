"""course.caches.LRU: the one eviction policy of every per-process cache, and the one clear()."""

from __future__ import annotations

import threading

from course import caches
from course.caches import LRU


def test_the_least_recently_used_entry_goes_first_and_the_size_stays_bounded():
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_a_falsy_value_is_a_hit_not_a_miss():
    cache: LRU[str, int | None] = LRU(4)
    made = []
    for _ in range(3):
        cache.get_or_make("none", lambda: made.append(1))  # returns None
    assert made == [1]


def test_threads_putting_at_once_never_raise_and_never_overfill():
    cache: LRU[int, int] = LRU(50)
    errors: list[BaseException] = []

    def fill(offset: int) -> None:
        try:
            for n in range(2000):
                cache.put(offset * 10_000 + n, n)
                cache.get(offset * 10_000 + n // 2)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=fill, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(cache) == 50


def test_one_clear_empties_every_cache_of_the_process():
    first: LRU[str, str] = LRU(4)
    second: LRU[str, str] = LRU(4)
    first.put("x", "Олена Петренко")
    second.put("y", "Олена Петренко")
    caches.clear()
    assert len(first) == len(second) == 0
    assert first in caches.every_cache() and second in caches.every_cache()
