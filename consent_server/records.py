"""The consent record: request validation, personal-data handling and the hashed canonical form.

A record's hash covers its place in the chain (its seq and the previous record's hash) and its
canonical JSON. The canonical JSON leaves the place out, so it can be computed before the chain's
lock is taken and a database can link the record in one statement. Personal fields (IP, user agent,
page URL) enter the hash only through a salted digest: erasing them blanks the fields and the salt,
keeps the digest, and the chain still verifies while the erased values cannot be recovered.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1
GENESIS_HASH = "0" * 64
VISITOR_METHODS = ("accept_all", "reject_all", "custom")
METHODS = (*VISITOR_METHODS, "withdraw", "erase")
CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
POLICY_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$")
MAX_CATEGORIES = 64
MAX_URL_LENGTH = 2048
MAX_USER_AGENT_LENGTH = 512
MAX_ORIGIN_LENGTH = 256
REQUEST_FIELDS = {"choices", "services", "policy_version", "language", "page_url", "method"}
SERVICE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MAX_SERVICES = 128
REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{15,63}$")


class InvalidRequest(ValueError):
    """A visitor request that cannot be recorded; `code` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""
    policy: dict | None = field(default=None, compare=False)

    def public(self) -> dict[str, Any]:
        """The record as shown to admins and to the visitor it belongs to (no salt)."""
        data = asdict(self)
        salt = data.pop("personal_salt")
        data["erased"] = bool(self.personal_digest) and not salt
        if data["policy"] is None:
            del data["policy"]
        return data


def parse_decision(
    body: Any,
    known_categories: Iterable[str] | None,
    required: Iterable[str],
    known_services: Iterable[str] | None = None,
) -> Decision:
    """Validate a POST /consent body; raise InvalidRequest with a precise message otherwise."""
    if not isinstance(body, dict):
        raise InvalidRequest("invalid_request", "the body must be a JSON object")
    unknown_fields = sorted(set(body) - REQUEST_FIELDS)
    if unknown_fields:
        raise InvalidRequest("invalid_request", f"unknown field: {unknown_fields[0][:64]}")
    method = body.get("method")
    if method not in VISITOR_METHODS:
        raise InvalidRequest(
            "invalid_method", f"method must be one of {', '.join(VISITOR_METHODS)}"
        )
    choices = _parse_choices(body.get("choices"), known_categories)
    required_ids = set(required)
    for category in required_ids:
        choices[category] = True
    if known_categories is not None:
        for category in set(known_categories) - set(choices):
            choices[category] = False
    optional = {key: value for key, value in choices.items() if key not in required_ids}
    if method == "accept_all" and not all(optional.values()):
        raise InvalidRequest("inconsistent_method", "accept_all must grant every category")
    if method == "reject_all" and any(optional.values()):
        raise InvalidRequest("inconsistent_method", "reject_all must deny every optional category")
    services = _parse_services(body.get("services"), known_services)
    return Decision(
        method=method,
        granted=tuple(sorted(key for key, value in choices.items() if value)),
        denied=tuple(sorted(key for key, value in choices.items() if not value)),
        policy_version=_parse_policy_version(body.get("policy_version")),
        language=_parse_language(body.get("language")),
        page_url=_parse_page_url(body.get("page_url")),
        granted_services=tuple(sorted(key for key, value in services.items() if value)),
        denied_services=tuple(sorted(key for key, value in services.items() if not value)),
    )


def _parse_services(value: Any, known: Iterable[str] | None) -> dict[str, bool]:
    """Optional per-service choices, e.g. one video loaded without granting its category."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_SERVICES:
        raise InvalidRequest(
            "invalid_services", f"services must be an object of at most {MAX_SERVICES} booleans"
        )
    known_ids = set(known) if known is not None else None
    for key, granted in value.items():
        if not SERVICE_ID.fullmatch(key):
            raise InvalidRequest(
                "invalid_services", "service ids are lowercase letters, digits, '_', '.' or '-'"
            )
        if not isinstance(granted, bool):
            raise InvalidRequest("invalid_services", f"services.{key} must be true or false")
        if known_ids is not None and key not in known_ids:
            raise InvalidRequest("unknown_service", f"unknown service: {key}")
    return dict(value)


def _parse_choices(value: Any, known: Iterable[str] | None) -> dict[str, bool]:
    if not isinstance(value, dict) or not value:
        raise InvalidRequest("invalid_choices", "choices must be a non-empty object of booleans")
    if len(value) > MAX_CATEGORIES:
        raise InvalidRequest("invalid_choices", f"at most {MAX_CATEGORIES} categories")
    known_ids = set(known) if known is not None else None
    for key, granted in value.items():
        if not CATEGORY_ID.fullmatch(key):
            raise InvalidRequest(
                "invalid_choices", "category ids are lowercase letters, digits, '_' or '-'"
            )
        if not isinstance(granted, bool):
            raise InvalidRequest("invalid_choices", f"choices.{key} must be true or false")
        if known_ids is not None and key not in known_ids:
            raise InvalidRequest("unknown_category", f"unknown category: {key}")
    return dict(value)


def _parse_policy_version(value: Any) -> str:
    if not isinstance(value, str) or not POLICY_VERSION.fullmatch(value):
        raise InvalidRequest(
            "invalid_policy_version",
            "policy_version must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
        )
    return value


def _parse_language(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > 35 or not LANGUAGE.fullmatch(value):
        raise InvalidRequest(
            "invalid_language", "language must be a language tag such as en or de-CH"
        )
    return value


def _parse_page_url(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > MAX_URL_LENGTH:
        raise InvalidRequest(
            "invalid_page_url", f"page_url must be a URL of at most {MAX_URL_LENGTH} characters"
        )
    if not re.match(r"^https?://[^\s]+$", value):
        raise InvalidRequest("invalid_page_url", "page_url must be an http(s) URL")
    return value


def anonymise_ip(address: str | None, mode: str, key: bytes) -> str:
    """Reduce an IP address as configured: truncate to /24 or /48, drop it, or keyed-hash it."""
    if not address or mode == "drop":
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if mode == "hmac":
        return "hmac:" + hmac.new(key, ip.packed, hashlib.sha256).hexdigest()[:32]
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address) + f"/{prefix}"


def clip(value: str | None, limit: int) -> str:
    return (value or "")[:limit]


def personal_digest(record: Record) -> str:
    """Salted digest of the personal fields; only it enters the chain hash."""
    material = json.dumps(
        [record.personal_salt, record.ip, record.user_agent, record.page_url], ensure_ascii=False
    )
    return hashlib.sha256(material.encode()).hexdigest()


def seal_personal_fields(record: Record) -> None:
    record.personal_salt = secrets.token_hex(16)
    record.personal_digest = personal_digest(record)


def canonical(record: Record) -> bytes:
    """The record's hashed content: every field but its place in the chain and the personal ones."""
    body = {
        "consent_id": record.consent_id,
        "created_at": record.created_at,
        "method": record.method,
        "granted": sorted(record.granted),
        "denied": sorted(record.denied),
        "granted_services": sorted(record.granted_services),
        "denied_services": sorted(record.denied_services),
        "policy_version": record.policy_version,
        "language": record.language,
        "gpc": record.gpc,
        "origin": record.origin,
        "schema_version": record.schema_version,
        "request_id": record.request_id,
        "personal_digest": record.personal_digest,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(record: Record, prev_hash: str, content: bytes | None = None) -> str:
    """SHA-256 of `prev_hash LF seq LF canonical`; store/postgres.py computes the same in SQL.

    `content` is the record's canonical form when the caller computed it already.
    """
    place = f"{prev_hash}\n{record.seq}\n".encode()
    return hashlib.sha256(place + (content or canonical(record))).hexdigest()


def link(record: Record, seq: int, prev_hash: str, content: bytes | None = None) -> Record:
    """Give a new record its place in the chain."""
    record.seq = seq
    record.prev_hash = prev_hash
    record.hash = chain_hash(record, prev_hash, content)
    return record


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken: int | None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def verify_chain(
    records: Iterable[Record], anchor_seq: int = 0, anchor_hash: str = GENESIS_HASH
) -> VerifyResult:
    """Walk the log in seq order and report the first record whose link or content is wrong."""
    expected_seq, expected_prev, checked = anchor_seq + 1, anchor_hash, 0
    for record in records:
        problem = _record_problem(record, expected_seq, expected_prev)
        if problem:
            return VerifyResult(False, checked, record.seq, problem)
        checked += 1
        expected_seq, expected_prev = record.seq + 1, record.hash
    return VerifyResult(True, checked, None)


def _record_problem(record: Record, expected_seq: int, expected_prev: str) -> str | None:
    if record.seq != expected_seq:
        return f"expected seq {expected_seq}, found {record.seq} (a record is missing or moved)"
    if record.prev_hash != expected_prev:
        return "prev_hash does not match the previous record's hash"
    if record.personal_salt:
        if personal_digest(record) != record.personal_digest:
            return "personal fields were changed"
    elif record.ip or record.user_agent or record.page_url:
        return "personal fields are present without their salt"
    if chain_hash(record, record.prev_hash) != record.hash:
        return "record content does not match its hash"
    return None


def join_ids(ids: Iterable[str]) -> str:
    """How the log stores a list of category or service ids: sorted, space-separated (ids are
    validated to hold no spaces), which is also how the CSV export shows them."""
    return " ".join(sorted(ids))


def record_from_row(row: Mapping[str, Any]) -> Record:
    """Build a Record from a store row whose id-list columns hold space-separated ids."""
    data = dict(row)
    for name in ("granted", "denied", "granted_services", "denied_services"):
        if isinstance(data[name], str):
            data[name] = data[name].split()
    data["gpc"] = bool(data["gpc"])
    return Record(**data)
