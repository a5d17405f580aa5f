"""The chain's two ends in the database: its head (the newest record) and its anchor (the last
purged record, where verification starts).

Both are one-row tables. `chain_head` holds its row from the second schema step on (seq 0 and the
genesis hash for an empty log), so moving the head always updates that row, and its guard checks
each move; `chain_anchor` has no row until the first purge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..chain import GENESIS_HASH
from .dialect import Dialect

# The head row always exists, so an upsert of it is an UPDATE, which the head's guard checks.
HEAD_UPSERT = "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
MOVE_HEAD = "INSERT INTO chain_head (id, seq, hash) VALUES (1, {seq}, {hash}) " + HEAD_UPSERT
# Only together with the purge record at `purge_seq` that names this cut: a trigger checks it.
MOVE_ANCHOR = (
    "INSERT INTO chain_anchor (id, seq, hash, updated_at, purge_seq) "
    "VALUES (1, {seq}, {hash}, {now}, {purge_seq}) ON CONFLICT (id) DO UPDATE SET "
    "seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at, "
    "purge_seq = excluded.purge_seq"
)


@dataclass(frozen=True)
class ChainState:
    """Both ends of the chain, read together."""

    head_seq: int
    head_hash: str
    anchor_seq: int
    anchor_hash: str


def read_head(connection: Any, dialect: Dialect | None = None) -> tuple[int, str]:
    """Seq and hash of the newest record; with a dialect, locked until the transaction ends."""
    lock = dialect.head_lock if dialect else ""
    row = connection.execute("SELECT seq, hash FROM chain_head WHERE id = 1" + lock).fetchone()
    return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)


def read_anchor(connection: Any) -> tuple[int, str]:
    row = connection.execute("SELECT seq, hash FROM chain_anchor WHERE id = 1").fetchone()
    return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)


def read_state(connection: Any) -> ChainState:
    """The head and the anchor in the connection's snapshot; an empty log's head is its anchor."""
    anchor_seq, anchor_hash = read_anchor(connection)
    row = connection.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
    head = (row["seq"], row["hash"]) if row and row["seq"] else (anchor_seq, anchor_hash)
    return ChainState(*head, anchor_seq, anchor_hash)
