"""The consent manifest: what visitors are asked to agree to, and its content-hash version.

The version is a short hash of the canonical JSON of the categories, the services and the texts a
visitor sees; it does not depend on build time or paths, so an unchanged policy keeps its version
and any change to what is agreed to asks every visitor again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .config import ConsentPluginConfig, service_id_of
from .localized import LocalText, Warn, resolve

NECESSARY = {
    "id": "necessary",
    "title": "Necessary",
    "description": "Needed for the site to work; cannot be switched off.",
    "required": True,
}
GPC_DEFAULT = {"marketing"}
AGREED_TEXT_KEYS = (
    "banner_title",
    "banner_text",
    "dialog_text",
    "cp_intro",
    "cp_what_text",
    "cp_change_text",
)
MANIFEST_PATH = "consent/manifest.json"
GPC_PATH = ".well-known/gpc.json"


class Localizer:
    """Resolves owner texts for one language; the build hears once about each fallback."""

    def __init__(self, default: str, warn: Warn) -> None:
        self.default, self.warn = default, warn

    def text(self, value: LocalText, language: str, option: str) -> str:
        text, fell_back = value.pick(language, self.default)
        if fell_back:
            self.warn(option, language)
        return text

    def resolve(self, value: Any, language: str, option: str) -> Any:
        return resolve(value, language, self.default, self.warn, option)


def categories_of(
    config: ConsentPluginConfig, language: str, localizer: Localizer, texts: dict[str, Any]
) -> list[dict[str, Any]]:
    declared = [
        {
            "id": category_id,
            "title": localizer.text(category.title, language, f"categories.{category_id}.title"),
            "description": localizer.text(
                category.description, language, f"categories.{category_id}.description"
            ),
            "required": category.required or category_id == "necessary",
            "gpc": category.gpc if category.gpc is not None else category_id in GPC_DEFAULT,
        }
        for category_id, category in config.categories.items()
    ]
    if not any(category["id"] == "necessary" for category in declared):
        necessary = {
            **NECESSARY,
            "title": texts.get("necessary_title", NECESSARY["title"]),
            "description": texts.get("necessary_description", NECESSARY["description"]),
        }
        declared.insert(0, {**necessary, "gpc": False})
    return declared


def services_of(
    config: ConsentPluginConfig, language: str, localizer: Localizer
) -> list[dict[str, Any]]:
    services = []
    for index, service in enumerate(config.services):
        option = f"services[{index}]"
        services.append(
            {
                "id": service_id_of(service),
                "name": service.name,
                "provider": service.provider,
                "category": service.category,
                "purpose": localizer.text(service.purpose, language, f"{option}.purpose"),
                "privacy_policy_url": service.privacy_policy_url or "",
                "hosts": list(service.hosts),
                "cookies": [
                    {
                        "name": cookie.name,
                        "purpose": localizer.text(
                            cookie.purpose, language, f"{option}.cookies[{number}].purpose"
                        ),
                        "duration": localizer.text(
                            cookie.duration, language, f"{option}.cookies[{number}].duration"
                        ),
                    }
                    for number, cookie in enumerate(service.cookies)
                ],
            }
        )
    return services


def policy_version(
    categories: list, services: list, texts: dict[str, dict[str, Any]], translations: dict
) -> str:
    agreed = {
        "categories": categories,
        "services": services,
        "texts": {
            language: {key: strings[key] for key in AGREED_TEXT_KEYS}
            for language, strings in texts.items()
        },
    }
    if translations:
        agreed["translations"] = translations
    canonical = json.dumps(agreed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def build_manifest(
    config: ConsentPluginConfig,
    site_name: str,
    site_url: str,
    texts: dict[str, dict[str, Any]],
    localizer: Localizer,
) -> dict[str, Any]:
    """`texts` has every language the site is built in, the default one first."""
    default = localizer.default
    categories = categories_of(config, default, localizer, texts[default])
    services = services_of(config, default, localizer)
    translations = {}
    for language in texts:
        if language == default:
            continue
        own = {
            "categories": categories_of(config, language, localizer, texts[language]),
            "services": services_of(config, language, localizer),
        }
        if own != {"categories": categories, "services": services}:
            translations[language] = own
    notice = config.privacy_notice
    return {
        "schema_version": 1,
        "policy_version": policy_version(categories, services, texts, translations),
        "site_name": site_name,
        "site_url": site_url,
        "lifetime_days": config.lifetime_days,
        "default_language": default,
        "categories": categories,
        "services": services,
        "translations": translations,
        "privacy_notice": {
            "controller": localizer.resolve(
                notice.controller, default, "privacy_notice.controller"
            ),
            "last_modified": notice.last_modified,
        },
        "texts": texts,
    }


def for_language(manifest: dict[str, Any], language: str) -> dict[str, Any]:
    """The manifest as one language's pages and banner see it."""
    own = manifest["translations"].get(language)
    return {**manifest, **own} if own else manifest


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def gpc_json(last_update: str) -> str:
    """The site declares it honours Global Privacy Control (https://privacycg.github.io/gpc-spec/)."""
    return to_json({"gpc": True, "lastUpdate": last_update})


def write_site_files(site_dir: Path, manifest: dict[str, Any], gpc_last_update: str) -> None:
    """The manifest the consent server reads, and the site's Global Privacy Control statement."""
    for relative, content in (
        (MANIFEST_PATH, to_json(manifest)),
        (GPC_PATH, gpc_json(gpc_last_update)),
    ):
        target = site_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
