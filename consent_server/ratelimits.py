"""Rate limits on the visitor and admin blueprints (Flask-Limiter), applied by the factory.

The factory hands over the blueprints to limit, so this module knows none of them. The limit
strings were validated with the other settings (config.py).

Counters live in memory per process by default; with several workers or instances, point
CONSENT_RATELIMIT_STORAGE_URL at Redis so that every process shares them. A broken limiter store
never blocks the consent log: the limiter then falls back to memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from .errors import error_response


def init_rate_limits(
    app: Flask,
    settings: Mapping[str, Any],
    visitor_blueprints: Iterable[Blueprint],
    admin_blueprints: Iterable[Blueprint],
) -> Limiter:
    """One limit per visitor blueprint (RATELIMIT_VISITOR) and per admin one (RATELIMIT_ADMIN)."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings["RATELIMIT_STORAGE_URL"],
        headers_enabled=False,
        enabled=settings["RATELIMIT_ENABLED"],
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        key_prefix="consent",
    )
    for blueprint in visitor_blueprints:
        limiter.limit(settings["RATELIMIT_VISITOR"])(blueprint)
    for blueprint in admin_blueprints:
        limiter.limit(settings["RATELIMIT_ADMIN"])(blueprint)

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded) -> Response:
        """429 with the seconds until the window resets; other answers carry no limit headers."""
        current = limiter.current_limit
        retry_after = current.reset_at - time.time() if current else error.limit.limit.get_expiry()
        return error_response(
            429,
            "too_many_requests",
            f"rate limit of {error.description} exceeded; try again later",
            {"Retry-After": str(max(1, math.ceil(retry_after)))},
        )

    return limiter
