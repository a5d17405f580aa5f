"""The generated cookie-policy and privacy-notice pages, rendered from templates with escaping."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .config import ConsentPluginConfig

TABLES_MARKER = "<!-- consent:cookie-tables -->"
SELF_SERVICE_MARKER = "<!-- consent:self-service -->"

environment = Environment(
    loader=PackageLoader(__package__, "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "md"), default=True),
    keep_trailing_newline=True,
)


def _party(party: Any) -> Markup:
    """A name with address and contact, every value escaped."""
    if not party:
        return Markup("")
    lines = [escape(party.get(key, "")) for key in ("name", "address", "phone") if party.get(key)]
    if party.get("region"):
        lines.append(escape(party["region"]))
    if party.get("email"):
        lines.append(Markup('<a href="mailto:{0}">{0}</a>').format(party["email"]))
    return Markup("<address>") + Markup("<br>").join(lines) + Markup("</address>")


def cookie_tables(manifest: dict[str, Any], texts: dict[str, str]) -> Markup:
    template = environment.get_template("cookie_tables.html")
    return Markup(  # noqa: S704 (an autoescaped template's output)
        template.render(categories=manifest["categories"], services=manifest["services"], t=texts)
    )


def self_service(config: ConsentPluginConfig, texts: dict[str, str]) -> Markup:
    keys = [key for key in texts if key.startswith("record_")] + ["granted", "denied", "withdraw"]
    return Markup(  # noqa: S704 (an autoescaped template's output)
        environment.get_template("self_service.html").render(
            endpoint=config.endpoint,
            t=texts,
            texts_json=json.dumps({key: texts[key] for key in keys}, ensure_ascii=False),
        )
    )


def cookie_policy(
    config: ConsentPluginConfig, manifest: dict[str, Any], texts: dict[str, str]
) -> str:
    return environment.get_template("cookie-policy.md").render(
        t=texts,
        site_name=manifest["site_name"],
        tables=cookie_tables(manifest, texts),
        self_service=self_service(config, texts),
    )


def privacy_notice(
    config: ConsentPluginConfig, manifest: dict[str, Any], texts: dict[str, str]
) -> str:
    notice = config.privacy_notice
    return environment.get_template("privacy-notice.md").render(
        t=texts,
        site_name=manifest["site_name"],
        notice={
            "controller": dict(notice.controller),
            "representatives": [dict(item) for item in notice.representatives],
            "dpo": dict(notice.dpo) if notice.dpo.name or notice.dpo.email else None,
            "activities": [dict(item) for item in notice.activities],
            "recipients": list(notice.recipients),
            "transfers": [dict(item) for item in notice.transfers],
            "authority": dict(notice.authority),
            "children": notice.children,
            "last_modified": notice.last_modified,
        },
        categories=manifest["categories"],
        services=manifest["services"],
        party=_party,
    )


def embed_markers(markdown: str, config: ConsentPluginConfig, manifest: dict, texts: dict) -> str:
    """A site's own policy page can place the generated tables and self-service where it wants."""
    if TABLES_MARKER in markdown:
        markdown = markdown.replace(TABLES_MARKER, str(cookie_tables(manifest, texts)))
    if SELF_SERVICE_MARKER in markdown:
        markdown = markdown.replace(SELF_SERVICE_MARKER, str(self_service(config, texts)))
    return markdown
