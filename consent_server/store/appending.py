"""The append path: prepare a record outside the chain's lock, then place it at the chain's head.

`prepare` does everything that needs no lock: the timestamp, the canonical form that is hashed,
the row values. Placing is the critical section, run while the chain head is locked: read the
head, step aside for a replayed Idempotency-Key, otherwise hash the record onto the head, insert
it, count it in the rollup and move the head. `place_with_statements` does that statement by
statement; postgres.py does it in one statement. `SQLStore.link_and_insert` (sql.py) runs either
and answers a replay with the record the key already made.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..chain import canonical, link_hash
from ..records import Record
from ..timestamps import utc_now
from .chain_ends import MOVE_HEAD, read_head
from .dialect import Dialect
from .rollup import COUNT_ONE
from .rows import COLUMN_NAMES, COLUMNS, record_from_row, row_values

# The record an Idempotency-Key already made. The `<> ''` lets the database use the partial unique
# index on request_id; without it, every lookup would scan the whole log under the chain's lock.
REPLAYED = f"SELECT {COLUMNS} FROM consent_log WHERE request_id = {{rid}} AND request_id <> ''"
INSERT = (
    f"INSERT INTO consent_log ({COLUMNS}) VALUES ({', '.join(f'{{{n}}}' for n in COLUMN_NAMES)})"
)


@dataclass(frozen=True)
class Placement:
    """Where a record was placed: its seq and the hashes that link it."""

    seq: int
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Pending:
    """A record ready to be placed: a timestamped copy of its own (the caller's record is left as
    it was), its canonical form and its row values, all computed before the chain's lock is taken."""

    record: Record
    content: bytes
    values: dict[str, Any]

    def placed(self, placement: Placement) -> Record:
        """The pending copy, now with its place in the chain, as stored."""
        stored = self.record
        stored.seq, stored.prev_hash, stored.hash = (
            placement.seq,
            placement.prev_hash,
            placement.hash,
        )
        return stored


def prepare(record: Record) -> Pending:
    stamped = copy.copy(record)  # shallow: the id lists are only read, never changed
    stamped.created_at = stamped.created_at or utc_now()
    return Pending(stamped, canonical(stamped), row_values(stamped))


def place_with_statements(connection: Any, dialect: Dialect, pending: Pending) -> Placement | None:
    """Lock and read the head, then link in Python and insert, count and move the head; None when
    the record's request id made a record already."""
    seq, prev_hash = read_head(connection, dialect)
    request_id = pending.record.request_id
    if request_id and replayed(connection, dialect, request_id) is not None:
        return None
    seq += 1
    hash_ = link_hash(seq, prev_hash, pending.content)
    values = pending.values | {"seq": seq, "prev_hash": prev_hash, "hash": hash_}
    connection.execute(dialect.sql(INSERT), values)
    connection.execute(dialect.sql(COUNT_ONE), values)
    connection.execute(dialect.sql(MOVE_HEAD), {"seq": seq, "hash": hash_})
    return Placement(seq, prev_hash, hash_)


def replayed(connection: Any, dialect: Dialect, request_id: str) -> Record | None:
    """The record an Idempotency-Key already made, if any."""
    row = connection.execute(dialect.sql(REPLAYED), {"rid": request_id}).fetchone()
    return record_from_row(row) if row else None
