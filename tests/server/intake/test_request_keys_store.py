"""Scoped Idempotency-Keys in the store, on SQLite and PostgreSQL: claimed once per requester,
replayed only to that requester's same request, forgotten after a day and at erasure."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from consent_server.records import Record
from consent_server.store import open_store
from consent_server.store.request_keys import CLAIMED, RequestKey, RequestKeyReused

from ..test_chain import make_record

KEY = "k3y-0123456789abcdef"


def keyed(
    index: int, scope: str = "consent:visitor-0", **changes: str
) -> tuple[Record, RequestKey]:
    record = make_record(index)
    record.request_id = KEY
    fields = {"operation": "decide", "body_digest": "body-1"} | changes
    return record, RequestKey(KEY, scope, **fields)


def stored_rows(backend) -> int:
    return backend.query("SELECT COUNT(*) FROM consent_log")[0][0]


def test_the_same_request_again_gets_its_record_and_nothing_is_written(backend):
    store = backend.open()
    first = store.append(*keyed(0))

    again = store.append(*keyed(1))

    assert (again.seq, again.hash, again.page_url) == (first.seq, first.hash, first.page_url)
    assert stored_rows(backend) == 1
    assert store.verify().ok


@pytest.mark.parametrize("change", [{"body_digest": "body-2"}, {"operation": "withdraw"}])
def test_another_request_with_the_key_in_its_scope_is_refused(backend, change):
    store = backend.open()
    store.append(*keyed(0))

    with pytest.raises(RequestKeyReused):
        store.append(*keyed(1, **change))
    assert stored_rows(backend) == 1


def test_the_key_in_another_scope_is_a_new_request(backend):
    store = backend.open()
    first = store.append(*keyed(0, "client:aaaa"))

    other = store.append(*keyed(1, "client:bbbb"))

    assert other.seq == first.seq + 1
    assert stored_rows(backend) == 2
    assert store.verify().ok


def test_a_key_claimed_without_a_token_is_found_under_the_consent_id_it_made(backend):
    store = backend.open()
    record, key = keyed(0, "client:aaaa")
    first = store.append(record, RequestKey(KEY, key.scope, "decide", "body-1", "consent:new-id"))

    again = store.append(*keyed(1, "consent:new-id"))

    assert again.seq == first.seq
    with pytest.raises(RequestKeyReused):
        store.append(*keyed(2, "consent:new-id", operation="erase"))


def test_a_key_older_than_a_day_starts_a_new_request(backend):
    store = backend.open()
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        first = store.append(*keyed(0))
        clock.shift(timedelta(hours=24, minutes=1))

        later = store.append(*keyed(1))

    assert later.seq == first.seq + 1
    assert backend.query("SELECT COUNT(*) FROM request_keys")[0][0] == 1


def test_erasure_forgets_the_keys_of_the_consent_id_and_replays_itself(backend):
    store = backend.open()
    store.append(*keyed(0, "client:aaaa", owner_scope="consent:visitor-0"))
    store.append(*keyed(1, "consent:visitor-1"))
    erase_key = RequestKey("erase-0123456789abcdef", "consent:visitor-0", "erase")
    erasure = Record("visitor-0", "", "erase", [], [], "", request_id=erase_key.key)

    erased = store.erase("visitor-0", erasure, erase_key)
    again = store.erase("visitor-0", erasure, erase_key)

    assert again.seq == erased.seq
    assert [record.method for record in store.records()] == ["custom", "custom", "erase"]
    assert sorted(backend.query("SELECT scope, operation FROM request_keys")) == [
        ("consent:visitor-0", "erase"),
        ("consent:visitor-1", "decide"),
    ]
    assert store.verify().ok


def test_concurrent_requests_with_one_key_write_one_record(backend):
    backend.open().append(make_record(99))

    def send(index: int) -> int:
        return backend.open(timeout=10).append(*keyed(index)).seq

    with ThreadPoolExecutor(max_workers=6) as pool:
        seqs = set(pool.map(send, range(12)))

    assert len(seqs) == 1
    assert stored_rows(backend) == 2


def test_the_claim_lookup_uses_the_request_keys_primary_key(db_path):
    """A lookup that scanned the keys would run under the chain's lock on every decision."""
    store = open_store(f"sqlite:///{db_path}")
    store.append(*keyed(0))
    key = keyed(1)[1]
    with sqlite3.connect(db_path) as connection:
        plan = connection.execute(
            "EXPLAIN QUERY PLAN " + CLAIMED.format_map({n: f":{n}" for n in key.params()}),
            key.params(),
        ).fetchall()
    assert "sqlite_autoindex_request_keys_1" in " ".join(str(step) for step in plan)
    store.close()
