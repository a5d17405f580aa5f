"""Fix-ups the plugin can make to built pages, so declared third parties wait for consent.

- `gate_service_scripts`: scripts that load from (or inline-reference) a declared service's host
  become `type="text/plain" data-consent-category=…`, which the banner runs once granted.
- `embed_placeholders`: iframes from a declared service become a placeholder that names the
  provider, links its privacy policy and offers "Load this content" (this service only) and
  "Always allow" (the whole category); the iframe keeps its address in `data-src`.
- `gate_material_analytics`: Material for MkDocs' built-in analytics starts only once the
  `analytics` category is granted, found by its structure (the `__md_analytics` hook and the
  `#__analytics` element), not by the exact text one release of Material prints.
Each returns edits to start tags found by the tokenizer (references.py, markup.py); `splice`
applies them and leaves every other byte of the page as it was.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .audit import host_of, owner_of
from .markup import PageIndex, StartTag, end_of_element
from .references import Reference, is_executable, is_held

Edit = tuple[int, int, str]
MATERIAL_HOOKS = ("__md_analytics", "__analytics")


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


def render_tag(name: str, attributes: Iterable[tuple[str, str | None]]) -> str:
    parts = [
        key if value is None else f'{key}="{html.escape(value, quote=True)}"'
        for key, value in attributes
    ]
    return f"<{name}{' ' if parts else ''}{' '.join(parts)}>"


def _owner(url: str, services: Sequence[EmbedService]) -> EmbedService | None:
    host = host_of(url)
    return owner_of(host, services) if host else None


def _gated(tag: StartTag, service: EmbedService) -> list[tuple[str, str | None]]:
    kept = [(k, v) for k, v in tag.attrs.items() if k not in ("type", "data-consent-category")]
    original_type = tag.attrs.get("type")
    extra = [("data-type", original_type)] if original_type else []
    return [
        ("type", "text/plain"),
        ("data-consent-category", service.category),
        ("data-consent-service", service.id),
        *extra,
        *[(k, v) for k, v in kept if k != "data-consent-service"],
    ]


def splice(page: str, edits: Iterable[Edit]) -> str:
    """The page with each (start, end, text) edit applied; overlapping edits keep the first."""
    parts, position = [], 0
    for start, end, text in sorted(edits):
        if start < position:
            continue
        parts += [page[position:start], text]
        position = end
    return "".join(parts) + page[position:] if parts else page


def gate_service_scripts(
    references: Sequence[Reference], services: Sequence[EmbedService]
) -> list[Edit]:
    """Hold every executable script whose source or inline URLs belong to a declared service."""
    edits: dict[int, Edit] = {}
    for reference in references:
        tag = reference.tag
        if reference.element not in ("script[src]", "inline script") or tag is None:
            continue
        if reference.gated or not is_executable(tag) or tag.start in edits:
            continue
        service = _owner(reference.url, services)
        if service is not None:
            edits[tag.start] = (tag.start, tag.end, render_tag("script", _gated(tag, service)))
    return list(edits.values())


def embed_placeholders(
    page: str,
    references: Sequence[Reference],
    services: Sequence[EmbedService],
    category_titles: dict[str, str],
    text: PlaceholderText = PlaceholderText(),
) -> list[Edit]:
    edits = []
    for reference in references:
        tag = reference.tag
        if reference.element != "iframe[src]" or tag is None:
            continue
        service = _owner(reference.url, services)
        if service is None:
            continue
        frame = [(k, v) for k, v in tag.attrs.items() if k not in ("src", "data-src")]
        frame = [
            ("data-src", reference.url),
            ("data-consent-category", service.category),
            ("data-consent-service", service.id),
            *[(k, v) for k, v in frame if not k.startswith("data-consent-")],
        ]
        close_start, close_end = end_of_element(page, tag)
        replacement = (
            _placeholder(service, category_titles, text)
            + render_tag("iframe", frame)
            + page[tag.end : close_start]
            + "</iframe></div>"
        )
        edits.append((tag.start, close_end, replacement))
    return edits


def gate_material_analytics(page: str, index: PageIndex, category: str = "analytics") -> list[Edit]:
    """Hold Material's analytics (the `#__analytics` definition of `__md_analytics` and every
    script that calls it) until `category` is granted."""
    edits: dict[int, Edit] = {}
    for hook in MATERIAL_HOOKS:
        position = page.find(hook)
        while position >= 0:
            region = index.region_at(position)
            tag = region.tag if region is not None and region.kind == "script" else None
            if tag is not None and is_executable(tag) and not is_held(tag):
                attrs = [(k, v) for k, v in tag.attrs.items() if k != "type"]
                held = [("type", "text/plain"), ("data-consent-category", category), *attrs]
                edits[tag.start] = (tag.start, tag.end, render_tag("script", held))
            position = page.find(hook, region.end if region is not None else position + 1)
    return list(edits.values())


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
