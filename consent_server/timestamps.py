"""The one timestamp format of the log, the API, the exports and the command line.

Fixed-width UTC with microseconds (`2026-05-01T09:30:00.000000Z`), so that text order is time
order in every backend and a range filter is a plain string comparison.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# Times the log can hold and compute with: a day or a week past them must still be a date.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
RANGE = "from 1970 to 9998"
# A `+02:00` offset typed into a URL arrives as " 02:00" (a `+` in a query string is a space).
SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def format_timestamp(moment: datetime) -> str:
    """`moment` (aware, or naive meaning UTC) in the log's format.

    `isoformat` spells the same text as `TIMESTAMP_FORMAT` for four-digit years at a third of
    `strftime`'s cost (every decision formats two times); earlier years keep `strftime`.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if moment.year < 1000:
        return moment.strftime(TIMESTAMP_FORMAT)
    return moment.isoformat(timespec="microseconds") + "Z"


def utc_now() -> str:
    return format_timestamp(datetime.now(UTC))


def parse_timestamp(value: str) -> datetime:
    """ISO 8601 with or without an offset, as an aware UTC time; naive values are taken as UTC.

    The one parser of every time the server is given: an offset is honoured
    (`2026-12-01T09:00+02:00` is 07:00 UTC), and a time outside the range the log can hold is a
    ValueError like any other bad value.
    """
    text = SPACED_OFFSET.sub(r"\1+\2", value.strip()).replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    try:
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:
        raise ValueError(f"{value!r} is outside the times the log can hold ({RANGE})") from None
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{value!r} is outside the times the log can hold ({RANGE})")
    return moment


def normalise_timestamp(value: str) -> str:
    """Any ISO 8601 date or time in the log's format; ValueError when it is none."""
    return format_timestamp(parse_timestamp(value))


def start_of_day(day: date) -> str:
    """Midnight UTC at the start of `day`, in the log's format."""
    return format_timestamp(datetime(day.year, day.month, day.day, tzinfo=UTC))
