"""A policy version is the content hash of what a visitor agrees to; the archived text must match it.

The site's build computes the version (mkdocs_privacy_plugin/manifest.py) as the first 12 hex digits
of the SHA-256 of the canonical JSON of the manifest's categories, services and, per language, the
texts a visitor is shown when asked, plus the categories and services of each language that words
them differently (`translations`, when there are any). The server shares no code with the build, only this data
contract: recomputing the version from an archived manifest shows the archive holds the very text
behind the version a record names.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

AGREED_TEXT_KEYS = (
    "banner_title",
    "banner_text",
    "dialog_text",
    "cp_intro",
    "cp_what_text",
    "cp_change_text",
)
VERSION_LENGTH = 12


def content_version(manifest: Any) -> str | None:
    """The policy version `manifest` hashes to; None when it lacks what the version covers."""
    try:
        agreed = {
            "categories": manifest["categories"],
            "services": manifest["services"],
            "texts": {
                language: {key: strings[key] for key in AGREED_TEXT_KEYS}
                for language, strings in manifest["texts"].items()
            },
        }
        if manifest.get("translations"):
            agreed["translations"] = manifest["translations"]
    except (KeyError, TypeError, AttributeError):
        return None
    text = json.dumps(agreed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:VERSION_LENGTH]


def text_matches_version(manifest_text: str, policy_version: str) -> bool:
    """True when an archived manifest is the text behind `policy_version`."""
    try:
        manifest = json.loads(manifest_text)
    except (TypeError, ValueError):
        return False
    return (
        isinstance(manifest, dict)
        and manifest.get("policy_version") == policy_version
        and content_version(manifest) == policy_version
    )
