"""How a record is stored: the log's columns, id lists as text, and rows read back as records.

The column list is the order of `consent_log` (store/schema_*.sql) and of the CSV export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..records import Record

COLUMN_NAMES = (
    "seq", "consent_id", "created_at", "method", "granted", "denied", "granted_services",
    "denied_services", "policy_version", "language",
    "page_url", "gpc", "ip", "user_agent", "origin", "schema_version", "request_id", "personal_salt",
    "personal_digest", "prev_hash", "hash",
)  # fmt: skip
COLUMNS = ", ".join(COLUMN_NAMES)
ID_LIST_COLUMNS = ("granted", "denied", "granted_services", "denied_services")


def join_ids(ids: Iterable[str]) -> str:
    """How the log stores a list of category or service ids: sorted, space-separated (ids are
    validated to hold no spaces), which is also how the CSV export shows them."""
    return " ".join(sorted(ids))


def record_from_row(row: Mapping[str, Any]) -> Record:
    """Build a Record from a store row whose id-list columns hold space-separated ids."""
    data = dict(row)
    for name in ID_LIST_COLUMNS:
        if isinstance(data[name], str):
            data[name] = data[name].split()
    data["gpc"] = bool(data["gpc"])
    return Record(**data)


def row_values(record: Record) -> dict[str, Any]:
    """The record as `consent_log` values by column name (id lists as stored text); it may hold
    other fields of the record too, which the statements ignore."""
    values = vars(record)
    return values | {name: join_ids(values[name]) for name in ID_LIST_COLUMNS}
