"""The query parameters of the admin API and the dashboard: record filters, times, buckets.

Both admin blueprints read their parameters here, so a filter means the same on either, and a bad
one is the same 400 `invalid_filter` naming the parameter.
"""

from __future__ import annotations

import re

from flask import request

from .errors import ApiError
from .store import RecordFilter
from .timestamps import RANGE, normalise_timestamp
from .validation import POLICY_VERSION

CONSENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
STATS_BUCKETS = ("day", "week")


def timestamp_arg(name: str) -> str | None:
    """An ISO 8601 date or time parameter in the log's format; None when absent or empty."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    try:
        return normalise_timestamp(value)
    except ValueError:
        raise ApiError(
            400, "invalid_filter", f"{name} must be an ISO 8601 date or time {RANGE}"
        ) from None


def record_filter_from_args() -> RecordFilter:
    since, until = timestamp_arg("since"), timestamp_arg("until")
    if since and until and since > until:
        raise ApiError(400, "invalid_filter", "since must not be later than until")
    consent_id = request.args.get("consent_id") or None
    if consent_id is not None and not CONSENT_ID.fullmatch(consent_id):
        raise ApiError(400, "invalid_filter", "consent_id is not a valid consent id")
    version = request.args.get("policy_version") or None
    if version is not None and not POLICY_VERSION.fullmatch(version):
        raise ApiError(400, "invalid_filter", "policy_version is not a valid policy version")
    return RecordFilter(since=since, until=until, consent_id=consent_id, policy_version=version)


def stats_bucket_arg() -> str:
    bucket = request.args.get("bucket", "day")
    if bucket not in STATS_BUCKETS:
        raise ApiError(400, "invalid_filter", "bucket must be day or week")
    return bucket
