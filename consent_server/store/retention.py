"""Retention: deleting the oldest records once they are past their retention period.

Whole records go, oldest first, in short write transactions so appends keep flowing meanwhile.
The chain anchor moves to the last deleted record before it is deleted, so what remains still
verifies from the anchor; the records also leave the rollup, so statistics agree with the log. A
broken chain is never purged: that would destroy the evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..timestamps import utc_now
from .base import StoreUnavailable
from .chain_ends import MOVE_ANCHOR, read_anchor
from .dialect import Database, Dialect
from .rollup import rollup_groups

PURGE_BATCH = 5000
LAST_BEFORE = "SELECT MAX(seq) AS seq FROM consent_log WHERE created_at < {cutoff}"
HASH_AT = "SELECT hash FROM consent_log WHERE seq = {seq}"
DELETE_UP_TO = "DELETE FROM consent_log WHERE seq <= {seq}"
SUBTRACT = (
    "UPDATE consent_rollup SET n = n - {n} WHERE day = {day} AND "
    "policy_version = {policy_version} AND method = {method} AND gpc = {gpc} "
    "AND granted = {granted} AND denied = {denied}"
)


def purge(
    database: Database,
    verify: Callable[[], Any],
    older_than: str,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Delete the records created before `older_than`; `verify` checks the chain first.

    `progress` hears the running total after each batch. Returns how many records went.
    """
    result = verify()
    if not result.ok:
        raise StoreUnavailable(f"refusing to purge a broken chain (seq {result.first_broken})")
    dialect = database.dialect
    with database.reading() as connection:
        row = connection.execute(dialect.sql(LAST_BEFORE), {"cutoff": older_than}).fetchone()
    cut = row["seq"] if row and row["seq"] is not None else 0
    deleted = 0
    while True:
        with database.writing() as connection:
            anchor_seq, _ = read_anchor(connection)
            if anchor_seq >= cut:
                return deleted
            deleted += _purge_batch(connection, dialect, min(cut, anchor_seq + PURGE_BATCH))
        if progress:
            progress(deleted)


def _purge_batch(connection: Any, dialect: Dialect, up_to_seq: int) -> int:
    last = connection.execute(dialect.sql(HASH_AT), {"seq": up_to_seq}).fetchone()
    connection.execute(
        dialect.sql(MOVE_ANCHOR), {"seq": up_to_seq, "hash": last["hash"], "now": utc_now()}
    )
    _subtract_from_rollup(connection, dialect, up_to_seq)
    return connection.execute(dialect.sql(DELETE_UP_TO), {"seq": up_to_seq}).rowcount


def _subtract_from_rollup(connection: Any, dialect: Dialect, up_to_seq: int) -> None:
    """Purged records leave the statistics too."""
    groups = connection.execute(
        dialect.sql(rollup_groups("WHERE seq <= {seq}")), {"seq": up_to_seq}
    ).fetchall()
    for group in groups:
        connection.execute(dialect.sql(SUBTRACT), dict(group))
    connection.execute("DELETE FROM consent_rollup WHERE n <= 0")
