"""A visitor's own consent record, shaped after ISO/IEC TS 27560 (consent record information).

It is what "Download my data" gives a visitor: who the controller is, which notice version they saw,
each purpose with its state, and every event of their consent history, in a structure that other
consent tools can read (GDPR Art. 15 and 20).
"""

from __future__ import annotations

from typing import Any

from .manifest import Manifest
from .records import Record

STANDARD = "ISO/IEC TS 27560:2023"
EVENT_STATES = {
    "accept_all": "given",
    "reject_all": "refused",
    "custom": "given",
    "withdraw": "withdrawn",
    "erase": "erased",
}


def consent_receipt(
    consent_id: str, records: list[Record], manifest: Manifest | None
) -> dict[str, Any]:
    latest = next((r for r in reversed(records) if r.method in EVENT_STATES), None)
    raw = manifest.raw if manifest else {}
    controller = (raw.get("privacy_notice") or {}).get("controller") or {}
    titles = {c.get("id"): c.get("title", c.get("id")) for c in raw.get("categories", [])}
    return {
        "standard": STANDARD,
        "record_id": consent_id,
        "pii_principal_id": consent_id,
        "pii_controller": {
            "name": controller.get("name") or raw.get("site_name", ""),
            "contact": controller.get("email", ""),
            "address": controller.get("address", ""),
        },
        "notice": {
            "policy_version": latest.policy_version if latest else "",
            "site_url": raw.get("site_url", ""),
        },
        "purposes": _purposes(latest, titles),
        "events": [_event(record) for record in records],
    }


def _purposes(latest: Record | None, titles: dict[str, str]) -> list[dict[str, Any]]:
    if latest is None:
        return []
    states = [(category, "granted") for category in latest.granted]
    states += [(category, "not granted") for category in latest.denied]
    return [
        {
            "purpose_id": category,
            "purpose": titles.get(category, category),
            "lawful_basis": "consent (GDPR Art. 6(1)(a))" if state == "granted" else "none",
            "consent_type": "explicit",
            "state": state,
            "timestamp": latest.created_at,
        }
        for category, state in sorted(states)
    ]


def _event(record: Record) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "timestamp": record.created_at,
        "event_type": EVENT_STATES.get(record.method, record.method),
        "method": record.method,
        "granted": record.granted,
        "denied": record.denied,
        "policy_version": record.policy_version,
        "language": record.language,
        "gpc": record.gpc,
        "collected_personal_data": {
            "ip": record.ip,
            "user_agent": record.user_agent,
            "page_url": record.page_url,
        },
        "hash": record.hash,
    }
