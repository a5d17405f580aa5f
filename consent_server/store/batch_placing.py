"""Placing a batch of prepared records at the chain's head in a handful of statements.

The same steps as a lone append (appending.py), taken once per batch instead of once per record:
the head is read once, each record is linked to the one before it in Python, then one multi-row
INSERT writes them all, one statement counts them in the rollup from the rows just inserted, one
upsert steps the head over them and the keys are claimed. Fewer statements matter beyond
their own cost: the driver lets go of the GIL around each one, and with the write lock held every
time it takes the GIL back behind a busy request thread stalls every writer of every process.

Idempotency-Keys are checked before anything is written: against the claims in the log (as a
lone append checks them) and against the claims made earlier in the same batch, so a second
request with the same key in the batch gets the first one's record, or RequestKeyReused for
another body, exactly as it would one batch later. A refused request writes nothing, so it
leaves its batch-mates alone.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..chain import link_hash
from ..records import Record
from .appending import Pending, Placement, claim, replayed
from .chain_ends import HEAD_UPSERT, read_head
from .dialect import Dialect
from .request_keys import RequestKey, RequestKeyReused
from .rollup import count_into_rollup
from .rows import COLUMN_NAMES, COLUMNS

COUNT_PLACED = count_into_rollup("consent_log", "WHERE seq >= {first} AND seq <= {last}")
Outcome = Record | RequestKeyReused


@lru_cache(maxsize=128)
def insert_rows(count: int) -> str:
    """One INSERT of `count` records, their values named `{column}_{index}`."""
    rows = (
        "(" + ", ".join(f"{{{name}_{index}}}" for name in COLUMN_NAMES) + ")"
        for index in range(count)
    )
    return f"INSERT INTO consent_log ({COLUMNS}) VALUES {', '.join(rows)}"


@lru_cache(maxsize=128)
def move_head(count: int) -> str:
    """The head moved over `count` records in one upsert, one row at a time, so that the trigger
    that lets it move only one linked record forward checks each step (SQLite lets an upsert
    update the same row again; PostgreSQL does not, and appends one statement each)."""
    steps = ", ".join(f"(1, {{seq_{index}}}, {{hash_{index}}})" for index in range(count))
    return f"INSERT INTO chain_head (id, seq, hash) VALUES {steps} {HEAD_UPSERT}"


class BatchPlacer:
    """Links one batch's records in order and writes them together."""

    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self.seq, self.prev_hash = read_head(connection, dialect)
        self.first = self.seq + 1
        self.rows: dict[str, Any] = {}
        self.claims: dict[tuple[str, str], tuple[RequestKey, Record]] = {}
        self.keyed: list[tuple[RequestKey, Record]] = []

    def outcome(self, pending: Pending, key: RequestKey | None) -> Outcome:
        """The record as it will be stored, the record a replayed key made, or the refusal."""
        if key is not None:
            try:
                earlier = self.earlier(key)
            except RequestKeyReused as refused:
                return refused
            if earlier is not None:
                return earlier
        record = self.link(pending)
        if key is not None:
            for scope in filter(None, (key.scope, key.owner_scope)):
                self.claims[(scope, key.key)] = (key, record)
            self.keyed.append((key, record))
        return record

    def earlier(self, key: RequestKey) -> Record | None:
        """What an earlier request with this key made, in this batch or in the log."""
        made = self.claims.get((key.scope, key.key))
        if made is None:
            return replayed(self.connection, self.dialect, key)
        claimer, record = made
        key.check_replay(claimer.operation, claimer.body_digest)
        return copy.copy(record)

    def link(self, pending: Pending) -> Record:
        self.seq += 1
        hash_ = link_hash(self.seq, self.prev_hash, pending.content)
        index = self.seq - self.first
        values = pending.values | {"seq": self.seq, "prev_hash": self.prev_hash, "hash": hash_}
        self.rows.update((f"{name}_{index}", values[name]) for name in COLUMN_NAMES)
        record = pending.placed(Placement(self.seq, self.prev_hash, hash_))
        self.prev_hash = hash_
        return record

    def write(self) -> None:
        """Insert the linked records, count them, move the head and claim their keys."""
        if self.seq < self.first:
            return
        execute, count = self.connection.execute, self.seq - self.first + 1
        execute(self.dialect.sql(insert_rows(count)), self.rows)
        execute(self.dialect.sql(COUNT_PLACED), {"first": self.first, "last": self.seq})
        execute(self.dialect.sql(move_head(count)), self.rows)
        for key, record in self.keyed:
            claim(self.connection, self.dialect, key, record, record.seq)


def place_batch(
    connection: Any, dialect: Dialect, batch: Sequence[tuple[Pending, RequestKey | None]]
) -> list[Outcome]:
    """Each request's outcome, in the batch's order, with every placed record written."""
    placer = BatchPlacer(connection, dialect)
    outcomes = [placer.outcome(pending, key) for pending, key in batch]
    placer.write()
    return outcomes
