"""Group commit: the appends waiting in one worker process share one transaction and one fsync.

With `synchronous=FULL` a commit waits for the disk, and one commit per request caps a server at
the disk's flush rate however fast the rest is. Here a request hands its prepared record
(appending.py) to its process's committer and waits. The first waiting thread becomes the leader:
it takes the chain's write lock (`store.writing()`: the lock file, then the database's lock), and
only then takes every record queued by that moment, so everything that arrived while it waited for
the lock rides along. It places them in arrival order inside the one transaction, in a few
statements for the whole batch (batch_placing.py), commits, and only then wakes each waiter with
its stored record or its own error. Then it hands the lead to the first record queued meanwhile, whose thread runs the next
batch; each request waits for at most one batch after the one it joins.

Inside a batch every record is linked as a lone append links it, so the chain, the rollup, the
append-only triggers and Idempotency-Keys behave as before: a second request with the same key in
the same batch gets the first one's record (or RequestKeyReused for another body). Errors are
told apart by whose they are: RequestKeyReused is the request's own, found before anything is
written, and its batch-mates go on; anything else (the disk, a locked or damaged database) fails the whole transaction, which rolls
back, and every request in the batch gets that error (StoreUnavailable: 503). Nothing of a failed
batch is written and nothing of it was acknowledged.

Worst case: a request that arrives just after a leader took its batch waits for that batch's
transaction, then for the lock turns of the other worker processes (each carrying a batch of its
own), then for its own batch: about (workers + 1) transactions, each one fsync plus the placing of
up to threads-per-worker records. A failure fails up to threads-per-worker requests at once,
where one commit per request would have failed the same requests one by one.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ..records import Record
from .appending import Pending
from .request_keys import RequestKey, RequestKeyReused

logger = logging.getLogger(__name__)


class BatchingStore(Protocol):
    """What the committer needs of a store: a write transaction, and a way to place a batch in
    it that answers each record with its stored form or its own refusal (batch_placing.py)."""

    def writing(self) -> AbstractContextManager[Any]: ...

    def place_batch(
        self, connection: Any, batch: Sequence[tuple[Pending, RequestKey | None]]
    ) -> list[Record | RequestKeyReused]: ...


class Waiter:
    """One request's record on its way into a batch, and what became of it.

    Its thread sleeps on a lock taken when the waiter is made and released once to wake it: a
    bare lock costs a fraction of an Event (a lock, a condition and its own waiter lock), and a
    leader wakes up to a batch of them while the write lock is held. Each waiter is woken once:
    with its outcome, or to lead the next batch (and then by nobody else until it leads).
    """

    __slots__ = ("_asleep", "error", "key", "leads", "pending", "record")

    def __init__(self, pending: Pending, key: RequestKey | None) -> None:
        self.pending = pending
        self.key = key
        self._asleep = threading.Lock()
        self._asleep.acquire()
        self.leads = False
        self.record: Record | None = None
        self.error: BaseException | None = None

    def wait(self) -> None:
        self._asleep.acquire()

    def wake(self) -> None:
        self._asleep.release()

    def outcome(self) -> Record:
        if self.error is not None:
            raise self.error
        return self.record


class GroupCommit:
    """A process's queue of appends, committed a batch per transaction by a leader thread."""

    def __init__(self, store: BatchingStore) -> None:
        self.store = store
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._queue: list[Waiter] = []
        self._leading = False
        self.batches = 0
        self.records = 0
        self.largest = 0

    def waiting(self) -> int:
        """How many appends are queued and not yet taken into a batch."""
        with self._lock:
            return len(self._queue)

    def append(self, pending: Pending, key: RequestKey | None = None) -> Record:
        """Place the record in the next batch; return it as stored once that batch is committed."""
        if self._pid != os.getpid():  # a forked child starts with a queue of its own
            self._reset()
        waiter = Waiter(pending, key)
        with self._lock:
            self._queue.append(waiter)
            leads = not self._leading
            self._leading = True
        if not leads:
            waiter.wait()
            if not waiter.leads:
                return waiter.outcome()
        self._lead()
        return waiter.outcome()

    def _take(self) -> list[Waiter]:
        with self._lock:
            batch, self._queue = self._queue, []
        return batch

    def _lead(self) -> None:
        """Run one batch (it holds the leader's own record), wake its waiters, pass the lead on."""
        taken: list[Waiter] = []
        try:
            self._commit(taken)
        except BaseException as error:
            taken.extend(() if taken else self._take())
            for waiter in taken:
                waiter.record, waiter.error = None, error
        finally:
            self._count(len(taken))
            for waiter in taken:
                waiter.wake()
            self._pass_lead()

    def _commit(self, taken: list[Waiter]) -> None:
        with self.store.writing() as connection:
            taken.extend(self._take())
            outcomes = self.store.place_batch(
                connection, [(waiter.pending, waiter.key) for waiter in taken]
            )
        for waiter, outcome in zip(taken, outcomes, strict=True):
            if isinstance(outcome, Record):
                waiter.record = outcome
            else:
                waiter.error = outcome

    def _count(self, size: int) -> None:
        with self._lock:
            self.batches += 1
            self.records += size
            self.largest = max(self.largest, size)
        logger.debug("group commit: %d record(s) in one transaction", size)

    def _pass_lead(self) -> None:
        with self._lock:
            if self._queue:
                successor = self._queue[0]
                successor.leads = True
                successor.wake()
            else:
                self._leading = False
