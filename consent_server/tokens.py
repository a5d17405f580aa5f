"""Consent tokens: itsdangerous signatures with key rotation.

The newest key (last in the list) signs; every listed key verifies, so a key can be rotated in
without logging every visitor out, and retired by removing it from the list.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

TOKEN_SALT = "consent-server.consent-token.v1"  # noqa: S105 (a namespace, not a secret)
MAX_TOKEN_LENGTH = 4096


class TokenSigner:
    """Signs consent payloads and reads them back; anything doubtful reads as no consent."""

    def __init__(self, secret_keys: list[str], max_age_seconds: int) -> None:
        if not secret_keys:
            raise ValueError("at least one secret key is needed to sign tokens")
        self._serializer = URLSafeTimedSerializer(list(secret_keys), salt=TOKEN_SALT)
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
