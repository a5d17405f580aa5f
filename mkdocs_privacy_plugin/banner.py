"""The banner's configuration: what consent.js reads from the page's `consent-config` JSON block.

Built once per build from the manifest, so every page carries the same categories, services,
policy version and texts that the consent server is told about.
"""

from __future__ import annotations

from typing import Any

from .inject import consent_mode_map

BANNER_TEXT_KEYS = (
    "banner_title", "banner_text", "accept_all", "reject_all", "customize", "save",
    "withdraw", "close", "settings_link", "dialog_title", "dialog_text", "always_on",
    "gpc_honoured", "services_label", "cookie_name", "cookie_purpose", "cookie_duration",
    "policy_link", "privacy_link",
)  # fmt: skip
CATEGORY_KEYS = ("id", "title", "description", "required", "gpc")
SERVICE_KEYS = ("id", "name", "provider", "category", "purpose", "cookies")


def banner_config(
    manifest: dict[str, Any],
    *,
    endpoint: str | None,
    language: str,
    texts: dict[str, str],
    consent_mode: bool | dict,
) -> dict[str, Any]:
    """The banner's settings; the page links are added per page by the head injector.

    Every page carries them, so values the script reads as "off" anyway (false, null, an empty
    text) are left out: a category that is not required, a service without a provider.
    """
    settings = {
        "policyVersion": manifest["policy_version"],
        "endpoint": (endpoint or "").rstrip("/"),
        "lifetimeDays": manifest["lifetime_days"],
        "lang": language,
        "categories": [
            {key: category[key] for key in CATEGORY_KEYS} for category in manifest["categories"]
        ],
        "services": [
            {key: service[key] for key in SERVICE_KEYS} for service in manifest["services"]
        ],
        "consentMode": consent_mode_map(consent_mode, manifest["categories"]),
        "texts": {key: texts[key] for key in BANNER_TEXT_KEYS},
    }
    return _without_off(settings)


def _without_off(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings without false, null and empty-text values, in the categories and services too."""
    for key in ("categories", "services"):
        settings[key] = [_without_off_values(item) for item in settings[key]]
    return _without_off_values(settings)


def _without_off_values(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if not _is_off(value)}


def _is_off(value: Any) -> bool:
    return value is False or value is None or value == ""
