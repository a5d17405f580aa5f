"""The documented formats an outsider checks by hand (site/docs/auditing.md): the record hash,
Ed25519 signatures over canonical JSON, and the public key as `consent-server public-key` prints it.
Written from the documentation, not imported from the server, so the documentation is tested too."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def public_key_from(line: str) -> Ed25519PublicKey:
    """`ed25519:BASE64` of the raw 32-byte key."""
    algorithm, _, encoded = line.strip().partition(":")
    assert algorithm == "ed25519"
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))


def signature_valid(key: Ed25519PublicKey, signed: dict[str, Any], payload: Any) -> bool:
    try:
        key.verify(base64.b64decode(signed["signature"]), canonical_json(payload))
    except (InvalidSignature, ValueError):
        return False
    return True


def without_signature(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "signature"}


def record_canonical(record: dict[str, Any]) -> bytes:
    """The hashed content of a schema-2 record: every field but its place and its personal ones."""
    names = (
        "consent_id", "created_at", "method", "granted", "denied", "granted_services",
        "denied_services", "policy_version", "language", "gpc", "origin", "schema_version",
        "request_id", "personal_digest", "detail",
    )  # fmt: skip
    body = {name: record[name] for name in names}
    for name in ("granted", "denied", "granted_services", "denied_services"):
        body[name] = sorted(body[name])
    return canonical_json(body)


def record_hash(prev_hash: str, seq: int, content_digest: str) -> str:
    """sha256(prev_hash LF seq LF sha256-hex(canonical)) for schema-2 records."""
    return hashlib.sha256(f"{prev_hash}\n{seq}\n{content_digest}".encode()).hexdigest()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sign(key: Any, payload: Any) -> str:
    """What a forger with a key of their own does."""
    return base64.b64encode(key.sign(canonical_json(payload))).decode()


def public_key_line(key: Any) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + base64.b64encode(raw).decode()


def key_id(line: str) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(base64.b64decode(line.partition(":")[2])).hexdigest()[:16]
