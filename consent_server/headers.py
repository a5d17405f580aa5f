"""The HTTP headers of the visitor API, named once: the views read them, CORS allows and exposes
them, and the API contract (openapi.yaml) documents them (a test holds the three together)."""

from __future__ import annotations

CONSENT_TOKEN = "X-Consent-Token"  # noqa: S105 (a header name, not a secret)
IDEMPOTENCY_KEY = "Idempotency-Key"
GLOBAL_PRIVACY_CONTROL = "Sec-GPC"
RETRY_AFTER = "Retry-After"

# Headers the banner sets on its requests. From another origin the browser first asks (a
# preflight) whether it may send them, and sends nothing when one is missing from the answer.
# Sec-GPC is not among them: the browser sets it itself, and never asks.
VISITOR_REQUEST_HEADERS = ("Content-Type", IDEMPOTENCY_KEY, CONSENT_TOKEN)

# Headers of an answer that a page on another origin may read (on a 503 or a 429: when to resend).
VISITOR_RESPONSE_HEADERS = (RETRY_AFTER,)
