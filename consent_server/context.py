"""The objects the blueprints share, kept on the app so that each app has its own."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .manifest import ManifestSource
from .store import ConsentStore
from .tokens import TokenSigner

DEFAULT_REQUIRED = frozenset({"necessary"})


@dataclass
class Services:
    store: ConsentStore
    signer: TokenSigner
    manifest: ManifestSource
    ip_key: bytes

    def categories(self) -> tuple[frozenset[str] | None, frozenset[str]]:
        """Known category ids (None: any well-formed id) and the ones that are always granted."""
        manifest = self.manifest.current()
        if manifest is None:
            return None, DEFAULT_REQUIRED
        return manifest.categories, manifest.required


def services() -> Services:
    return current_app.extensions["consent"]
