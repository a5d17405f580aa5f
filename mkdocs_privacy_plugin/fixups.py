"""Fix-ups the plugin can make to built pages, so declared third parties wait for consent.

- `gate_service_scripts`: scripts that load from (or inline-reference) a declared service's host
  become `type="text/plain" data-consent-category=…`, which the banner runs once granted.
- `embed_placeholders`: iframes from a declared service become a placeholder that names the
  provider, links its privacy policy and offers "Load this content" (this service only) and
  "Always allow" (the whole category); the iframe keeps its address in `data-src`.
- `gate_material_analytics`: Material for MkDocs' built-in analytics starts only once the
  `analytics` category is granted.
Each works on the HTML text of one page and leaves everything else byte for byte as it was.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .audit import EXECUTABLE_SCRIPT_TYPES, SCRIPT_URL, host_of, owner_of, parse_attributes

SCRIPT_ELEMENT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
IFRAME_ELEMENT = re.compile(r"<iframe\b([^>]*)>(.*?)</iframe\s*>", re.IGNORECASE | re.DOTALL)
MATERIAL_ANALYTICS_CALLS = re.compile(
    r"<script>((?:if\(\"undefined\"!=typeof __md_analytics\)\{[^<]*\}|\"undefined\"!=typeof "
    r"__md_analytics&&__md_analytics\(\)))</script>"
)


@dataclass(frozen=True)
class EmbedService:
    """What a fix-up needs of a declared service."""

    id: str
    name: str
    provider: str
    category: str
    hosts: tuple[str, ...]
    privacy_policy_url: str = ""


@dataclass(frozen=True)
class PlaceholderText:
    """The placeholder's words, in the page's language; `{provider}` and `{category}` are filled."""

    notice: str = (
        "This content is provided by {provider}, which may set cookies and see your address."
    )
    privacy_policy: str = "Privacy policy of {provider}"
    load: str = "Load this content"
    always: str = "Always allow {category}"


def render_tag(name: str, attributes: list[tuple[str, str | None]]) -> str:
    parts = [
        key if value is None else f'{key}="{html.escape(value, quote=True)}"'
        for key, value in attributes
    ]
    return f"<{name}{' ' if parts else ''}{' '.join(parts)}>"


def _owner(url: str, services: Sequence[EmbedService]) -> EmbedService | None:
    host = host_of(url)
    return owner_of(host, services) if host else None


def _gated(attributes: list[tuple[str, str | None]], service: EmbedService) -> list:
    kept = [(k, v) for k, v in attributes if k not in ("type", "data-consent-category")]
    original_type = dict(attributes).get("type")
    extra = [("data-type", original_type)] if original_type else []
    return [
        ("type", "text/plain"),
        ("data-consent-category", service.category),
        ("data-consent-service", service.id),
        *extra,
        *[(k, v) for k, v in kept if k != "data-consent-service"],
    ]


def mentions_a_host(page: str, services: Sequence[EmbedService]) -> bool:
    """Whether any declared host occurs in the page at all: most pages of a site have none, and
    this check is far cheaper than parsing their scripts and frames."""
    lowered = page.lower()
    return any(
        host.lower().strip().removeprefix("*.").removeprefix(".") in lowered
        for service in services
        for host in service.hosts
    )


def gate_service_scripts(page: str, services: Sequence[EmbedService]) -> str:
    def rewrite(match: re.Match[str]) -> str:
        attributes = parse_attributes(match.group(1))
        values = dict(attributes)
        if (values.get("type") or "").lower().strip() not in EXECUTABLE_SCRIPT_TYPES:
            return match.group(0)
        service = _owner(values.get("src") or "", services)
        if service is None:
            service = next(
                (s for u in SCRIPT_URL.findall(match.group(2)) if (s := _owner(u, services))),
                None,
            )
        if service is None:
            return match.group(0)
        return render_tag("script", _gated(attributes, service)) + match.group(2) + "</script>"

    return SCRIPT_ELEMENT.sub(rewrite, page)


def embed_placeholders(
    page: str,
    services: Sequence[EmbedService],
    category_titles: dict[str, str],
    text: PlaceholderText = PlaceholderText(),
) -> str:
    def rewrite(match: re.Match[str]) -> str:
        attributes = parse_attributes(match.group(1))
        source = dict(attributes).get("src") or ""
        service = _owner(source, services)
        if service is None:
            return match.group(0)
        frame = [(k, v) for k, v in attributes if k not in ("src", "data-src")]
        frame = [
            ("data-src", source),
            ("data-consent-category", service.category),
            ("data-consent-service", service.id),
            *[(k, v) for k, v in frame if not k.startswith("data-consent-")],
        ]
        return (
            _placeholder(service, category_titles, text)
            + render_tag("iframe", frame)
            + match.group(2)
            + "</iframe></div>"
        )

    return IFRAME_ELEMENT.sub(rewrite, page)


def _placeholder(service: EmbedService, titles: dict[str, str], text: PlaceholderText) -> str:
    def fill(template: str) -> str:
        return html.escape(
            template.format(
                provider=service.provider or service.name,
                category=titles.get(service.category, service.category),
            )
        )

    link = (
        f'<a href="{html.escape(service.privacy_policy_url, quote=True)}" rel="noopener" target="_blank">'
        f"{fill(text.privacy_policy)}</a>"
        if service.privacy_policy_url
        else ""
    )
    return (
        f'<div class="consent-embed" data-consent-embed data-consent-service="{html.escape(service.id, quote=True)}" '
        f'data-consent-category="{html.escape(service.category, quote=True)}">'
        f'<div class="consent-embed__notice"><p>{fill(text.notice)} {link}</p>'
        f'<button type="button" class="consent-embed__button" data-consent-action="load-service">{fill(text.load)}</button>'
        f'<button type="button" class="consent-embed__button" data-consent-action="allow-category">{fill(text.always)}</button>'
        "</div>"
    )


def gate_material_analytics(page: str, category: str = "analytics") -> str:
    """Hold Material's analytics (its definition and its start call) until `category` is granted."""

    def hold(attributes: str) -> str:
        return f'<script type="text/plain" data-consent-category="{html.escape(category, quote=True)}"{attributes}>'

    page = page.replace('<script id="__analytics">', hold(' id="__analytics"'), 1)
    return MATERIAL_ANALYTICS_CALLS.sub(lambda match: hold("") + match.group(1) + "</script>", page)
