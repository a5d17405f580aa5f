"""The generated cookie-policy and privacy-notice pages, rendered from templates with escaping."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .config import ConsentPluginConfig
from .heading_ids import with_id
from .notice_own import own_storage
from .notice_page import NoticeInputs, privacy_notice_markdown
from .notice_view import fill, link
from .owner_markdown import OwnerMarkdown, heading_text
from .page_parts import STYLE, environment

TABLES_MARKER = "<!-- consent:cookie-tables -->"
SELF_SERVICE_MARKER = "<!-- consent:self-service -->"


@dataclass
class LegalPages:
    """What both pages need for one language."""

    config: ConsentPluginConfig
    manifest: dict[str, Any]
    texts: dict[str, Any]
    language: str
    notice: dict[str, Any]
    md: OwnerMarkdown
    policy_url: str
    """The cookie policy, relative to the privacy notice."""
    privacy_url: str
    """The privacy notice, relative to the cookie policy."""
    history: list[dict]


def _heading(title: str, anchor: str = "") -> Markup:
    text = heading_text(title)
    return Markup(with_id(text, anchor) if anchor else text)  # noqa: S704 (Markdown-escaped)


def cookie_tables(config: ConsentPluginConfig, manifest: dict[str, Any], texts: dict) -> Markup:
    rows = own_storage(
        texts, endpoint=config.endpoint, lifetime_days=config.lifetime_days,
        cookie_name=config.privacy_notice.consent_log.cookie_name,
        site_name=manifest["site_name"], site_url=manifest["site_url"],
    )  # fmt: skip
    required = [category["id"] for category in manifest["categories"] if category["required"]]
    template = environment.get_template("cookie_tables.html")
    return Markup(  # noqa: S704 (an autoescaped template's output)
        template.render(
            categories=manifest["categories"],
            services=manifest["services"],
            t=texts,
            own_rows=rows,
            own_category=required[0] if required else None,
        )
    )


def self_service(config: ConsentPluginConfig, texts: dict[str, Any]) -> Markup:
    # The history names each kind of decision (`method_<kind>`); only this block needs them.
    kinds = ("record_", "method_")
    keys = [key for key in texts if key.startswith(kinds)] + ["granted", "denied", "withdraw"]
    return Markup(  # noqa: S704 (an autoescaped template's output)
        environment.get_template("self_service.html").render(
            endpoint=config.endpoint,
            t=texts,
            texts_json=json.dumps({key: texts[key] for key in keys}, ensure_ascii=False),
        )
    )


def cookie_policy(pages: LegalPages) -> str:
    t = pages.texts
    intro = fill(
        t["cp_intro"],
        site=pages.manifest["site_name"],
        privacy_link=link(pages.privacy_url, t["privacy_notice_title"]),
    )
    return environment.get_template("cookie-policy.md").render(
        t=t,
        heading=_heading,
        intro=intro,
        tables=cookie_tables(pages.config, pages.manifest, t),
        self_service=self_service(pages.config, t),
        style=Markup(STYLE),  # noqa: S704 (a constant)
    )


def privacy_notice(pages: LegalPages) -> str:
    return privacy_notice_markdown(
        NoticeInputs(
            language=pages.language,
            texts=pages.texts,
            notice=pages.notice,
            site_name=pages.manifest["site_name"],
            site_url=pages.manifest["site_url"],
            categories=pages.manifest["categories"],
            services=pages.manifest["services"],
            endpoint=pages.config.endpoint,
            lifetime_days=pages.config.lifetime_days,
            policy_url=pages.policy_url,
            md=pages.md,
            history=pages.history,
        )
    )


def embed_markers(markdown: str, config: ConsentPluginConfig, manifest: dict, texts: dict) -> str:
    """A site's own policy page can place the generated tables and self-service where it wants."""
    if TABLES_MARKER in markdown:
        markdown = markdown.replace(TABLES_MARKER, str(cookie_tables(config, manifest, texts)))
    if SELF_SERVICE_MARKER in markdown:
        markdown = markdown.replace(SELF_SERVICE_MARKER, str(self_service(config, texts)))
    return markdown
