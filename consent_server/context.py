"""The objects the blueprints share, kept on the app so that each app has its own.

`Services` also keeps the policy archive filled: each view that serves a visitor's decision, or
lists policy versions, archives the current manifest's text first (once per version).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import current_app

from .manifest import Manifest, ManifestSource
from .store import ConsentStore, StoreUnavailable
from .tokens import TokenSigner

DEFAULT_REQUIRED = frozenset({"necessary"})


@dataclass
class Services:
    store: ConsentStore
    signer: TokenSigner
    manifest: ManifestSource
    ip_key: bytes
    archived: set[str] = field(default_factory=set)

    def categories(self) -> tuple[frozenset[str] | None, frozenset[str]]:
        """Known category ids (None: any well-formed id) and the ones that are always granted."""
        manifest = self.manifest.current()
        if manifest is None:
            return None, DEFAULT_REQUIRED
        return manifest.categories, manifest.required

    def archive_current_policy(self) -> None:
        """Keep the exact text behind the current policy version, once per version.

        An unavailable log skips it; the next request tries again.
        """
        manifest = self.manifest.current()
        if manifest is not None:
            self._archive(manifest)

    def _archive(self, manifest: Manifest) -> None:
        if manifest.policy_version in self.archived or not manifest.policy_version:
            return
        text = json.dumps(manifest.raw, sort_keys=True, ensure_ascii=False)
        try:
            self.store.archive_policy(manifest.policy_version, text)
        except StoreUnavailable:
            return
        self.archived.add(manifest.policy_version)


def services() -> Services:
    return current_app.extensions["consent"]
