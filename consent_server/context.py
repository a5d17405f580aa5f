"""The objects the blueprints share, kept on the app so that each app has its own.

`Services` also keeps the policy archive filled: each view that serves a visitor's decision, or
lists policy versions, archives the current manifest's text first (once per version).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import current_app

from .manifest import Manifest, ManifestSource, parse_manifest
from .scrubber import Scrubber
from .signing import PublicKey
from .store import ConsentStore, StoreUnavailable
from .tokens import TokenSigner
from .validation import InvalidRequest

DEFAULT_REQUIRED = frozenset({"necessary"})


@dataclass
class Services:
    store: ConsentStore
    signer: TokenSigner
    manifest: ManifestSource
    ip_key: bytes
    scrubber: Scrubber
    # The keys whose signatures on purge records and checkpoints count (config.verifying_keys).
    public_keys: list[PublicKey] = field(default_factory=list)
    archived: set[str] = field(default_factory=set)
    earlier: dict[str, Manifest] = field(default_factory=dict)

    def categories(self) -> tuple[frozenset[str] | None, frozenset[str]]:
        """Known category ids (None: any well-formed id) and the ones that are always granted."""
        manifest = self.manifest.current()
        if manifest is None:
            return None, DEFAULT_REQUIRED
        return manifest.categories, manifest.required

    def manifest_for(self, policy_version: object) -> Manifest | None:
        """The manifest a decision for `policy_version` is checked against: the current one, or
        the archived one of an earlier version (a page built before the site was rebuilt).

        None without a configured manifest; a version the server never archived is refused.
        """
        current = self.manifest.current()
        if current is None or not current.policy_version:
            return current
        if not isinstance(policy_version, str) or policy_version == current.policy_version:
            return current
        if policy_version not in self.earlier:
            found = self.store.policy(policy_version)
            if found is None:
                raise InvalidRequest(
                    "unknown_policy_version",
                    "this policy version was never published with this server's manifest; "
                    "reload the page to see the current policy",
                )
            self.earlier[policy_version] = parse_manifest(json.loads(found["manifest"]), "archive")
        return self.earlier[policy_version]

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
