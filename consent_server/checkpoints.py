"""Signed checkpoints of the chain head, so an auditor can later check the log only grew.

A checkpoint is the head's seq and hash and the time, signed with the server's newest secret key.
Checking it later means: the record at that seq still has that hash, and the chain verifies.
A log that was rewritten after the checkpoint, even with every hash recomputed, fails the check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, Signer

from .store import ConsentStore
from .timestamps import utc_now

CHECKPOINT_SALT = "consent-server.checkpoint.v1"


@dataclass(frozen=True)
class CheckpointResult:
    ok: bool
    message: str


def make_checkpoint(store: ConsentStore, secret_keys: list[str]) -> dict[str, Any]:
    seq, chain_hash = store.head()
    body = {"seq": seq, "hash": chain_hash, "created_at": utc_now()}
    payload = json.dumps(body, sort_keys=True, separators=(",", ":"))
    signature = Signer(secret_keys[-1], salt=CHECKPOINT_SALT).get_signature(payload).decode()
    return {**body, "signature": signature}


def check_checkpoint(
    store: ConsentStore, secret_keys: list[str], checkpoint: dict[str, Any]
) -> CheckpointResult:
    try:
        body = {key: checkpoint[key] for key in ("seq", "hash", "created_at")}
        signature = str(checkpoint["signature"])
    except (KeyError, TypeError):
        return CheckpointResult(
            False, "not a checkpoint: it needs seq, hash, created_at, signature"
        )
    payload = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    signers = [Signer(key, salt=CHECKPOINT_SALT) for key in secret_keys]
    if not any(_valid(signer, payload, signature) for signer in signers):
        return CheckpointResult(False, "the checkpoint's signature does not match any secret key")
    if not isinstance(body["seq"], int):
        return CheckpointResult(False, "the checkpoint's seq is not a number")
    if body["seq"] == 0:
        current = store.verify()
        return CheckpointResult(current.ok, "the log was empty at the checkpoint")
    found = store.hash_at(body["seq"])
    if found is None:
        return CheckpointResult(
            False,
            f"record {body['seq']} is gone (purged or deleted): the checkpoint cannot be matched",
        )
    if found != body["hash"]:
        return CheckpointResult(False, f"record {body['seq']} changed since the checkpoint")
    current = store.verify()
    if not current.ok:
        return CheckpointResult(False, f"the chain is broken at seq {current.first_broken}")
    return CheckpointResult(
        True, f"the log still holds the checkpoint at seq {body['seq']} and only grew since"
    )


def _valid(signer: Signer, payload: bytes, signature: str) -> bool:
    try:
        return signer.verify_signature(payload, signature.encode())
    except BadSignature:
        return False
