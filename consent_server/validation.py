"""What a visitor's request may put into a record: the decision's fields, checked and normalised,
and the request context (IP address, user agent, origin) reduced before it is stored.

Every refusal is an InvalidRequest whose code the API answers with (400), never a stack trace.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from .records import VISITOR_METHODS, Decision
from .visitor_text import header_text, origin_problem, unsafe_character, url_problem

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
        policy_version=parse_policy_version(body.get("policy_version")),
        language=_parse_language(body.get("language")),
        page_url=parse_page_url(body.get("page_url")),
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


def parse_policy_version(value: Any) -> str:
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


def parse_page_url(value: Any, source: str = "page_url") -> str:
    """A page URL from the body or, for a withdrawal, from the Referer header (`source`)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > MAX_URL_LENGTH:
        raise InvalidRequest(
            "invalid_page_url", f"{source} must be a URL of at most {MAX_URL_LENGTH} characters"
        )
    problem = url_problem(value)
    if problem:
        raise InvalidRequest("invalid_page_url", f"{source} {problem}")
    return value


def parse_user_agent(raw: str | None) -> str:
    """The User-Agent as recorded: decoded, free of control and bidi characters, clipped."""
    text = header_text(raw or "")
    bad = unsafe_character(text)
    if bad:
        raise InvalidRequest("invalid_user_agent", f"the User-Agent header holds {bad}")
    return text[:MAX_USER_AGENT_LENGTH]


def parse_origin(raw: str | None) -> str:
    """The Origin header as recorded: absent, `null`, or scheme://host[:port]."""
    if not raw:
        return ""
    text = header_text(raw)
    problem = origin_problem(text) if len(text) <= MAX_ORIGIN_LENGTH else "is too long"
    if problem:
        raise InvalidRequest("invalid_origin", f"the Origin header {problem}")
    return text


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
    if ip.version == 4:  # the host byte dropped from the packed form: a network costs more
        first, second, third, _ = ip.packed
        return f"{first}.{second}.{third}.0/24"
    return f"{ipaddress.IPv6Address(int(ip) >> 80 << 80)}/48"


def clip(value: str | None, limit: int) -> str:
    return (value or "")[:limit]
