"""How a record is stored: the log's columns, id lists as text, and rows read back as records.

The column list names `consent_log`'s columns (store/schema_*.sql and later steps) in the order of
the CSV export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..records import Record

COLUMN_NAMES = (
    "seq", "consent_id", "created_at", "method", "granted", "denied", "granted_services",
    "denied_services", "policy_version", "language",
    "page_url", "gpc", "ip", "user_agent", "origin", "schema_version", "request_id", "personal_salt",
    "personal_digest", "detail", "prev_hash", "hash",
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
    data["detail"] = decode_detail(data["detail"])
    return Record(**data)


def row_values(record: Record) -> dict[str, Any]:
    """The record as `consent_log` values by column name (id lists as stored text); it may hold
    other fields of the record too, which the statements ignore."""
    values = vars(record)
    return (
        values
        | {name: join_ids(values[name]) for name in ID_LIST_COLUMNS}
        | {"detail": encode_detail(record.detail)}
    )


def encode_detail(detail: Mapping[str, Any]) -> str:
    """A system record's content as stored: canonical JSON, or '' for a visitor's record."""
    return (
        json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if detail
        else ""
    )


def decode_detail(text: Any) -> dict[str, Any]:
    """The stored detail back as an object; text that is no JSON object reads as what it is, so
    verification finds the record changed instead of failing on it."""
    if not text:
        return {}
    try:
        detail = json.loads(text)
    except (TypeError, ValueError):
        return {"unreadable": str(text)}
    return detail if isinstance(detail, dict) else {"unreadable": detail}
