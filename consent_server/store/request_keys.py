"""Idempotency-Keys as payment APIs define them: scoped to the requester, bound to one request.

A key is claimed in a scope: the consent id when the request carried a valid token, otherwise a
keyed digest of the client (truncated address and user agent). A decision made without a token
also claims the key under the consent id it was given, so that visitor's later requests with the
token see it too. Within its scope a key names one operation with one body: the same request
again gets the record it made; another operation or body with that key is refused. A key claimed
in another scope is no concern of this requester's: their request is a new one. Keys are kept
for a day, like Stripe's, and are deleted with the personal data of an erased consent id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..timestamps import format_timestamp

KEY_LIFETIME = timedelta(hours=24)
KEY_COLUMNS = "scope, request_id, operation, body_digest, consent_id, seq, created_at"
CLAIMED = (
    "SELECT operation, body_digest, seq FROM request_keys WHERE scope = {key_scope} "
    "AND request_id = {key_id} AND created_at >= {key_expired_before}"
)
CLAIM_UPDATE = (
    "ON CONFLICT (scope, request_id) DO UPDATE SET operation = excluded.operation, "
    "body_digest = excluded.body_digest, consent_id = excluded.consent_id, seq = excluded.seq, "
    "created_at = excluded.created_at WHERE request_keys.created_at < {key_expired_before}"
)
CLAIM = (
    f"INSERT INTO request_keys ({KEY_COLUMNS}) VALUES ({{scope}}, {{key_id}}, "
    "{key_operation}, {key_body}, {consent_id}, {seq}, {created_at}) " + CLAIM_UPDATE
)
PRUNE = "DELETE FROM request_keys WHERE created_at < {key_expired_before}"
FORGET = "DELETE FROM request_keys WHERE consent_id = {cid}"


class RequestKeyReused(ValueError):
    """The key was used by this requester for another operation or another body."""


@dataclass(frozen=True)
class RequestKey:
    """An Idempotency-Key with the requester and the request it was sent with."""

    key: str
    scope: str
    operation: str
    body_digest: str = ""
    owner_scope: str = ""

    def params(self, now: datetime | None = None) -> dict[str, Any]:
        """The key's bound parameters, named as the store's statements name them."""
        expired_before = (now or datetime.now(UTC)) - KEY_LIFETIME
        return {
            "key_id": self.key,
            "key_scope": self.scope,
            "key_owner_scope": self.owner_scope,
            "key_operation": self.operation,
            "key_body": self.body_digest,
            "key_expired_before": format_timestamp(expired_before),
        }

    def check_replay(self, operation: str, body_digest: str) -> None:
        """Raise unless a claim found in this key's scope was made by this very request."""
        if operation != self.operation:
            raise RequestKeyReused(
                f"this Idempotency-Key was already used for another request ({operation}); "
                "send a new key for a new request"
            )
        if body_digest != self.body_digest:
            raise RequestKeyReused(
                "this Idempotency-Key was already used with another body; "
                "send a new key for a new decision"
            )
