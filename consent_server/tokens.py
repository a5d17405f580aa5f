"""Consent tokens: itsdangerous signatures with key rotation.

The newest key (last in the list) signs; every listed key verifies, so a key can be rotated in
without logging every visitor out, and retired by removing it from the list.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes

TOKEN_SALT = "consent-server.consent-token.v1"  # noqa: S105 (a namespace, not a secret)
MAX_TOKEN_LENGTH = 4096


class _OnceDerivedSigner(TimestampSigner):
    """itsdangerous derives the HMAC key from a secret and the salt again for every signature
    made or checked; neither changes here, so each secret's key is derived once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        which = None if secret_key is None else want_bytes(secret_key)
        derived = self._derived.get(which)
        if derived is None:
            derived = self._derived[which] = super().derive_key(secret_key)
        return derived


class _Serializer(URLSafeTimedSerializer):
    """One signer per salt, made once instead of for every token (it holds no per-token state)."""

    def __init__(self, secret_keys: list[str], salt: str) -> None:
        super().__init__(secret_keys, salt=salt, signer=_OnceDerivedSigner)
        self._signers: dict[str | bytes | None, TimestampSigner] = {}

    def make_signer(self, salt: str | bytes | None = None) -> TimestampSigner:
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer


class TokenSigner:
    """Signs consent payloads and reads them back; anything doubtful reads as no consent."""

    def __init__(self, secret_keys: list[str], max_age_seconds: int) -> None:
        if not secret_keys:
            raise ValueError("at least one secret key is needed to sign tokens")
        self._serializer = _Serializer(list(secret_keys), TOKEN_SALT)
        self.max_age_seconds = max_age_seconds

    def sign(self, payload: dict[str, Any]) -> str:
        return self._serializer.dumps(payload)

    def read(self, token: str | None) -> dict[str, Any] | None:
        """The payload of a valid, unexpired token signed with a current key; otherwise None."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        try:
            payload = self._serializer.loads(token, max_age=self.max_age_seconds)
        except BadSignature:
            return None
        return payload if isinstance(payload, dict) else None
