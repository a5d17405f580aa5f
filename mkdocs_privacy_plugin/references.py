"""Which URLs of a built page a browser fetches by itself, read with markup.py's tokenizer.

Each `Reference` names the element and attribute (`img[srcset]`, `style element url()`, ...),
the URL as written, whether the element is held until consent, when the browser fetches it
(`load`: while the page loads; `connect`: a preconnect, which opens a connection but sends no
request; `dns`: a DNS lookup only; `submit`: only when a form is sent) and where the start tag is
in the page, so that fix-ups can rewrite exactly that tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .markup import FOREIGN, PageIndex, Region, StartTag, enclosing_start_tag

EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module",
                           "text/ecmascript", "application/ecmascript"}  # fmt: skip
LINK_RELS = {"stylesheet": "load", "preload": "load", "modulepreload": "load", "prefetch": "load",
             "icon": "load", "apple-touch-icon": "load", "mask-icon": "load", "manifest": "load",
             "preconnect": "connect", "dns-prefetch": "dns"}  # fmt: skip
MEDIA = {"img", "video", "audio", "source", "track", "input", "image"}
FRAMES = {"iframe", "frame", "embed"}
SVG_FETCHING = {"image", "use", "feimage", "script"}
CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
CSS_REFERENCE = re.compile(
    r"""@import\s+(?:url\(\s*(?P<q1>['"]?)(?P<import1>[^'")]+)(?P=q1)\s*\)"""
    r"""|(?P<q2>['"])(?P<import2>[^'"]+)(?P=q2))"""
    r"""|url\(\s*(?P<q3>['"]?)(?P<url>[^'")]+)(?P=q3)\s*\)""",
    re.IGNORECASE,
)
SCRIPT_URL = re.compile(r"""["'`]((?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^"'`\s]*)["'`]""")
DOUBLE_SLASH = re.compile("//")
ELEMENT_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]+)""", re.I)


@dataclass(frozen=True)
class Reference:
    element: str
    url: str
    gated: bool
    when: str = "load"
    tag: StartTag | None = None
    region: Region | None = None
    """The `<script>` or `<style>` element whose text holds the URL."""
    attr: str = ""
    """The attribute of `tag` that holds the URL."""


def css_references(text: str) -> Iterator[tuple[str, str]]:
    """(kind, url) for every `@import` and `url()` in a style sheet, comments left out."""
    for match in CSS_REFERENCE.finditer(CSS_COMMENT.sub("", text) if "/*" in text else text):
        imported = match.group("import1") or match.group("import2")
        yield ("@import", imported) if imported else ("url()", match.group("url"))


def is_executable(tag: StartTag) -> bool:
    return tag.attrs.get("type", "").lower().strip() in EXECUTABLE_SCRIPT_TYPES


def is_held(tag: StartTag) -> bool:
    """Held until consent: the banner runs or loads it once its category is granted."""
    return bool(tag.attrs.get("data-consent-category")) and (
        tag.name != "script" or tag.attrs.get("type", "").lower() == "text/plain"
    )


def tag_references(tag: StartTag, foreign: bool) -> Iterator[Reference]:
    """What one start tag makes the browser fetch."""
    attrs, name = tag.attrs, tag.name
    if foreign:
        if name in SVG_FETCHING:
            url = attrs.get("href") or attrs.get("xlink:href")
            if url and not url.startswith("#"):
                yield Reference(
                    f"svg {name}[href]",
                    url,
                    False,
                    tag=tag,
                    attr="href" if attrs.get("href") else "xlink:href",
                )
    elif name == "link":
        rels = [rel for rel in attrs.get("rel", "").lower().split() if rel in LINK_RELS]
        if rels and attrs.get("href"):
            # a disabled style sheet is fetched only once a script enables it (a dark mode)
            when = (
                "later" if rels[0] == "stylesheet" and "disabled" in attrs else LINK_RELS[rels[0]]
            )
            yield Reference(f"link[rel={rels[0]}]", attrs["href"], False, when, tag, attr="href")
        for candidate in _srcset(attrs.get("imagesrcset", "")):
            yield Reference("link[imagesrcset]", candidate, False, tag=tag, attr="imagesrcset")
    elif name == "script":
        url = attrs.get("src") or attrs.get("data-src")
        if url and (is_executable(tag) or is_held(tag)) and "nomodule" not in attrs:
            yield Reference(
                "script[src]",
                url,
                is_held(tag),
                tag=tag,
                attr="src" if attrs.get("src") else "data-src",
            )
    elif name in FRAMES:
        if attrs.get("src"):
            yield Reference(f"{name}[src]", attrs["src"], False, tag=tag, attr="src")
        if attrs.get("data-src"):
            yield Reference(
                f"{name}[data-src]", attrs["data-src"], is_held(tag), tag=tag, attr="data-src"
            )
    elif name in MEDIA:
        label = "img" if name == "image" else name
        if name != "input" or attrs.get("type", "").lower() == "image":
            for attr in ("src", "poster"):
                if attrs.get(attr):
                    yield Reference(f"{label}[{attr}]", attrs[attr], False, tag=tag, attr=attr)
        for candidate in _srcset(attrs.get("srcset", "")):
            yield Reference(f"{label}[srcset]", candidate, False, tag=tag, attr="srcset")
    elif name == "object" and attrs.get("data"):
        yield Reference("object[data]", attrs["data"], False, tag=tag, attr="data")
    elif name == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
        match = REFRESH_URL.match(attrs.get("content", ""))
        if match and not match.group(1).strip().isdigit():
            yield Reference("meta[http-equiv=refresh]", match.group(1).strip(), False, tag=tag)
    elif name == "base" and attrs.get("href"):
        yield Reference("base[href]", attrs["href"], False, tag=tag)
    elif name in ("form", "button", "input") and (attrs.get("action") or attrs.get("formaction")):
        url = attrs.get("action") or attrs.get("formaction") or ""
        yield Reference(f"{name}[{'action' if name == 'form' else 'formaction'}]", url, False, "submit", tag)  # fmt: skip
    if attrs.get("background") and name in ("body", "table", "td", "th"):
        yield Reference(
            f"{name}[background]", attrs["background"], False, tag=tag, attr="background"
        )
    if "style" in attrs and "//" in attrs["style"]:
        for kind, url in css_references(attrs["style"]):
            yield Reference(f"style attribute {kind}", url, False, tag=tag, attr="style")


def _srcset(value: str) -> Iterator[str]:
    for candidate in value.split(","):
        if candidate.strip():
            yield candidate.strip().split()[0]


def body_references(page: str, region: Region) -> Iterator[Reference]:
    """URLs in an inline script (quoted absolute URLs) or a `<style>` element."""
    body = page[region.body_start : region.body_end]
    tag = region.tag
    if tag is None:
        return
    if region.kind == "script":
        held = is_held(tag)
        if is_executable(tag) or held:
            for match in SCRIPT_URL.finditer(body):
                yield Reference("inline script", match.group(1), held, tag=tag, region=region)
    elif region.kind == "style":
        for kind, url in css_references(body):
            yield Reference(f"style element {kind}", url, False, tag=tag, region=region)


def page_references(page: str, index: PageIndex | None = None) -> list[Reference]:
    """Every reference to an absolute URL that the browser fetches by itself on this page."""
    index = index or PageIndex(page)
    found: list[Reference] = []
    covered = -1
    for match in DOUBLE_SLASH.finditer(page):  # the regex engine's literal search is the fastest
        if match.start() >= covered:
            covered = _read_candidate(page, match.start(), index, found)
    return found


def _read_candidate(page: str, position: int, index: PageIndex, found: list) -> int:
    """Add what the `//` at `position` belongs to; return where the next candidate may start.

    A start tag that fetches nothing (a link, the `<html>` tag) is passed over without asking
    the index: inside a comment, raw text or a script it would fetch nothing either.
    """
    tag = enclosing_start_tag(page, position)
    if tag is not None and ELEMENT_NAME.match(tag.name):
        references = list(tag_references(tag, False))
        if not references and tag.name not in SVG_FETCHING:
            return tag.end
        region = index.region_at(tag.start)
        if region is None:
            found.extend(references)
            return tag.end
        if region.kind in FOREIGN:
            found.extend(tag_references(tag, True))
            return tag.end
    else:
        region = index.region_at(position)
        if region is None or region.kind in FOREIGN:
            return position + 2
    if region.kind in ("script", "style"):
        found.extend(body_references(page, region))
    return region.end
