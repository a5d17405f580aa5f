"""Which fix-ups run on a built page, prepared once per build from the manifest and the options."""

from __future__ import annotations

from typing import Any

from . import fixups
from .config import FixupsConfig


class PageFixups:
    """Applies the enabled fix-ups (fixups.py) to one page's HTML."""

    def __init__(
        self,
        manifest: dict[str, Any],
        texts: dict[str, str],
        options: FixupsConfig,
        material_analytics: bool,
    ) -> None:
        self.options = options
        self.material_analytics = options.material_analytics and material_analytics
        self.services = [
            fixups.EmbedService(
                service["id"],
                service["name"],
                service["provider"],
                service["category"],
                tuple(service["hosts"]),
                service["privacy_policy_url"],
            )
            for service in manifest["services"]
            if service["hosts"]
        ]
        self.category_titles = {c["id"]: c["title"] for c in manifest["categories"]}
        self.placeholder_text = fixups.PlaceholderText(
            notice=texts["embed_notice"],
            privacy_policy=texts["embed_privacy_policy"],
            load=texts["embed_load"],
            always=texts["embed_always"],
        )

    def apply(self, html: str) -> str:
        mentioned = bool(self.services) and fixups.mentions_a_host(html, self.services)
        if self.options.gate_scripts and mentioned:
            html = fixups.gate_service_scripts(html, self.services)
        if self.options.embeds and mentioned:
            html = fixups.embed_placeholders(
                html, self.services, self.category_titles, self.placeholder_text
            )
        if self.material_analytics:
            html = fixups.gate_material_analytics(html)
        return html
