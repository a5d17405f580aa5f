"""A visitor request's Idempotency-Key, scoped to its requester (store/request_keys.py says how a
scoped key is claimed and replayed).

The requester is the consent id when the request carries a valid token; otherwise the client, as
a keyed digest of its truncated address and its user agent, so a stranger who learns a key still
cannot replay it. The body is bound to the key by a keyed digest too: neither digest lets anyone
holding the database guess a page URL or an address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from flask import request

from .errors import ApiError
from .headers import IDEMPOTENCY_KEY
from .store.request_keys import RequestKey
from .validation import REQUEST_ID, anonymise_ip


def idempotency_key() -> str:
    """The request's `Idempotency-Key`, "" without one; a malformed one is a 400."""
    key = request.headers.get(IDEMPOTENCY_KEY, "")
    if key and not REQUEST_ID.fullmatch(key):
        raise ApiError(
            400,
            "invalid_idempotency_key",
            "Idempotency-Key must be 16-64 letters, digits, '_' or '-'",
        )
    return key


def consent_scope(consent_id: str) -> str:
    return "consent:" + consent_id


def client_scope(user_agent: str, secret: bytes) -> str:
    """The client as a requester: its address truncated to /24 or /48, and its user agent."""
    address = anonymise_ip(request.remote_addr, "truncate", secret)
    digest = hmac.new(secret, f"{address}\n{user_agent}".encode(), hashlib.sha256)
    return "client:" + digest.hexdigest()


def body_digest(body: Any, secret: bytes) -> str:
    """A keyed digest of the body as parsed, so key order and white space do not matter."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def request_key(
    operation: str,
    *,
    token_consent_id: str | None,
    consent_id: str,
    user_agent: str,
    secret: bytes,
    body: Any = None,
) -> RequestKey | None:
    """The request's key in its requester's scope, or None when it sent no key.

    Without a token the key is also filed under `consent_id`, the id the request is given, so
    the same visitor holding the token later finds it there.
    """
    key = idempotency_key()
    if not key:
        return None
    digest = body_digest(body, secret) if body is not None else ""
    if token_consent_id is not None:
        return RequestKey(key, consent_scope(token_consent_id), operation, digest)
    return RequestKey(
        key, client_scope(user_agent, secret), operation, digest, consent_scope(consent_id)
    )
