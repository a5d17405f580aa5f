"""Purges as events of the chain: old records leave the log only through a signed purge record.

A purge record names its cut: the anchor it moves from, the first record it keeps and the hash that
record links to, the cutoff time and the retention period behind it, and the purge before it. Its
signature covers that, with the purge record's own seq, previous hash and time, so it also pins
every record before it. The log's anchor must be the cut of its newest purge record, and the purge
records chain to each other back to the log's first record, so the whole purge history can be
listed and a cut no signed purge names is found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .chain import GENESIS_HASH, chain_hash
from .records import PURGE_METHOD, Record
from .signing import PublicKey, SigningKey


@dataclass(frozen=True)
class Cut:
    """Where a purge cuts the log, and why."""

    from_seq: int
    from_hash: str
    first_kept_seq: int
    links_to: str
    cutoff: str
    retention_days: int | None
    previous_purge: dict[str, Any] | None

    @property
    def anchor(self) -> tuple[int, str]:
        """The anchor after this purge: the last removed seq and the hash the log now starts at."""
        return self.first_kept_seq - 1, self.links_to


@dataclass(frozen=True)
class PurgeProblem:
    """A purge history that does not hold: the first seq it concerns, and why."""

    seq: int
    reason: str


def purge_record(cut: Cut, key: SigningKey, seq: int, prev_hash: str, created_at: str) -> Record:
    """The signed record of `cut`, to be appended at `seq` after `prev_hash`."""
    unsigned = {"purge": asdict(cut), "key_id": key.public.key_id}
    payload = unsigned | {"seq": seq, "prev_hash": prev_hash, "created_at": created_at}
    return Record(
        consent_id="",
        created_at=created_at,
        method=PURGE_METHOD,
        granted=[],
        denied=[],
        policy_version="",
        detail=unsigned | {"signature": key.sign(payload)},
    )


def cut_of(record: Record) -> Cut:
    """The cut a purge record names; ValueError when its detail is not one."""
    try:
        return Cut(**record.detail["purge"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"purge record at seq {record.seq} names no cut") from error


def signing_key_of(record: Record, keys: Iterable[PublicKey]) -> PublicKey | None:
    """The key among `keys` that signed this purge record, if any."""
    detail = dict(record.detail)
    signature = detail.pop("signature", None)
    payload = detail | {
        "seq": record.seq,
        "prev_hash": record.prev_hash,
        "created_at": record.created_at,
    }
    return next((key for key in keys if key.verify(payload, signature)), None)


def check_history(
    purges: Sequence[Record], anchor: tuple[int, str], keys: Sequence[PublicKey]
) -> PurgeProblem | None:
    """Check that the purge records, oldest first, chain to each other from the log's start, are
    each signed by one of `keys`, and that the newest one names the log's anchor."""
    previous_anchor, previous = (0, GENESIS_HASH), None
    for record in purges:
        problem = _purge_problem(record, previous_anchor, previous, keys)
        if problem:
            return PurgeProblem(record.seq, problem)
        previous_anchor, previous = cut_of(record).anchor, record
    if tuple(anchor) != previous_anchor:
        first_missing = previous_anchor[0] + 1
        return PurgeProblem(
            first_missing,
            f"records from seq {first_missing} to {anchor[0]} were removed without a signed "
            "purge record (the purge anchor was moved by hand)",
        )
    return None


def _purge_problem(
    record: Record,
    previous_anchor: tuple[int, str],
    previous: Record | None,
    keys: Sequence[PublicKey],
) -> str | None:
    if chain_hash(record, record.prev_hash) != record.hash:
        return f"purge record at seq {record.seq} was edited: its content does not match its hash"
    try:
        cut = cut_of(record)
    except ValueError as error:
        return str(error)
    if not keys:
        return f"purge record at seq {record.seq} cannot be checked: no public key is configured"
    if signing_key_of(record, keys) is None:
        return f"purge record at seq {record.seq} has no valid signature of the server's key"
    named = (previous.seq, previous.hash) if previous else None
    found = (cut.previous_purge["seq"], cut.previous_purge["hash"]) if cut.previous_purge else None
    if found != named:
        missing = found[0] if found else named[0]
        return (
            f"the purge record at seq {missing} is missing or changed (seq {record.seq} names it)"
        )
    if (cut.from_seq, cut.from_hash) != previous_anchor:
        return f"purge record at seq {record.seq} does not start where the purge before it ended"
    if not cut.from_seq < cut.first_kept_seq <= record.seq:
        return f"purge record at seq {record.seq} names an impossible cut"
    return None


def summary(record: Record) -> dict[str, Any]:
    """A purge as `verify` accepted it, in plain values (the admin API's verify answer)."""
    cut = cut_of(record)
    return {
        "seq": record.seq,
        "created_at": record.created_at,
        "from_seq": cut.from_seq,
        "from_hash": cut.from_hash,
        "first_kept_seq": cut.first_kept_seq,
        "links_to": cut.links_to,
        "cutoff": cut.cutoff,
        "retention_days": cut.retention_days,
        "key_id": record.detail.get("key_id"),
    }


def describe(purge: dict[str, Any]) -> str:
    """One line of `verify`'s purge history, from a `summary`."""
    first, last = purge["from_seq"] + 1, purge["first_kept_seq"] - 1
    span = f"{first}" if first == last else f"{first}-{last}"
    removed = f"removed seq {span}" if last >= first else "removed nothing"
    why = f" (retention {purge['retention_days']} days)" if purge["retention_days"] else ""
    return (
        f"purge at seq {purge['seq']}, {purge['created_at']}: {removed}, records created before "
        f"{purge['cutoff']}{why}, signed by key {purge['key_id']}"
    )
