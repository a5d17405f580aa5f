"""Group commit on SQLite: appends queued while the write lock is taken share one transaction.

Batches are made on purpose: the test holds the lock file every writer queues on, starts the
appends in real threads, waits until all of them are queued, and lets go; the leader then takes
them all into one transaction.
"""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from consent_server.records import Record
from consent_server.store.base import StoreUnavailable
from consent_server.store.request_keys import RequestKey, RequestKeyReused
from consent_server.store.sqlite import SQLiteStore

from .helpers import VALID_BODY, post_consent
from .test_chain import make_record

THREADS = 12


@contextmanager
def writers_held(path: Path) -> Iterator[None]:
    """Hold the lock file the store's writers queue on."""
    with open(f"{path}-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_until_queued(store: SQLiteStore, count: int) -> None:
    deadline = time.monotonic() + 10
    while store.group_commit.waiting() < count:
        assert time.monotonic() < deadline, f"only {store.group_commit.waiting()} queued"
        time.sleep(0.005)


def in_one_batch(store: SQLiteStore, path: Path, calls: list[Callable[[], object]]) -> list[Future]:
    """Run the calls in threads of their own while the writers' lock is held, so that they all
    queue (in the order given), then release it; their futures once every call has ended."""
    with ThreadPoolExecutor(len(calls)) as pool, writers_held(path):
        futures = []
        for call in calls:
            futures.append(pool.submit(call))
            wait_until_queued(store, len(futures))
    return futures


def keyed(index: int, body: str = "body-1") -> tuple[Record, RequestKey]:
    record = make_record(index)
    record.request_id = "key-0123456789abcdef"
    return record, RequestKey(record.request_id, "consent:visitor-0", "decide", body)


@pytest.fixture
def store(db_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(str(db_path), timeout=2.0)
    assert opened.ready()
    yield opened
    opened.close()


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_appends_queued_together_commit_as_one_batch_and_keep_one_chain(store, db_path):
    batches_before = store.group_commit.batches
    futures = in_one_batch(
        store,
        db_path,
        [lambda index=index: store.append(make_record(index)) for index in range(THREADS)],
    )

    stored = [future.result() for future in futures]
    assert store.group_commit.batches == batches_before + 1
    assert store.group_commit.largest == THREADS
    assert sorted(record.seq for record in stored) == list(range(1, THREADS + 1))
    assert rows(db_path, "SELECT seq, hash FROM consent_log ORDER BY seq") == sorted(
        (record.seq, record.hash) for record in stored
    )
    result = store.verify()
    assert (result.ok, result.checked) == (True, THREADS)


def test_many_threads_appending_and_an_erasure_keep_every_acknowledged_record(store, db_path):
    def erase() -> Record:
        erasure = make_record(1)  # visitor-1's own erase record, as the API writes it
        erasure.method = "erase"
        return store.erase("visitor-1", erasure)

    with ThreadPoolExecutor(16) as pool:
        appended = [pool.submit(store.append, make_record(index)) for index in range(300)]
        erased = pool.submit(erase)
        acknowledged = [future.result() for future in appended] + [erased.result()]

    assert sorted(record.seq for record in acknowledged) == list(range(1, 302))
    kept = dict(rows(db_path, "SELECT seq, hash FROM consent_log"))
    assert all(kept[record.seq] == record.hash for record in acknowledged)
    still_personal = (
        "SELECT COUNT(*) FROM consent_log WHERE consent_id = 'visitor-1' AND user_agent <> '' "
        f"AND seq < {erased.result().seq}"
    )
    assert rows(db_path, still_personal) == [(0,)]
    result = store.verify()
    assert (result.ok, result.checked) == (True, 301)
    assert store.group_commit.records == 300


def test_the_same_key_twice_in_one_batch_makes_one_record_and_a_replay(store, db_path):
    futures = in_one_batch(
        store,
        db_path,
        [
            lambda: store.append(*keyed(0)),
            lambda: store.append(make_record(1)),
            lambda: store.append(*keyed(2)),
            lambda: store.append(*keyed(3, body="body-2")),
        ],
    )

    assert store.group_commit.largest == 4
    outcomes = [future.exception() or future.result() for future in futures]
    first, other, again, reused = outcomes
    assert isinstance(reused, RequestKeyReused)
    assert (again.seq, again.hash, again.page_url) == (first.seq, first.hash, first.page_url)
    assert rows(db_path, "SELECT COUNT(*) FROM consent_log") == [(2,)]
    assert rows(db_path, "SELECT COUNT(*) FROM request_keys") == [(1,)]
    assert {first.seq, other.seq} == {1, 2}
    assert store.verify().ok


class DeferredCheckStore(SQLiteStore):
    """The real store with SQLite's foreign keys enforced, so a deferred constraint can make a
    COMMIT fail: the failing condition is SQLite's own, at the moment a batch commits."""

    def _open(self) -> sqlite3.Connection:
        connection = super()._open()
        connection.execute("PRAGMA foreign_keys = ON")
        return connection


DOOMED_AT_COMMIT = """
CREATE TABLE doom_parent (id INTEGER PRIMARY KEY);
CREATE TABLE doom_child (
    parent INTEGER REFERENCES doom_parent (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TRIGGER doom AFTER INSERT ON consent_log WHEN NEW.language = 'xx'
BEGIN
    INSERT INTO doom_child (parent) VALUES (-1);
END;
"""


def test_a_batch_that_fails_at_commit_fails_every_waiter_and_writes_nothing(db_path):
    store = DeferredCheckStore(str(db_path), timeout=2.0)
    store.append(make_record(0))
    with sqlite3.connect(db_path) as connection:
        connection.executescript(DOOMED_AT_COMMIT)
    before = (
        rows(db_path, "SELECT * FROM chain_head"),
        rows(db_path, "SELECT * FROM consent_rollup"),
    )
    doomed = make_record(1)
    doomed.language = "xx"
    records = [make_record(index) for index in range(2, 8)] + [doomed]

    futures = in_one_batch(store, db_path, [lambda r=r: store.append(r) for r in records])

    assert store.group_commit.largest == len(records)
    assert all(isinstance(future.exception(), StoreUnavailable) for future in futures)
    assert rows(db_path, "SELECT COUNT(*) FROM consent_log") == [(1,)]
    assert rows(db_path, "SELECT COUNT(*) FROM doom_child") == [(0,)]
    after = rows(db_path, "SELECT * FROM chain_head"), rows(db_path, "SELECT * FROM consent_rollup")
    assert after == before
    assert store.append(make_record(9)).seq == 2
    assert store.verify().ok
    store.close()


def test_a_request_refused_with_422_leaves_its_batch_mates_their_201(app, db_path):
    store = app.extensions["consent"].store
    key = {"Idempotency-Key": "key-0123456789abcdef"}
    other_body = VALID_BODY | {"choices": {"analytics": False, "marketing": False}}
    calls = [lambda: post_consent(app.test_client(), headers=key)]
    calls += [lambda: post_consent(app.test_client()) for _ in range(5)]
    calls += [lambda: post_consent(app.test_client(), other_body, headers=key)]
    assert post_consent(app.test_client()).status_code == 201

    futures = in_one_batch(store, db_path, calls)

    statuses = [future.result().status_code for future in futures]
    assert statuses == [201] * 6 + [422]
    assert rows(db_path, "SELECT COUNT(*) FROM consent_log") == [(7,)]
    assert store.verify().ok
