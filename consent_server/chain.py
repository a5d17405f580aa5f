"""The hash chain: a record's canonical form, its hash and link, and the verification of a log.

A record's hash covers its place in the chain (its seq and the previous record's hash) and the
SHA-256 of its canonical JSON (schema 1 records, written before, cover the canonical JSON itself).
The canonical JSON leaves the place out, so it can be computed before the chain's lock is taken
and a database can link the record in one statement; covering its digest lets an evidence bundle
link a record into the chain by that digest alone, without disclosing it. Personal fields (IP, user agent,
page URL) enter the hash only through a salted digest: erasing them blanks the fields and the salt,
keeps the digest, and the chain still verifies while the erased values cannot be recovered.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .records import Record

GENESIS_HASH = "0" * 64


def personal_digest(record: Record) -> str:
    """Salted digest of the personal fields; only it enters the chain hash."""
    material = json.dumps(
        [record.personal_salt, record.ip, record.user_agent, record.page_url], ensure_ascii=False
    )
    return hashlib.sha256(material.encode()).hexdigest()


def seal_personal_fields(record: Record) -> None:
    record.personal_salt = secrets.token_hex(16)
    record.personal_digest = personal_digest(record)


def canonical(record: Record) -> bytes:
    """The record's hashed content: every field but its place in the chain and the personal ones."""
    body = {
        "consent_id": record.consent_id,
        "created_at": record.created_at,
        "method": record.method,
        "granted": sorted(record.granted),
        "denied": sorted(record.denied),
        "granted_services": sorted(record.granted_services),
        "denied_services": sorted(record.denied_services),
        "policy_version": record.policy_version,
        "language": record.language,
        "gpc": record.gpc,
        "origin": record.origin,
        "schema_version": record.schema_version,
        "request_id": record.request_id,
        "personal_digest": record.personal_digest,
    }
    if record.schema_version >= 2:
        body["detail"] = record.detail
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_for(form: bytes, schema_version: int) -> bytes:
    """What a record's hash covers after its place, given its canonical form."""
    return form if schema_version < 2 else hashlib.sha256(form).hexdigest().encode()


def hashed_content(record: Record) -> bytes:
    return content_for(canonical(record), record.schema_version)


def chain_hash(record: Record, prev_hash: str, content: bytes | None = None) -> str:
    """SHA-256 of `prev_hash LF seq LF content`; store/postgres.py computes the same in SQL.

    `content` is the record's hashed content (`hashed_content`) when the caller has it already.
    """
    return link_hash(record.seq, prev_hash, content or hashed_content(record))


def link_hash(seq: int, prev_hash: str, content: bytes) -> str:
    """The hash of the record whose hashed content is `content`, placed at `seq` after `prev_hash`."""
    return hashlib.sha256(f"{prev_hash}\n{seq}\n".encode() + content).hexdigest()


def link(record: Record, seq: int, prev_hash: str, content: bytes | None = None) -> Record:
    """Give a new record its place in the chain."""
    record.seq = seq
    record.prev_hash = prev_hash
    record.hash = chain_hash(record, prev_hash, content)
    return record


@dataclass(frozen=True)
class VerifyResult:
    """A whole log's check: where it first broke, or the purges it accepted on the way."""

    ok: bool
    checked: int
    first_broken: int | None
    reason: str | None = None
    anchor_seq: int = 0
    anchor_hash: str = GENESIS_HASH
    head_seq: int = 0
    purges: tuple[dict[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def verify_chain(
    records: Iterable[Record], anchor_seq: int = 0, anchor_hash: str = GENESIS_HASH
) -> VerifyResult:
    """Walk the log in seq order and report the first record whose link or content is wrong."""
    expected_seq, expected_prev, checked = anchor_seq + 1, anchor_hash, 0
    for record in records:
        problem = _record_problem(record, expected_seq, expected_prev)
        if problem:
            return VerifyResult(False, checked, record.seq, problem)
        checked += 1
        expected_seq, expected_prev = record.seq + 1, record.hash
    return VerifyResult(True, checked, None)


def _record_problem(record: Record, expected_seq: int, expected_prev: str) -> str | None:
    if record.seq != expected_seq:
        return f"expected seq {expected_seq}, found {record.seq} (a record is missing or moved)"
    if record.prev_hash != expected_prev:
        return "prev_hash does not match the previous record's hash"
    if record.personal_salt:
        if personal_digest(record) != record.personal_digest:
            return "personal fields were changed"
    elif record.ip or record.user_agent or record.page_url:
        return "personal fields are present without their salt"
    if chain_hash(record, record.prev_hash) != record.hash:
        return "record content does not match its hash"
    return None
