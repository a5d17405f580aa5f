"""Retention: the oldest records leave the log through a signed purge record, then are deleted.

One write transaction appends the purge record (purges.py) that names the cut, at the head, and
moves the anchor to that cut; the database's triggers let the anchor move only so. Then whole
records before the anchor go, oldest first, in short write transactions so appends keep flowing
meanwhile, and leave the rollup with them, so statistics agree with the log. Purge records
themselves are kept forever (they hold no personal data). An interrupted purge finishes on the next
run. A broken chain is never purged: that would destroy the evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..chain import link_hash
from ..purges import Cut, purge_record
from ..records import PURGE_METHOD
from ..signing import SigningKey
from ..timestamps import utc_now
from .appending import INSERT, prepare
from .base import StoreUnavailable
from .chain_ends import MOVE_ANCHOR, MOVE_HEAD, read_anchor, read_head
from .dialect import Database, Dialect
from .rollup import rollup_groups

PURGE_BATCH = 5000
LAST_BEFORE = (
    "SELECT MAX(seq) AS seq FROM consent_log "
    "WHERE created_at < {cutoff} AND seq > {anchor} AND seq <= {head}"
)
HASH_AT = "SELECT hash FROM consent_log WHERE seq = {seq}"
LAST_PURGE = (
    f"SELECT seq, hash FROM consent_log WHERE method = '{PURGE_METHOD}' ORDER BY seq DESC LIMIT 1"
)
PURGED = f"seq <= {{seq}} AND method <> '{PURGE_METHOD}'"
BATCH_END = (
    f"SELECT MAX(seq) AS seq FROM (SELECT seq FROM consent_log WHERE {PURGED} "
    "ORDER BY seq LIMIT {limit}) AS batch"
)
DELETE_PURGED = f"DELETE FROM consent_log WHERE {PURGED}"
SUBTRACT = (
    "UPDATE consent_rollup SET n = n - {n} WHERE day = {day} AND "
    "policy_version = {policy_version} AND method = {method} AND gpc = {gpc} "
    "AND granted = {granted} AND denied = {denied}"
)


def purge(
    database: Database,
    verify: Callable[[], Any],
    older_than: str,
    key: SigningKey,
    retention_days: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Cut the records created before `older_than` with a purge record signed by `key`, then
    delete them; `verify` checks the chain first. `progress` hears the running total after each
    batch. Returns how many records went."""
    result = verify()
    if not result.ok:
        raise StoreUnavailable(
            f"refusing to purge a broken chain (seq {result.first_broken}: {result.reason})"
        )
    with database.writing() as connection:
        _append_purge(connection, database.dialect, older_than, key, retention_days)
    deleted = 0
    while True:
        with database.writing() as connection:
            batch = _delete_batch(connection, database.dialect)
        if batch is None:
            return deleted
        deleted += batch
        if progress:
            progress(deleted)


def _append_purge(
    connection: Any, dialect: Dialect, older_than: str, key: SigningKey, days: int | None
) -> int | None:
    """Append the purge record and move the anchor, under the chain's lock; None when no record
    after the anchor is old enough."""
    head_seq, head_hash = read_head(connection, dialect)
    anchor_seq, anchor_hash = read_anchor(connection)
    params = {"cutoff": older_than, "anchor": anchor_seq, "head": head_seq}
    cut = connection.execute(dialect.sql(LAST_BEFORE), params).fetchone()["seq"]
    if cut is None:
        return None
    links_to = connection.execute(dialect.sql(HASH_AT), {"seq": cut}).fetchone()["hash"]
    last = connection.execute(LAST_PURGE).fetchone()
    previous = {"seq": last["seq"], "hash": last["hash"]} if last else None
    seq = head_seq + 1
    record = purge_record(
        Cut(anchor_seq, anchor_hash, cut + 1, links_to, older_than, days, previous),
        key,
        seq,
        head_hash,
        utc_now(),
    )
    pending = prepare(record)
    hash_ = link_hash(seq, head_hash, pending.content)
    values = pending.values | {"seq": seq, "prev_hash": head_hash, "hash": hash_}
    connection.execute(dialect.sql(INSERT), values)
    connection.execute(dialect.sql(MOVE_HEAD), {"seq": seq, "hash": hash_})
    connection.execute(
        dialect.sql(MOVE_ANCHOR),
        {"seq": cut, "hash": links_to, "now": record.created_at, "purge_seq": seq},
    )
    return seq


def _delete_batch(connection: Any, dialect: Dialect) -> int | None:
    """Delete the oldest records the anchor has cut, up to one batch; None when none is left."""
    anchor_seq, _ = read_anchor(connection)
    params = {"seq": anchor_seq, "limit": PURGE_BATCH}
    end = connection.execute(dialect.sql(BATCH_END), params).fetchone()["seq"]
    if end is None:
        return None
    _subtract_from_rollup(connection, dialect, end)
    return connection.execute(dialect.sql(DELETE_PURGED), {"seq": end}).rowcount


def _subtract_from_rollup(connection: Any, dialect: Dialect, up_to_seq: int) -> None:
    """Purged records leave the statistics too."""
    groups = connection.execute(
        dialect.sql(rollup_groups(f"WHERE {PURGED}")), {"seq": up_to_seq}
    ).fetchall()
    for group in groups:
        connection.execute(dialect.sql(SUBTRACT), dict(group))
    connection.execute("DELETE FROM consent_rollup WHERE n <= 0")
