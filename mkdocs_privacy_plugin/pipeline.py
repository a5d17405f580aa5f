"""Which fix-ups run on a built page, prepared once per build from the manifest and the options.

One tokenizer pass (references.py) finds what the page fetches; the enabled fix-ups (fixups.py)
turn that into edits of single start tags; the page is scanned again only when it was edited, so
the audit always reads what the site will serve.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import fixups
from .audit import host_of, owner_of
from .config import FixupsConfig
from .markup import PageIndex
from .references import Reference, page_references


class PageFixups:
    """Applies the enabled fix-ups (fixups.py) to one page's HTML."""

    def __init__(
        self,
        manifest: dict[str, Any],
        texts: dict[str, str],
        options: FixupsConfig,
        material_analytics: bool,
        audit: bool = True,
    ) -> None:
        self.options = options
        self.audit = audit
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
        self.rewriters: list[Callable[[str, list[Reference], str], list[fixups.Edit]]] = []
        """Further page rewrites (self-hosting): (page, references, root URL) -> edits."""

    def apply(self, html: str, root: str = "") -> tuple[str, list[Reference]]:
        """The fixed page and what it still fetches; `root` is the URL of the site's root."""
        if not (self.audit or self.services or self.material_analytics or self.rewriters):
            return html, []
        index = PageIndex(html)
        references = page_references(html, index)
        edits: list[fixups.Edit] = []
        if self.services and any(self._declared(r) for r in references):
            if self.options.gate_scripts:
                edits += fixups.gate_service_scripts(references, self.services)
            if self.options.embeds:
                edits += fixups.embed_placeholders(
                    html, references, self.services, self.category_titles, self.placeholder_text
                )
        if self.material_analytics:
            edits += fixups.gate_material_analytics(html, index)
        for rewrite in self.rewriters:
            edits += rewrite(html, references, root)
        if not edits:
            return html, references
        html = fixups.splice(html, edits)
        return html, page_references(html)

    def _declared(self, reference: Reference) -> bool:
        host = host_of(reference.url)
        return host is not None and owner_of(host, self.services) is not None
