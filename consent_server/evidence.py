"""Evidence bundles: one signed file an auditor takes away and checks offline (evidence_check.py).

A bundle holds the records of its scope (one consent id, a time range, or both) in full, the
archived policy text behind each version they name, every link from the scope's first record to a
checkpoint of the head signed with it, and the server's public key. Other visitors' records in
that segment are reduced to the SHA-256 of their canonical form: enough to recompute the chain,
nothing about them. The format is documented in site/docs/auditing.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .chain import canonical
from .checkpoints import make_checkpoint
from .evidence_check import FORMAT
from .records import PURGE_METHOD, Record
from .signing import PublicKey, SigningKey
from .store import ConsentStore, RecordFilter
from .timestamps import utc_now

PERSONAL_FIELDS = ("ip", "user_agent", "page_url", "personal_salt")


class NoEvidence(ValueError):
    """The scope holds no record, so there is nothing to prove."""


@dataclass(frozen=True)
class Scope:
    """What a bundle is about; None means no bound."""

    consent_id: str | None = None
    since: str | None = None
    until: str | None = None


def bundle_record(record: Record, personal_data: bool) -> dict[str, Any]:
    """A record as a bundle gives it in full: personal fields only when asked for."""
    data = record.public()
    if personal_data:
        return data | {"personal_salt": record.personal_salt}
    return {name: value for name, value in data.items() if name not in PERSONAL_FIELDS}


def reduced_entry(record: Record) -> dict[str, Any]:
    """Another visitor's record: only what recomputing the chain needs."""
    form = canonical(record)
    if record.schema_version >= 2:
        return {"seq": record.seq, "hash": record.hash, "digest": hashlib.sha256(form).hexdigest()}
    return {"seq": record.seq, "hash": record.hash, "canonical": form.decode()}


def build_bundle(
    store: ConsentStore,
    key: SigningKey,
    scope: Scope,
    *,
    personal_data: bool = False,
    retired_keys: Sequence[PublicKey] = (),
) -> dict[str, Any]:
    """The signed bundle for `scope`; NoEvidence when the scope holds no record."""
    checkpoint = make_checkpoint(store, key)
    record_filter = RecordFilter(since=scope.since, until=scope.until, consent_id=scope.consent_id)
    seqs = [
        record.seq
        for record in store.records(record_filter)
        if checkpoint["anchor_seq"] < record.seq <= checkpoint["seq"]
        and record.method != PURGE_METHOD
    ]
    if not seqs:
        raise NoEvidence("no record of the log matches the scope")
    in_scope, entries, versions = set(seqs), [], set()
    after = {"seq": seqs[0] - 1, "hash": ""}
    for record in store.segment(seqs[0] - 1, checkpoint["seq"]):
        if not entries:
            after["hash"] = record.prev_hash
        if record.seq in in_scope or record.method == PURGE_METHOD:
            entry = {"seq": record.seq, "hash": record.hash}
            entries.append(entry | {"record": bundle_record(record, personal_data)})
            versions.add(record.policy_version)
        else:
            entries.append(reduced_entry(record))
    policies, unarchived = _policies(store, versions - {""})
    bundle = {
        "format": FORMAT,
        "created_at": utc_now(),
        "scope": {
            "consent_id": scope.consent_id,
            "since": scope.since,
            "until": scope.until,
            "personal_data": personal_data,
            "seqs": seqs,
        },
        "server": {
            "algorithm": "Ed25519",
            "public_key": key.public.text,
            "key_id": key.public.key_id,
            "retired_public_keys": [retired.text for retired in retired_keys],
        },
        "segment": {"after": after, "entries": entries},
        "checkpoint": checkpoint,
        "policies": policies,
        "unarchived_policies": unarchived,
    }
    return key.sign_document(bundle)


def _policies(store: ConsentStore, versions: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The archived text behind each version, and the versions the server never archived."""
    policies, unarchived = {}, []
    for version in sorted(versions):
        archived = store.policy(version)
        if archived is None:
            unarchived.append(version)
        else:
            policies[version] = {
                "first_seen": archived["first_seen"],
                "manifest": archived["manifest"],
            }
    return policies, unarchived
