"""Build-time privacy audit: what in the built site would load from another host before consent.

It reads the HTML and CSS that `mkdocs build` produced and reports every reference to another host
that a browser would fetch on its own (scripts, style sheets, preconnects, frames, images, media,
objects, fonts and `url()`/`@import` in CSS), whether a declared service owns that host, and whether
the element is gated until consent (`type="text/plain" data-consent-category=…`, or `data-src`).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

FETCHING_LINK_RELS = {
    "stylesheet",
    "preconnect",
    "dns-prefetch",
    "preload",
    "modulepreload",
    "prefetch",
    "icon",
}
CSS_REFERENCE = re.compile(
    r"""@import\s+(?:url\(\s*(?P<q1>['"]?)(?P<import1>[^'")]+)(?P=q1)\s*\)"""
    r"""|(?P<q2>['"])(?P<import2>[^'"]+)(?P=q2))"""
    r"""|url\(\s*(?P<q3>['"]?)(?P<url>[^'")]+)(?P=q3)\s*\)""",
    re.IGNORECASE,
)
FONT_FILE = re.compile(r"\.(woff2?|ttf|otf|eot)([?#]|$)", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""["'`]((?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^"'`\s]*)["'`]""")
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
LOCAL_SCHEMES = ("data:", "blob:", "about:", "javascript:", "mailto:", "tel:", "#")


class HasHosts(Protocol):
    hosts: tuple[str, ...]


ServiceT = TypeVar("ServiceT", bound=HasHosts)


@dataclass(frozen=True)
class Service:
    """What the audit needs of a declared service."""

    name: str
    category: str
    hosts: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    page: str
    element: str
    url: str
    host: str
    service: str | None
    category: str | None
    gated: bool

    @property
    def status(self) -> str:
        if self.gated:
            return "gated" if self.service else "gated-undeclared"
        return "ungated" if self.service else "undeclared"

    @property
    def loads_before_consent(self) -> bool:
        return not self.gated

    def as_dict(self) -> dict[str, object]:
        return {
            "page": self.page,
            "element": self.element,
            "url": self.url,
            "host": self.host,
            "service": self.service,
            "category": self.category,
            "gated": self.gated,
            "status": self.status,
        }


def host_of(url: str) -> str | None:
    """The host a URL would be fetched from, or None for relative, data: and similar URLs."""
    url = url.strip()
    if not url or url.lower().startswith(LOCAL_SCHEMES):
        return None
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname.lower()


def owner_of(host: str, services: Sequence[ServiceT]) -> ServiceT | None:
    """The declared service whose hosts cover `host`: the host itself or any subdomain of it."""
    for service in services:
        for pattern in service.hosts:
            suffix = pattern.lower().strip().removeprefix("*.").removeprefix(".")
            if host == suffix or host.endswith("." + suffix):
                return service
    return None


COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
ELEMENT_WITH_BODY = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_FETCHING_NAMES = "link|iframe|frame|embed|img|video|audio|source|track|input|object"
# Case-sensitive alternatives (lower and upper case) are several times faster than IGNORECASE on
# pages of a few hundred kilobytes, which is what sites with a large navigation produce.
FETCHING_TAG = re.compile(rf"<({_FETCHING_NAMES}|{_FETCHING_NAMES.upper()})\b([^>]*)>")
STYLE_ATTRIBUTE = re.compile(r"""style=("[^"]*"|'[^']*')""")
ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")
MEDIA_TAGS = {"img", "video", "audio", "source", "track", "input"}
FRAME_TAGS = {"iframe", "frame", "embed"}
FETCHING_TAGS = MEDIA_TAGS | FRAME_TAGS | {"link", "object"}


def parse_attributes(text: str) -> list[tuple[str, str | None]]:
    """(name, value) pairs of a start tag's attribute text, values unescaped."""
    attributes = []
    for name, value in ATTRIBUTE.findall(text):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attributes.append((name.lower(), html.unescape(value) if value else None))
    return attributes


def _tag_references(tag: str, attributes: dict[str, str]) -> Iterator[tuple[str, str, bool]]:
    gated = bool(attributes.get("data-consent-category"))
    if tag == "link":
        fetching = sorted(set(attributes.get("rel", "").lower().split()) & FETCHING_LINK_RELS)
        if fetching and attributes.get("href"):
            yield f"link[rel={fetching[0]}]", attributes["href"], False
    elif tag in FRAME_TAGS:
        if attributes.get("src"):
            yield f"{tag}[src]", attributes["src"], False
        if attributes.get("data-src"):
            yield f"{tag}[data-src]", attributes["data-src"], gated
    elif tag in MEDIA_TAGS:
        for name in ("src", "poster"):
            if attributes.get(name):
                yield f"{tag}[{name}]", attributes[name], False
        for candidate in attributes.get("srcset", "").split(","):
            if candidate.strip():
                yield f"{tag}[srcset]", candidate.strip().split()[0], False
    elif tag == "object" and attributes.get("data"):
        yield "object[data]", attributes["data"], False


def _script_references(attributes: dict[str, str], body: str) -> Iterator[tuple[str, str, bool]]:
    script_type = attributes.get("type", "").lower().strip()
    held = script_type == "text/plain" and bool(attributes.get("data-consent-category"))
    for name in ("src", "data-src"):
        if attributes.get(name):
            yield f"script[{name}]", attributes[name], held
    if script_type in EXECUTABLE_SCRIPT_TYPES or held:
        for match in SCRIPT_URL.finditer(body):
            yield "inline script", match.group(1), held


def scan_html(text: str) -> list[tuple[str, str, bool]]:
    """(element, url, gated) for every fetching reference in one HTML page.

    Regular expressions rather than a full HTML parser: the audit reads every page of the site,
    and this keeps it a small fraction of the build. An element without `//` anywhere can only
    name same-site URLs, so it is not parsed at all.
    """
    text = COMMENT.sub("", text)
    references: list[tuple[str, str, bool]] = []
    outside: list[str] = []
    position = 0
    for match in ELEMENT_WITH_BODY.finditer(text):
        outside.append(text[position : match.start()])
        position = match.end()
        if "//" not in match.group(0):
            continue
        attributes = {k: v or "" for k, v in parse_attributes(match.group(2))}
        if match.group(1).lower() == "script":
            references.extend(_script_references(attributes, match.group(3)))
        else:
            references.extend(
                (f"style element {kind}", url, False)
                for kind, url in css_references(match.group(3))
            )
    outside.append(text[position:])
    rest = "".join(outside)
    for match in FETCHING_TAG.finditer(rest):
        if "//" not in match.group(2):
            continue
        attributes = {k: v or "" for k, v in parse_attributes(match.group(2))}
        references.extend(_tag_references(match.group(1).lower(), attributes))
    for match in STYLE_ATTRIBUTE.finditer(rest):
        if not rest[match.start() - 1].isspace():
            continue
        for kind, url in css_references(html.unescape(match.group(1)[1:-1])):
            references.append((f"style attribute {kind}", url, False))
    return references


def css_references(text: str) -> Iterator[tuple[str, str]]:
    """(kind, url) for every `@import` and `url()` in a style sheet."""
    for match in CSS_REFERENCE.finditer(text):
        imported = match.group("import1") or match.group("import2")
        yield ("@import", imported) if imported else ("url()", match.group("url"))


def scan_css(text: str) -> list[tuple[str, str, bool]]:
    return [
        ("font" if FONT_FILE.search(url) else f"css {kind}", url, False)
        for kind, url in css_references(text)
    ]


def audit_site(
    site_dir: Path, services: Sequence[Service], own_hosts: Iterable[str] = ()
) -> list[Finding]:
    """Every third-party reference in the built site's HTML and CSS files."""
    own = {host.lower() for host in own_hosts}
    findings: list[Finding] = []
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        references = scan_html(text) if path.suffix == ".html" else scan_css(text)
        page = path.relative_to(site_dir).as_posix()
        findings.extend(_findings(page, references, services, own))
    return findings


def _findings(page, references, services, own) -> Iterator[Finding]:
    for element, url, gated in references:
        host = host_of(url)
        if host is None or host in own:
            continue
        owner = owner_of(host, services)
        yield Finding(
            page, element, url, host, owner.name if owner else None,
            owner.category if owner else None, gated,
        )  # fmt: skip


def summary(findings: Sequence[Finding]) -> dict[str, object]:
    before = [finding for finding in findings if finding.loads_before_consent]
    return {
        "findings": len(findings),
        "load_before_consent": len(before),
        "undeclared": sum(1 for finding in findings if finding.service is None),
        "by_status": dict(Counter(finding.status for finding in findings)),
        "by_host": dict(Counter(finding.host for finding in findings).most_common()),
        "by_page": dict(Counter(finding.page for finding in before).most_common()),
    }


def grouped(findings: Sequence[Finding]) -> dict[tuple[str, str, str | None], list[Finding]]:
    """Findings by (host, element, service), so a theme-wide leak is one line, not one per page."""
    groups: dict[tuple[str, str, str | None], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.host, finding.element, finding.service), []).append(finding)
    return groups


def report_json(findings: Sequence[Finding]) -> str:
    return json.dumps(
        {"summary": summary(findings), "findings": [finding.as_dict() for finding in findings]},
        indent=2,
        ensure_ascii=False,
    )
