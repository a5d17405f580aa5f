"""The chain's two ends in the database: its head (the newest record) and its anchor (the last
purged record, where verification starts).

Both are one-row tables (`chain_head`, `chain_anchor`); an empty log has neither and starts from
the genesis hash.
"""

from __future__ import annotations

from typing import Any

from ..chain import GENESIS_HASH
from .dialect import Dialect

MOVE_HEAD = (
    "INSERT INTO chain_head (id, seq, hash) VALUES (1, {seq}, {hash}) "
    "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
)
MOVE_ANCHOR = (
    "INSERT INTO chain_anchor (id, seq, hash, updated_at) "
    "VALUES (1, {seq}, {hash}, {now}) ON CONFLICT (id) DO UPDATE SET "
    "seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at"
)


def read_head(connection: Any, dialect: Dialect | None = None) -> tuple[int, str]:
    """Seq and hash of the newest record; with a dialect, locked until the transaction ends."""
    lock = dialect.head_lock if dialect else ""
    row = connection.execute("SELECT seq, hash FROM chain_head WHERE id = 1" + lock).fetchone()
    return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)


def read_anchor(connection: Any) -> tuple[int, str]:
    row = connection.execute("SELECT seq, hash FROM chain_anchor WHERE id = 1").fetchone()
    return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)
