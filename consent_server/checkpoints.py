"""Signed checkpoints of the chain head and the purge anchor, so anyone can later check the log
only grew and lost its oldest records only by signed purges.

A checkpoint is the head's seq and hash, the anchor's seq and hash and the time, signed with the
server's Ed25519 key (signing.py), so a third party holding the published public key can check it.
Checking it later means: the signature holds, the chain verifies (with every purge signed), the
record at the checkpoint's seq still has its hash unless a signed purge removed it since, and the
anchor is where the checkpoint saw it or where the purges since moved it. A log rewritten, cut or
edited after the checkpoint fails, even with every hash recomputed and every trigger dropped.

Checkpoints written before version 2 were signed with the newest shared secret key; they are still
checked (without the anchor), but prove nothing to anyone who does not hold that secret.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, Signer

from .chain import VerifyResult
from .signing import PublicKey, SigningKey, verifying_document
from .store import ConsentStore
from .timestamps import utc_now

CHECKPOINT_FORMAT = "consent-checkpoint/2"
HMAC_SALT = "consent-server.checkpoint.v1"
HMAC_FIELDS = ("seq", "hash", "created_at")


@dataclass(frozen=True)
class CheckpointResult:
    ok: bool
    message: str


def make_checkpoint(store: ConsentStore, key: SigningKey) -> dict[str, Any]:
    """The head and the anchor now, signed."""
    state = store.chain_state()
    body = {
        "format": CHECKPOINT_FORMAT,
        "seq": state.head_seq,
        "hash": state.head_hash,
        "anchor_seq": state.anchor_seq,
        "anchor_hash": state.anchor_hash,
        "created_at": utc_now(),
    }
    return key.sign_document(body)


def check_checkpoint(
    store: ConsentStore,
    keys: Sequence[PublicKey],
    secret_keys: Sequence[str],
    checkpoint: Any,
) -> CheckpointResult:
    """Whether the log still holds `checkpoint` and changed since only by appends and signed purges."""
    if not isinstance(checkpoint, dict):
        return CheckpointResult(False, "not a checkpoint: a JSON object is needed")
    signed = _signature_problem(checkpoint, keys, secret_keys)
    if signed:
        return CheckpointResult(False, signed)
    seq = checkpoint.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        return CheckpointResult(False, "the checkpoint's seq is not a number")
    current = store.verify(keys)
    if not current.ok:
        return CheckpointResult(
            False, f"the chain is broken at seq {current.first_broken}: {current.reason}"
        )
    legacy = checkpoint.get("format") != CHECKPOINT_FORMAT
    if not legacy:
        moved = _anchor_problem(checkpoint, current)
        if moved:
            return CheckpointResult(False, moved)
    result = _head_result(store, checkpoint, current, legacy)
    if result.ok and legacy:
        return CheckpointResult(
            True,
            result.message + " (an HMAC checkpoint: it does not cover the purge anchor and "
            "proves nothing to a third party; take a new one)",
        )
    return result


def _signature_problem(
    checkpoint: dict[str, Any], keys: Sequence[PublicKey], secret_keys: Sequence[str]
) -> str | None:
    if checkpoint.get("format") == CHECKPOINT_FORMAT:
        if not keys:
            return "cannot check the checkpoint: no public key (set CONSENT_SIGNING_KEY)"
        if verifying_document(checkpoint, keys) is None:
            return "the checkpoint's signature does not match the server's key (forged or altered)"
        return None
    if "format" in checkpoint or not all(
        name in checkpoint for name in (*HMAC_FIELDS, "signature")
    ):
        return "not a checkpoint: it needs format, seq, hash, anchor_seq, anchor_hash, signature"
    payload = json.dumps(
        {name: checkpoint[name] for name in HMAC_FIELDS}, sort_keys=True, separators=(",", ":")
    ).encode()
    signature = str(checkpoint["signature"]).encode()
    if not any(_hmac_valid(Signer(key, salt=HMAC_SALT), payload, signature) for key in secret_keys):
        return "the checkpoint's signature does not match any secret key"
    return None


def _hmac_valid(signer: Signer, payload: bytes, signature: bytes) -> bool:
    try:
        return signer.verify_signature(payload, signature)
    except BadSignature:
        return False


def _anchor_problem(checkpoint: dict[str, Any], current: VerifyResult) -> str | None:
    """The anchor must be where the checkpoint saw it, or where signed purges since moved it."""
    since = [purge for purge in current.purges if purge["seq"] > checkpoint["seq"]]
    expected = (
        (since[0]["from_seq"], since[0]["from_hash"])
        if since
        else (current.anchor_seq, current.anchor_hash)
    )
    seen = (checkpoint.get("anchor_seq"), checkpoint.get("anchor_hash"))
    if seen != expected:
        return (
            f"the purge anchor was at seq {seen[0]} at the checkpoint and is now at seq "
            f"{current.anchor_seq}, moved without a signed purge: records were removed by hand"
        )
    return None


def _head_result(
    store: ConsentStore, checkpoint: dict[str, Any], current: VerifyResult, legacy: bool
) -> CheckpointResult:
    seq, anchor = checkpoint["seq"], current.anchor_seq
    if seq == 0:
        return CheckpointResult(True, "the log was empty at the checkpoint and only grew since")
    if seq > current.head_seq:
        return CheckpointResult(
            False, f"the checkpoint's head (seq {seq}) is past the log's head: records are gone"
        )
    purge = next((item for item in current.purges if item["first_kept_seq"] > seq), None)
    if seq < anchor and not legacy and purge is not None:
        return CheckpointResult(
            True,
            f"record {seq} has since been removed by the signed purge at seq {purge['seq']}; "
            "the anchor moved only by signed purges and the log only grew since",
        )
    found = store.hash_at(seq)
    if found is None:
        return CheckpointResult(
            False, f"record {seq} is gone (purged or deleted): the checkpoint cannot be matched"
        )
    if found != checkpoint.get("hash"):
        return CheckpointResult(False, f"record {seq} changed since the checkpoint")
    return CheckpointResult(
        True, f"the log still holds the checkpoint at seq {seq} and only grew since"
    )
