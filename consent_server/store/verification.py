"""Verifying the whole log: the chain from the purge anchor to the head, and the purges behind it.

The records after the anchor must link one to the next up to the recorded head (so a deleted tail
is found too). The anchor must be where the newest signed purge record put it, and the purge
records, kept forever, must chain to each other back to the log's first record (purges.py): a cut
no signed purge names, a forged, edited or deleted purge record, all break the log. A record
whose personal fields were erased needs a later `erase` record of its consent id: blanking them
is what the guards let anyone with the database do, and only a visitor's erasure may.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from ..chain import VerifyResult, verify_chain
from ..purges import check_history, summary
from ..records import ERASE_METHOD, PURGE_METHOD, Record
from ..signing import PublicKey
from .chain_ends import read_state
from .dialect import Database
from .rows import COLUMNS, record_from_row

AFTER_ANCHOR = f"SELECT {COLUMNS} FROM consent_log WHERE seq > {{seq}} ORDER BY seq"
PURGES_UP_TO = (
    f"SELECT {COLUMNS} FROM consent_log WHERE method = '{PURGE_METHOD}' AND seq <= {{seq}} "
    "ORDER BY seq"
)


def verify_log(
    database: Database,
    stream: Callable[[str, dict[str, Any]], Iterator[Record]],
    keys: Sequence[PublicKey],
) -> VerifyResult:
    """Check the log; `stream` runs a query in batches, `keys` check the purge records."""
    with database.reading() as connection:
        state = read_state(connection)
        rows = connection.execute(
            database.dialect.sql(PURGES_UP_TO), {"seq": state.anchor_seq}
        ).fetchall()
    purges = [record_from_row(row) for row in rows]
    hash_at_head: list[str] = []
    # consent id -> the first record erased with no erase record of that id after it (yet)
    unexplained: dict[str, int] = {}

    def watching(records: Iterator[Record]) -> Iterator[Record]:
        for record in records:
            if record.seq == state.head_seq:
                hash_at_head.append(record.hash)
            if record.method == PURGE_METHOD:
                purges.append(record)
            if record.method == ERASE_METHOD:
                unexplained.pop(record.consent_id, None)
            if record.erased:
                unexplained.setdefault(record.consent_id, record.seq)
            yield record

    walked = watching(stream(database.dialect.sql(AFTER_ANCHOR), {"seq": state.anchor_seq}))
    ends = {
        "anchor_seq": state.anchor_seq,
        "anchor_hash": state.anchor_hash,
        "head_seq": state.head_seq,
    }
    result = replace(verify_chain(walked, state.anchor_seq, state.anchor_hash), **ends)
    if not result.ok:
        return result
    if state.head_seq > state.anchor_seq and hash_at_head != [state.head_hash]:
        return VerifyResult(
            False,
            result.checked,
            state.anchor_seq + result.checked + 1,
            f"the log ends before its recorded head (seq {state.head_seq})",
            **ends,
        )
    if unexplained:
        seq = min(unexplained.values())
        reason = "personal fields were erased without a later erase record of this consent id"
        return VerifyResult(False, seq - state.anchor_seq - 1, seq, reason, **ends)
    problem = check_history(purges, (state.anchor_seq, state.anchor_hash), keys)
    if problem:
        return VerifyResult(False, result.checked, problem.seq, problem.reason, **ends)
    return replace(result, purges=tuple(summary(record) for record in purges))
