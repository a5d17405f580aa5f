"""The site's consent manifest (written by the MkDocs plugin), re-read when the file changes."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field

from .config import ConfigError

RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Manifest:
    """The categories a visitor can be asked about, and the policy version they belong to."""

    policy_version: str
    categories: frozenset[str]
    required: frozenset[str]
    services: frozenset[str] | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)


def parse_manifest(data: object, source: str) -> Manifest:
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise ConfigError(f"CONSENT_MANIFEST: {source} has no 'categories' list")
    ids, required = set(), set()
    for category in data["categories"]:
        if not isinstance(category, dict) or not isinstance(category.get("id"), str):
            raise ConfigError(f"CONSENT_MANIFEST: {source} has a category without an 'id'")
        ids.add(category["id"])
        if category.get("required"):
            required.add(category["id"])
    services = data.get("services") or []
    service_ids = [s.get("id") for s in services if isinstance(s, dict)]
    known_services = frozenset(service_ids) if service_ids and all(service_ids) else None
    return Manifest(
        str(data.get("policy_version", "")),
        frozenset(ids),
        frozenset(required),
        known_services,
        data,
    )


def read_manifest(path: str) -> Manifest:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise ConfigError(f"CONSENT_MANIFEST: cannot read {path!r}: {error.strerror}") from None
    except ValueError as error:
        raise ConfigError(f"CONSENT_MANIFEST: {path!r} is not valid JSON: {error}") from None
    return parse_manifest(data, repr(path))


class ManifestSource:
    """Serves the current manifest; re-reads it at most once a second when its file changed.

    A manifest that turns unreadable after start-up keeps the last good one in use.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._mtime = os.stat(path).st_mtime_ns if path and os.path.exists(path) else None
        self._manifest = read_manifest(path) if path else None

    def current(self) -> Manifest | None:
        if self.path is None:
            return None
        now = time.monotonic()
        if now - self._checked_at >= RECHECK_SECONDS:
            with self._lock:
                self._checked_at = now
                self._reload_if_changed()
        return self._manifest

    def _reload_if_changed(self) -> None:
        try:
            mtime = os.stat(self.path).st_mtime_ns
            if mtime != self._mtime:
                self._manifest, self._mtime = read_manifest(self.path), mtime
        except (OSError, ConfigError):
            return
