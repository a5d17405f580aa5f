"""The query parameters of the admin API and the dashboard: record filters, times, buckets.

Both admin blueprints read their parameters here, so a filter means the same on either, and a bad
one is the same 400 `invalid_filter` naming the parameter.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import request

from .errors import ApiError
from .store import RecordFilter
from .timestamps import RANGE, normalise_timestamp, parse_timestamp
from .validation import POLICY_VERSION

CONSENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
STATS_BUCKETS = ("hour", "day", "week")
# Hours are counted from the log itself, not the daily rollup: a bounded range keeps that cheap.
MAX_HOURLY_RANGE = timedelta(days=7)


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


def stats_bucket_arg(record_filter: RecordFilter) -> str:
    bucket = request.args.get("bucket", "day")
    if bucket not in STATS_BUCKETS:
        raise ApiError(400, "invalid_filter", "bucket must be hour, day or week")
    since, until = record_filter.since, record_filter.until
    if bucket == "hour" and (
        since is None
        or until is None
        or parse_timestamp(until) - parse_timestamp(since) > MAX_HOURLY_RANGE
    ):
        raise ApiError(
            400, "invalid_filter", "bucket=hour needs since and until at most 7 days apart"
        )
    return bucket


def page_args(default_limit: int, max_limit: int) -> tuple[int | None, int]:
    """`before` (a seq: the page below it) and `limit` (records per page) of a paged listing."""
    values = []
    for name, low, high, default in (
        ("before", 1, None, None),
        ("limit", 1, max_limit, default_limit),
    ):
        raw = request.args.get(name) or None
        if raw is None:
            values.append(default)
            continue
        if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
            bound = f"between {low} and {high}" if high else f"at least {low}"
            raise ApiError(400, "invalid_filter", f"{name} must be a whole number {bound}")
        values.append(int(raw))
    return values[0], values[1]
