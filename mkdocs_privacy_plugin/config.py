"""The plugin's options in `mkdocs.yml`, typed, with errors that name the option at fault."""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError

from .notice_model import Notice
from .notice_options import TextOption, problems_of
from .urls import SafeURL

CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
SERVICE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
CONSENT_MODE_TYPES = {"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
                      "functionality_storage", "personalization_storage", "security_storage"}  # fmt: skip


class CategoryConfig(base.Config):
    title = TextOption()
    description = TextOption(default="")
    required = c.Type(bool, default=False)
    gpc = c.Optional(c.Type(bool))
    """Switched off while the visitor sends Global Privacy Control (default: marketing only)."""


class CookieConfig(base.Config):
    name = c.Type(str)
    purpose = TextOption(default="")
    duration = TextOption(default="")


class ServiceConfig(base.Config):
    name = c.Type(str)
    id = c.Optional(c.Type(str))
    provider = c.Type(str, default="")
    category = c.Type(str)
    purpose = TextOption(default="")
    privacy_policy_url = c.Optional(SafeURL())
    hosts = c.ListOfItems(c.Type(str), default=[])
    cookies = c.ListOfItems(c.SubConfig(CookieConfig), default=[])


class NoticeOption(c.BaseConfigOption[Notice]):
    """`privacy_notice`: one line per problem, named by its path in mkdocs.yml."""

    def __init__(self) -> None:
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> Notice:
        try:
            return Notice.parsed(value if value is not None else {})
        except ValidationError as error:
            lines = [f"privacy_notice{path}: {message}" for path, message in problems_of(error, "")]
            raise ValidationError("\n".join(lines)) from None


class FixupsConfig(base.Config):
    gate_scripts = c.Type(bool, default=True)
    embeds = c.Type(bool, default=True)
    material_analytics = c.Type(bool, default=True)


class ConsentPluginConfig(base.Config):
    endpoint = c.Optional(c.Type(str))
    categories = c.DictOfItems(c.SubConfig(CategoryConfig), default={})
    services = c.ListOfItems(c.SubConfig(ServiceConfig), default=[])
    privacy_notice = NoticeOption()
    languages = c.DictOfItems(c.DictOfItems(c.Type(str)), default={})
    """Text overrides per language, plain text: `languages: {en: {banner_title: ...}}`."""
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
