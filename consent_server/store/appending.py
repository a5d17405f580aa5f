"""The append path: prepare a record outside the chain's lock, then place it at the chain's head.

`prepare` does everything that needs no lock: the timestamp, the canonical form that is hashed,
the row values. Placing is the critical section, run while the chain head is locked: read the
head, step aside for a replayed Idempotency-Key, otherwise hash the record onto the head, insert
it, count it in the rollup, move the head and claim its Idempotency-Key (request_keys.py).
`place_with_statements` does that statement by statement; postgres.py does it in one statement.
`SQLStore.link_and_insert` (sql.py) runs either and answers a replay with the record the key
already made.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..chain import hashed_content, link_hash
from ..records import Record
from ..timestamps import utc_now
from .chain_ends import MOVE_HEAD, read_head
from .dialect import Dialect
from .request_keys import CLAIM, CLAIMED, PRUNE, RequestKey, RequestKeyReused
from .rollup import COUNT_ONE
from .rows import COLUMN_NAMES, COLUMNS, record_from_row, row_values

RECORD_AT = f"SELECT {COLUMNS} FROM consent_log WHERE seq = {{seq}}"
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
    return Pending(stamped, hashed_content(stamped), row_values(stamped))


def place_with_statements(
    connection: Any, dialect: Dialect, pending: Pending, key: RequestKey | None = None
) -> Placement | None:
    """Lock and read the head, then link in Python and insert, count, move the head and claim the
    key; None when the key is claimed in its scope already."""
    seq, prev_hash = read_head(connection, dialect)
    if key is not None and claim_of(connection, dialect, key) is not None:
        return None
    seq += 1
    hash_ = link_hash(seq, prev_hash, pending.content)
    values = pending.values | {"seq": seq, "prev_hash": prev_hash, "hash": hash_}
    connection.execute(dialect.sql(INSERT), values)
    connection.execute(dialect.sql(COUNT_ONE), values)
    connection.execute(dialect.sql(MOVE_HEAD), {"seq": seq, "hash": hash_})
    if key is not None:
        claim(connection, dialect, key, pending.record, seq)
    return Placement(seq, prev_hash, hash_)


def claim(connection: Any, dialect: Dialect, key: RequestKey, record: Record, seq: int) -> None:
    """File the key under its scope (and its owner's), and let keys older than a day go."""
    params = key.params() | {
        "consent_id": record.consent_id,
        "seq": seq,
        "created_at": record.created_at,
    }
    for scope in filter(None, (key.scope, key.owner_scope)):
        connection.execute(dialect.sql(CLAIM), params | {"scope": scope})
    connection.execute(dialect.sql(PRUNE), params)


def claim_of(connection: Any, dialect: Dialect, key: RequestKey) -> Any:
    """The live claim on the key in its scope: operation, body digest and seq, or None."""
    return connection.execute(dialect.sql(CLAIMED), key.params()).fetchone()


def replayed(connection: Any, dialect: Dialect, key: RequestKey) -> Record | None:
    """The record the key's claim made, after checking the claim was made by this very request
    (RequestKeyReused otherwise); None when the key is not claimed in its scope."""
    found = claim_of(connection, dialect, key)
    if found is None:
        return None
    key.check_replay(found["operation"], found["body_digest"])
    row = connection.execute(dialect.sql(RECORD_AT), {"seq": found["seq"]}).fetchone()
    if row is None:
        raise RequestKeyReused(
            "the record this Idempotency-Key made is no longer in the log; send a new key"
        )
    return record_from_row(row)
