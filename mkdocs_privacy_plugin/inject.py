"""What goes into every page's <head>: Consent Mode defaults, the banner's style, script and config.

It goes right after the charset declaration (which must stay within the first 1024 bytes), or
right after <head> when there is none.

The style sheet is linked with media="print" so it never blocks rendering; the script (deferred)
switches it on and shows the banner only once it has loaded. The configuration is a JSON data
block, escaped so that no text from mkdocs.yml can close the script element.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .assets import ASSET_DIR, RECORD_SCRIPT, RECORD_STYLE

HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
CHARSET = re.compile(r"<meta\s[^>]*charset[^>]*>", re.IGNORECASE)
CONSENT_MODE_DEFAULTS = {
    "analytics": ["analytics_storage"],
    "marketing": ["ad_storage", "ad_user_data", "ad_personalization"],
}


def safe_json(data: Any) -> str:
    """JSON that is inert inside <script>: no '<', '>' or '&' survive as themselves."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def consent_mode_map(option: bool | dict, categories: list[dict]) -> dict[str, list[str]] | None:
    if option is False:
        return None
    mapping = option if isinstance(option, dict) else CONSENT_MODE_DEFAULTS
    ids = {category["id"] for category in categories}
    return {category: types for category, types in mapping.items() if category in ids}


def consent_mode_snippet(mapping: dict[str, list[str]] | None) -> str:
    """Google Consent Mode v2: everything denied before any tag can run."""
    if not mapping:
        return ""
    return (
        "<script>window.dataLayer=window.dataLayer||[];"
        "function gtag(){dataLayer.push(arguments)}"
        "gtag('consent','default',{ad_storage:'denied',ad_user_data:'denied',"
        "ad_personalization:'denied',analytics_storage:'denied',wait_for_update:500});</script>"
    )


class HeadInjector:
    """Builds the per-page head snippet from parts computed once per build."""

    def __init__(self, banner_config: dict[str, Any], consent_mode: str) -> None:
        self.config_json = safe_json(banner_config)[1:]
        self.consent_mode = consent_mode

    def snippet(self, root: str, links: dict[str, str]) -> str:
        """`root` is the relative or absolute URL of the site root, ending in '/'."""
        config = '{"links":' + safe_json(links) + "," + self.config_json
        return (
            self.consent_mode
            + f'<link rel="stylesheet" id="consent-style" media="print" href="{root}{ASSET_DIR}/consent.css">'
            + f'<script src="{root}{ASSET_DIR}/consent.js" defer></script>'
            + f'<script type="application/json" id="consent-config">{config}</script>'
        )

    def inject(self, html: str, root: str, links: dict[str, str]) -> str:
        head_end = html.find("</head>")
        if 'id="consent-config"' in html[: head_end if head_end > 0 else None]:
            return html
        head = HEAD_OPEN.search(html)
        if head is None:
            return html
        charset = CHARSET.search(html, head.end(), head.end() + 1024)
        match = charset or head
        anchor = match.group(0)
        if html.find(anchor) == match.start():  # one copy of the page instead of two
            return html.replace(anchor, anchor + self.snippet(root, links), 1)
        return html[: match.end()] + self.snippet(root, links) + html[match.end() :]


def add_record_script(html: str, root: str) -> str:
    """The self-service script and style, for pages that show the visitor's own consent record.

    The style is an ordinary (blocking) style sheet: the block is in the page's flow, and it is
    small and on one page only."""
    style = f'<link rel="stylesheet" href="{root}{ASSET_DIR}/{RECORD_STYLE}">'
    script = f'<script src="{root}{ASSET_DIR}/{RECORD_SCRIPT}" defer></script>'
    return html.replace("</head>", style + script + "</head>", 1)
