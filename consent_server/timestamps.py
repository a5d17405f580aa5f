"""The one timestamp format of the log, the API, the exports and the command line.

Fixed-width UTC with microseconds (`2026-05-01T09:30:00.000000Z`), so that text order is time
order in every backend and a range filter is a plain string comparison.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_timestamp(moment: datetime) -> str:
    """`moment` (aware, or naive meaning UTC) in the log's format."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(TIMESTAMP_FORMAT)


def utc_now() -> str:
    return format_timestamp(datetime.now(UTC))


def parse_timestamp(value: str) -> datetime:
    """ISO 8601 with or without a zone; naive values are taken as UTC."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normalise_timestamp(value: str) -> str:
    """Any ISO 8601 date or time in the log's format; ValueError when it is none."""
    return format_timestamp(parse_timestamp(value))


def start_of_day(day: date) -> str:
    """Midnight UTC at the start of `day`, in the log's format."""
    return format_timestamp(datetime(day.year, day.month, day.day, tzinfo=UTC))
