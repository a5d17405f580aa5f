"""The server's Ed25519 key: it signs checkpoints, purge records and evidence bundles.

A signature made with a secret shared with the server proves nothing to anyone else, so proof meant
for an auditor is signed with a private key only the server holds, and checked with the public key
the admin publishes (`consent-server public-key`). A signature covers the canonical JSON (sorted
keys, no spaces, UTF-8) of what it signs, and is written as standard base64.

`CONSENT_SIGNING_KEY` names the private key: a path to a PEM file (PKCS#8, unencrypted, as
`consent-server new-signing-key` writes it), or the key itself as `ed25519:BASE64` of its 32 raw
bytes. Public keys are written `ed25519:BASE64` of their 32 raw bytes; a key id is the first 16 hex
digits of the SHA-256 of those bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ALGORITHM = "Ed25519"
PREFIX = "ed25519:"
RAW_KEY_LENGTH = 32


def canonical_json(value: Any) -> bytes:
    """The bytes a signature covers: one spelling for any JSON value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _decode_raw(text: str, what: str) -> bytes:
    """The 32 bytes of `ed25519:BASE64`."""
    if not text.startswith(PREFIX):
        raise ValueError(f"{what} must start with {PREFIX!r}")
    try:
        raw = base64.b64decode(text.removeprefix(PREFIX).strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not valid base64 after {PREFIX!r}") from None
    if len(raw) != RAW_KEY_LENGTH:
        raise ValueError(f"{what} must hold {RAW_KEY_LENGTH} bytes, found {len(raw)}")
    return raw


@dataclass(frozen=True)
class PublicKey:
    """A public key that checks signatures, and its published spellings."""

    key: Ed25519PublicKey

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        """`ed25519:BASE64`, as `consent-server public-key` prints it; ValueError otherwise."""
        return cls(Ed25519PublicKey.from_public_bytes(_decode_raw(text.strip(), "a public key")))

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def text(self) -> str:
        return PREFIX + base64.b64encode(self.raw).decode()

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def verify(self, payload: Any, signature: object) -> bool:
        """True when `signature` (base64) is this key's signature over `payload`."""
        if not isinstance(signature, str):
            return False
        try:
            self.key.verify(base64.b64decode(signature, validate=True), canonical_json(payload))
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """The server's private key."""

    key: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key.public_key())

    def sign(self, payload: Any) -> str:
        return base64.b64encode(self.key.sign(canonical_json(payload))).decode()

    def sign_document(self, document: dict[str, Any]) -> dict[str, Any]:
        """`document` with this key's id and a signature over everything else it holds."""
        signed = {**document, "key_id": self.public.key_id}
        signed.pop("signature", None)
        return {**signed, "signature": self.sign(signed)}


def new_key_pem() -> bytes:
    """A fresh private key as an unencrypted PKCS#8 PEM file's content."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_signing_key(value: str) -> SigningKey:
    """The key named by CONSENT_SIGNING_KEY's value; ValueError says what is wrong with it."""
    value = value.strip()
    if value.startswith(PREFIX):
        raw = _decode_raw(value, "an inline key")
        return SigningKey(Ed25519PrivateKey.from_private_bytes(raw))
    try:
        data = Path(value).read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read the key file {value!r}: {error.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise ValueError(f"{value!r} is encrypted: give an unencrypted PEM file") from None
    except (ValueError, UnsupportedAlgorithm):
        raise ValueError(f"{value!r} is not a PEM private key (an Ed25519 key is needed)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{value!r} holds a {type(key).__name__}, not an Ed25519 key")
    return SigningKey(key)


def verifying_document(document: dict[str, Any], keys: Iterable[PublicKey]) -> PublicKey | None:
    """The key among `keys` whose signature `document` carries over the rest of its content."""
    payload = {name: value for name, value in document.items() if name != "signature"}
    signature = document.get("signature")
    return next((key for key in keys if key.verify(payload, signature)), None)
