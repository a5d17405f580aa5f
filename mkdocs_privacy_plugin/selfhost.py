"""Serves third-party assets from the site itself (`self_host: true`), for any theme.

Style sheets, scripts, fonts and images from hosts that no declared service owns are downloaded
once into a cache next to mkdocs.yml, written under `assets/external/` in the built site, and the
page's URLs are rewritten to them. Style sheets are read for their own `url()` and `@import`
(the font files of Google Fonts' CSS, for instance), which are fetched and rewritten in turn.
Subresource Integrity is checked against the download and kept, or recomputed where the plugin
changed the file (a rewritten style sheet). Resource hints (`preconnect`, `dns-prefetch`) to such
hosts are dropped: they would still open a connection to the third party.

A build without network uses the cache; an asset missing from it fails the build, naming the URL.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mkdocs.exceptions import PluginError

from .audit import HasHosts, host_of, owner_of
from .fixups import Edit, render_tag
from .references import CSS_COMMENT, CSS_REFERENCE, Reference

SITE_FOLDER = "assets/external"
HOSTED = {"link[rel=stylesheet]", "link[rel=preload]", "link[rel=modulepreload]",
          "link[rel=icon]", "link[rel=apple-touch-icon]", "link[rel=mask-icon]", "script[src]",
          "img[src]", "img[srcset]", "source[src]", "source[srcset]", "video[poster]",
          "input[src]", "link[imagesrcset]", "svg image[href]", "style attribute url()",
          "style element url()", "style element @import"}  # fmt: skip
HINTS = {"link[rel=preconnect]", "link[rel=dns-prefetch]"}
# Google Fonts answers with the font formats the asking browser supports: ask as a current one.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Download:
    url: str
    body: bytes
    content_type: str


class Cache:
    """Downloads kept between builds: one body and one JSON description per URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()
        return self.folder / f"{key}.body", self.folder / f"{key}.json"

    def get(self, url: str) -> Download | None:
        body, meta = self._paths(url)
        if not body.exists() or not meta.exists():
            return None
        info = json.loads(meta.read_text(encoding="utf-8"))
        return Download(url, body.read_bytes(), info.get("content_type", ""))

    def store(self, url: str, body: bytes, content_type: str) -> Download:
        self.folder.mkdir(parents=True, exist_ok=True)
        body_path, meta = self._paths(url)
        body_path.write_bytes(body)
        meta.write_text(json.dumps({"url": url, "content_type": content_type}), encoding="utf-8")
        return Download(url, body, content_type)


def fetch(url: str, cache: Cache) -> Download:
    """The asset at `url`: from the cache, or downloaded once and cached."""
    cached = cache.get(url)
    if cached is not None:
        return cached
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            body, content_type = answer.read(), answer.headers.get("Content-Type", "")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PluginError(
            f"consent plugin: option 'self_host': cannot download {url} ({error}) and it is not "
            f"in the cache ({cache.folder}). Build once with network access, or declare a "
            "service for its host, or set `self_host: false`."
        ) from error
    return cache.store(url, body, content_type)


def integrity_of(body: bytes, algorithm: str = "sha384") -> str:
    digest = hashlib.new(algorithm, body).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def matches_integrity(body: bytes, integrity: str) -> bool:
    """Whether `body` matches any of the hashes in an `integrity` attribute."""
    for token in integrity.split():
        algorithm, _, _ = token.partition("-")
        if algorithm in ("sha256", "sha384", "sha512") and integrity_of(body, algorithm) == token:
            return True
    return False


class SelfHoster:
    """Rewrites pages to local copies; `files` holds what to write into the site."""

    def __init__(self, cache_dir: Path, services: Sequence[HasHosts], own_hosts: set[str]):
        self.cache = Cache(cache_dir)
        self.services, self.own = services, own_hosts
        self.files: dict[str, bytes] = {}  # site path -> content
        self.local: dict[str, str] = {}  # absolute URL -> site path
        self.hosts: dict[str, int] = {}  # host -> files written

    def _undeclared(self, url: str) -> bool:
        host = host_of(url)
        return host is not None and host not in self.own and owner_of(host, self.services) is None

    def localize(self, url: str) -> str:
        """The site path of `url`'s local copy, downloading it (and what a style sheet needs)."""
        absolute = "https:" + url if url.startswith("//") else url
        if absolute in self.local:
            return self.local[absolute]
        download = fetch(absolute, self.cache)
        parts = urlsplit(absolute)
        name = posixpath.basename(parts.path) or "index"
        name = re.sub(r"[^A-Za-z0-9._-]", "_", name)[-60:]
        is_css = "css" in download.content_type or name.endswith(".css")
        if is_css and not name.endswith(".css"):
            name += ".css"
        key = hashlib.sha256(absolute.encode()).hexdigest()[:16]
        path = f"{SITE_FOLDER}/{parts.hostname}/{key}-{name}"
        self.local[absolute] = path
        body = download.body
        if is_css:
            body = self._css(body.decode("utf-8", "replace"), absolute, path).encode("utf-8")
        self.files[path] = body
        self.hosts[parts.hostname or ""] = self.hosts.get(parts.hostname or "", 0) + 1
        return path

    def _css(self, text: str, base_url: str, css_path: str) -> str:
        """A downloaded style sheet with its own references made local too."""

        def local(url: str) -> str:
            target = urljoin(base_url, url)
            if not self._undeclared(target):
                return url
            return posixpath.relpath(self.localize(target), posixpath.dirname(css_path))

        return rewrite_css(text, local)

    def rewrite_css_file(self, text: str, css_path: str) -> str:
        """A site's own style sheet, with third-party references made local."""

        def local(url: str) -> str:
            if not self._undeclared(url):
                return url
            return posixpath.relpath(self.localize(url), posixpath.dirname(css_path))

        return rewrite_css(text, local)

    def page_edits(self, page: str, references: Sequence[Reference], root: str) -> list[Edit]:
        """Edits that point a page's third-party assets at their local copies."""
        by_tag: dict[int, list[Reference]] = {}
        for reference in references:
            if reference.tag is None or reference.gated or not self._undeclared(reference.url):
                continue
            if reference.element in HOSTED or reference.element in HINTS:
                by_tag.setdefault(reference.tag.start, []).append(reference)
        edits: list[Edit] = []
        for group in by_tag.values():
            tag = group[0].tag
            if tag is None:
                continue
            if group[0].element in HINTS:
                edits.append((tag.start, tag.end, ""))
            elif group[0].region is not None:
                region = group[0].region
                body = page[region.body_start : region.body_end]
                edits.append((region.body_start, region.body_end, self._inline_css(body, root)))
            else:
                edits.append((tag.start, tag.end, self._tag(group, root)))
        return edits

    def _inline_css(self, body: str, root: str) -> str:
        return rewrite_css(
            body, lambda url: root + self.localize(url) if self._undeclared(url) else url
        )

    def _tag(self, group: list[Reference], root: str) -> str:
        tag = group[0].tag
        assert tag is not None
        attrs = dict(tag.attrs)
        for reference in group:
            if reference.attr == "style":
                attrs["style"] = self._inline_css(attrs["style"], root)
            elif reference.attr in ("srcset", "imagesrcset"):
                attrs[reference.attr] = attrs[reference.attr].replace(
                    reference.url, root + self.localize(reference.url)
                )
            elif reference.attr:
                attrs[reference.attr] = root + self.localize(reference.url)
        integrity = tag.attrs.get("integrity")
        if integrity:
            for reference in group:
                self._check_integrity(reference, integrity, attrs)
        return render_tag(tag.name, attrs.items())

    def _check_integrity(self, reference: Reference, integrity: str, attrs: dict) -> None:
        absolute = "https:" + reference.url if reference.url.startswith("//") else reference.url
        original = fetch(absolute, self.cache).body
        if not matches_integrity(original, integrity):
            raise PluginError(
                f"consent plugin: option 'self_host': {reference.url} does not match its "
                f"integrity attribute {integrity!r}; the host served other content than the "
                "page expects. Check the URL or the hash."
            )
        served = self.files[self.local[absolute]]
        if served != original:
            attrs["integrity"] = integrity_of(served)


def rewrite_css(text: str, local) -> str:
    """`text` with each `url()` and `@import` URL replaced by `local(url)`; comments kept."""
    comments = [match.span() for match in CSS_COMMENT.finditer(text)] if "/*" in text else []
    parts, position = [], 0
    for match in CSS_REFERENCE.finditer(text):
        if any(start <= match.start() < end for start, end in comments):
            continue
        group = next(g for g in ("import1", "import2", "url") if match.group(g))
        replacement = local(match.group(group))
        parts += [text[position : match.start(group)], replacement]
        position = match.end(group)
    return "".join(parts) + text[position:]


def finish(hoster: SelfHoster, site_dir: Path) -> None:
    """Make the site's own style sheets local too, then write every local copy into the site."""
    for path in sorted(site_dir.rglob("*.css")):
        relative = path.relative_to(site_dir).as_posix()
        if relative.startswith(SITE_FOLDER + "/"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "//" in text:
            rewritten = hoster.rewrite_css_file(text, relative)
            if rewritten != text:
                path.write_text(rewritten, encoding="utf-8")
    for relative, body in hoster.files.items():
        target = site_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
