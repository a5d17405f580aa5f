"""Reading ahead for exports: every batch in order, errors in place, and an early stop that
closes the source."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from consent_server.store import StoreUnavailable
from consent_server.store.prefetch import prefetched

from .helpers import eventually


def test_every_item_arrives_in_order():
    assert list(prefetched(iter(range(100)), depth=2)) == list(range(100))


def test_an_error_of_the_source_comes_after_what_it_read():
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise StoreUnavailable("consent log unavailable: gone")

    seen: list[int] = []
    with pytest.raises(StoreUnavailable, match="gone"):
        for item in prefetched(failing()):
            seen.append(item)

    assert seen == [1, 2]


def test_a_consumer_that_stops_early_closes_the_source():
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            number = 0
            while True:
                number += 1
                yield number
        finally:
            closed.set()

    before = set(threading.enumerate())
    items = prefetched(endless(), depth=2)
    assert [next(items), next(items)] == [1, 2]
    assert len(set(threading.enumerate()) - before) == 1
    items.close()

    assert eventually(closed.is_set)
    assert set(threading.enumerate()) - before == set()
