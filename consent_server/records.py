"""The consent record: one row of the log, and the decision a visitor's request carries.

Which fields a record has and which methods it may record live here; validation.py decides what a
request may put into one, chain.py how it is hashed and linked, store/rows.py how it is stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# 2: the hash covers the SHA-256 of the canonical form, which includes `detail` (chain.py).
SCHEMA_VERSION = 2
# What a visitor chooses with the banner, then what ends a consent; the order is the display order.
VISITOR_METHODS = ("accept_all", "reject_all", "custom")
ERASE_METHOD = "erase"  # logged by the erasure of a consent id's personal fields
ENDING_METHODS = ("withdraw", ERASE_METHOD)
METHODS = (*VISITOR_METHODS, *ENDING_METHODS)
# A record the server itself writes: a purge names the cut that removed the oldest records.
PURGE_METHOD = "purge"


@dataclass(frozen=True)
class Decision:
    """What a visitor chose, validated and normalised."""

    method: str
    granted: tuple[str, ...]
    denied: tuple[str, ...]
    policy_version: str
    language: str
    page_url: str
    granted_services: tuple[str, ...] = ()
    denied_services: tuple[str, ...] = ()


@dataclass
class Record:
    """One row of the consent log."""

    consent_id: str
    created_at: str
    method: str
    granted: list[str]
    denied: list[str]
    policy_version: str
    granted_services: list[str] = field(default_factory=list)
    denied_services: list[str] = field(default_factory=list)
    language: str = ""
    page_url: str = ""
    gpc: bool = False
    ip: str = ""
    user_agent: str = ""
    origin: str = ""
    schema_version: int = SCHEMA_VERSION
    request_id: str = ""
    personal_salt: str = ""
    personal_digest: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""
    policy: dict | None = field(default=None, compare=False)

    @property
    def erased(self) -> bool:
        """Whether its personal fields were erased: sealed once, and the salt is gone."""
        return bool(self.personal_digest) and not self.personal_salt

    def public(self) -> dict[str, Any]:
        """The record as shown to admins and to the visitor it belongs to (no salt)."""
        data = asdict(self)
        del data["personal_salt"]
        data["erased"] = self.erased
        if data["policy"] is None:
            del data["policy"]
        return data
