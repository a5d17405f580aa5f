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


def categories_of(config: ConsentPluginConfig) -> list[dict[str, Any]]:
    declared = [
        {
            "id": category_id,
            "title": category.title,
            "description": category.description,
            "required": category.required or category_id == "necessary",
            "gpc": category.gpc if category.gpc is not None else category_id in GPC_DEFAULT,
        }
        for category_id, category in config.categories.items()
    ]
    if not any(category["id"] == "necessary" for category in declared):
        declared.insert(0, {**NECESSARY, "gpc": False})
    return declared


def services_of(config: ConsentPluginConfig) -> list[dict[str, Any]]:
    return [
        {
            "id": service_id_of(service),
            "name": service.name,
            "provider": service.provider,
            "category": service.category,
            "purpose": service.purpose,
            "privacy_policy_url": service.privacy_policy_url or "",
            "hosts": list(service.hosts),
            "cookies": [
                {"name": cookie.name, "purpose": cookie.purpose, "duration": cookie.duration}
                for cookie in service.cookies
            ],
        }
        for service in config.services
    ]


def policy_version(categories: list, services: list, texts: dict[str, dict[str, str]]) -> str:
    agreed = {
        "categories": categories,
        "services": services,
        "texts": {
            language: {key: strings[key] for key in AGREED_TEXT_KEYS}
            for language, strings in texts.items()
        },
    }
    canonical = json.dumps(agreed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def build_manifest(
    config: ConsentPluginConfig,
    site_name: str,
    site_url: str,
    texts: dict[str, dict[str, str]],
) -> dict[str, Any]:
    categories, services = categories_of(config), services_of(config)
    notice = config.privacy_notice
    return {
        "schema_version": 1,
        "policy_version": policy_version(categories, services, texts),
        "site_name": site_name,
        "site_url": site_url,
        "lifetime_days": config.lifetime_days,
        "categories": categories,
        "services": services,
        "privacy_notice": {
            "controller": dict(notice.controller),
            "last_modified": notice.last_modified,
        },
        "texts": texts,
    }


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
