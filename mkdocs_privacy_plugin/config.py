"""The plugin's options in `mkdocs.yml`, typed, with errors that name the option at fault."""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError

CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
SERVICE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
LEGAL_GROUNDS = {
    "consent": "6(1)(a)",
    "contract": "6(1)(b)",
    "legal_obligation": "6(1)(c)",
    "legitimate_interests": "6(1)(f)",
}
CONSENT_MODE_TYPES = {"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
                      "functionality_storage", "personalization_storage", "security_storage"}  # fmt: skip


class CategoryConfig(base.Config):
    title = c.Type(str)
    description = c.Type(str, default="")
    required = c.Type(bool, default=False)
    gpc = c.Optional(c.Type(bool))
    """Switched off while the visitor sends Global Privacy Control (default: marketing only)."""


class CookieConfig(base.Config):
    name = c.Type(str)
    purpose = c.Type(str, default="")
    duration = c.Type(str, default="")


class ServiceConfig(base.Config):
    name = c.Type(str)
    id = c.Optional(c.Type(str))
    provider = c.Type(str, default="")
    category = c.Type(str)
    purpose = c.Type(str, default="")
    privacy_policy_url = c.Optional(c.URL())
    hosts = c.ListOfItems(c.Type(str), default=[])
    cookies = c.ListOfItems(c.SubConfig(CookieConfig), default=[])


class PartyConfig(base.Config):
    name = c.Type(str, default="")
    address = c.Type(str, default="")
    email = c.Type(str, default="")
    phone = c.Type(str, default="")
    region = c.Type(str, default="")


class ActivityConfig(base.Config):
    name = c.Type(str)
    purposes = c.ListOfItems(c.Type(str), default=[])
    data_categories = c.ListOfItems(c.Type(str), default=[])
    legal_ground = c.Choice(tuple(LEGAL_GROUNDS))
    legitimate_interest = c.Type(str, default="")
    retention = c.Type(str, default="")


class TransferConfig(base.Config):
    recipient = c.Type(str)
    country = c.Type(str)
    safeguard = c.Type(str)


class AuthorityConfig(base.Config):
    name = c.Type(str, default="")
    url = c.Optional(c.URL())


class PrivacyNoticeConfig(base.Config):
    controller = c.SubConfig(PartyConfig)
    representatives = c.ListOfItems(c.SubConfig(PartyConfig), default=[])
    dpo = c.SubConfig(PartyConfig)
    """Leave out when there is no data protection officer."""
    activities = c.ListOfItems(c.SubConfig(ActivityConfig), default=[])
    recipients = c.ListOfItems(c.Type(str), default=[])
    transfers = c.ListOfItems(c.SubConfig(TransferConfig), default=[])
    authority = c.SubConfig(AuthorityConfig)
    children = c.Type(str, default="")
    last_modified = c.Type(str, default="")


class FixupsConfig(base.Config):
    gate_scripts = c.Type(bool, default=True)
    embeds = c.Type(bool, default=True)
    material_analytics = c.Type(bool, default=True)


class ConsentPluginConfig(base.Config):
    endpoint = c.Optional(c.Type(str))
    categories = c.DictOfItems(c.SubConfig(CategoryConfig), default={})
    services = c.ListOfItems(c.SubConfig(ServiceConfig), default=[])
    privacy_notice = c.SubConfig(PrivacyNoticeConfig)
    languages = c.DictOfItems(c.DictOfItems(c.Type(str)), default={})
    """Text overrides per language: `languages: {en: {banner_title: ...}}`."""
    language = c.Optional(c.Type(str))
    lifetime_days = c.Type(int, default=180)
    consent_mode = c.Type((bool, dict), default=False)
    cookie_policy_path = c.Type(str, default="cookie-policy.md")
    privacy_notice_path = c.Type(str, default="privacy-notice.md")
    audit = c.Choice(("warn", "strict", "off"), default="warn")
    fixups = c.SubConfig(FixupsConfig)
    self_host = c.Type(bool, default=False)
    """Serve third-party style sheets, scripts, fonts and images that no service owns from the site."""
    self_host_cache = c.Type(str, default=".cache/consent")
    """Where downloads are kept between builds, relative to mkdocs.yml."""


def fail(option: str, expected: str) -> PluginError:
    return PluginError(f"consent plugin: option '{option}': {expected}")


def check(config: ConsentPluginConfig) -> None:
    """Cross-field checks that the option types alone cannot express."""
    endpoint = config.endpoint
    if endpoint is not None and not re.fullmatch(r"(https?://[^\s/]+(/\S*)?|/\S*)", endpoint):
        raise fail(
            "endpoint", f"expected an http(s) URL or a path starting with '/', got {endpoint!r}"
        )
    if config.lifetime_days < 1 or config.lifetime_days > 400:
        raise fail("lifetime_days", "expected a number of days between 1 and 400")
    for category_id in config.categories:
        if not CATEGORY_ID.fullmatch(category_id):
            raise fail(
                f"categories.{category_id}",
                "category ids are 1-32 lowercase letters, digits, '_' or '-', starting with a letter",
            )
    known = set(config.categories) | {"necessary"}
    seen: set[str] = set()
    for index, service in enumerate(config.services):
        if service.category not in known:
            raise fail(
                f"services[{index}].category",
                f"{service.category!r} is not a declared category (one of: {', '.join(sorted(known))})",
            )
        service_id = service_id_of(service)
        if not SERVICE_ID.fullmatch(service_id):
            raise fail(
                f"services[{index}].id",
                "service ids are lowercase letters, digits, '_', '.' or '-'",
            )
        if service_id in seen:
            raise fail(f"services[{index}].id", f"{service_id!r} is used by two services")
        seen.add(service_id)
    _check_consent_mode(config.consent_mode, known)
    for path_option in ("cookie_policy_path", "privacy_notice_path"):
        value = config[path_option]
        if not value.endswith(".md") or value.startswith(("/", "..")) or "\\" in value:
            raise fail(path_option, f"expected a relative path to a .md page, got {value!r}")


def _check_consent_mode(value: Any, categories: set[str]) -> None:
    if isinstance(value, bool):
        return
    for category, types in value.items():
        if category not in categories:
            raise fail(f"consent_mode.{category}", "is not a declared category")
        if not isinstance(types, list) or not set(types) <= CONSENT_MODE_TYPES:
            raise fail(
                f"consent_mode.{category}",
                f"expected a list of consent types from: {', '.join(sorted(CONSENT_MODE_TYPES))}",
            )


def service_id_of(service: ServiceConfig) -> str:
    """The explicit id, or one made from the name (`Google Analytics` -> `google-analytics`)."""
    return service.id or re.sub(r"[^a-z0-9]+", "-", service.name.lower()).strip("-")
