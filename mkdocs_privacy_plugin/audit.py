"""Build-time privacy audit: what in the built site would load from another host before consent.

references.py reads each page (with the HTML tokenizer of markup.py) and each CSS file for what a
browser fetches on its own; this module turns those references into findings: the host, the
declared service that owns it (if any), whether the element is gated until consent
(`type="text/plain" data-consent-category=…`, or `data-src`), and the counts for the report.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from .references import Reference, css_references, page_references

FONT_FILE = re.compile(r"\.(woff2?|ttf|otf|eot)([?#]|$)", re.IGNORECASE)

LOCAL_SCHEMES = ("data:", "blob:", "about:", "javascript:", "mailto:", "tel:", "#")
BEFORE_CONSENT = {"load", "connect", "script"}


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
    when: str = "load"

    @property
    def status(self) -> str:
        if self.gated:
            return "gated" if self.service else "gated-undeclared"
        return "ungated" if self.service else "undeclared"

    @property
    def loads_before_consent(self) -> bool:
        """Reaches the host before any choice: a request, a preconnect or a script's fetch."""
        return not self.gated and self.when in BEFORE_CONSENT

    def as_dict(self) -> dict[str, object]:
        return {
            "page": self.page,
            "element": self.element,
            "url": self.url,
            "host": self.host,
            "service": self.service,
            "category": self.category,
            "gated": self.gated,
            "when": self.when,
            "status": self.status,
        }


@lru_cache(maxsize=4096)
def host_of(url: str) -> str | None:
    """The host a URL would be fetched from, or None for relative, data: and similar URLs."""
    url = url.strip().replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
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


def scan_css(text: str) -> list[Reference]:
    return [
        Reference("font" if FONT_FILE.search(url) else f"css {kind}", url, False)
        for kind, url in css_references(text)
    ]


def scan_file(path: Path) -> list[Reference]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return page_references(text) if path.suffix == ".html" else scan_css(text)


def audit_site(
    site_dir: Path, services: Sequence[Service], own_hosts: Iterable[str] = ()
) -> list[Finding]:
    """Every third-party reference in the built site's HTML and CSS files."""
    own = {host.lower() for host in own_hosts}
    findings: list[Finding] = []
    for page in site_files(site_dir):
        findings.extend(findings_of(page, scan_file(site_dir / page), services, own))
    return findings


def site_files(site_dir: Path) -> list[str]:
    """The HTML and CSS files of a built site, as sorted paths relative to it.

    A site has a folder per page: one scandir per folder, without os.walk's bookkeeping, lists
    a 1,000-page site in under half the time. Links to folders are not followed, as in os.walk.
    """
    return sorted(_files_under(os.fspath(site_dir), ""))


def _files_under(folder: str, prefix: str) -> list[str]:
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink():
                    found += _files_under(entry.path, prefix + entry.name + "/")
            elif entry.name.endswith((".html", ".css")):
                found.append(prefix + entry.name)
    return found


def findings_of(
    page: str, references: Iterable[Reference], services: Sequence[Service], own: set[str]
) -> Iterator[Finding]:
    for reference in references:
        host = host_of(reference.url)
        if host is None or host in own:
            continue
        owner = owner_of(host, services)
        yield Finding(
            page, reference.element, reference.url, host, owner.name if owner else None,
            owner.category if owner else None, reference.gated, reference.when,
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


def report_json(findings: Sequence[Finding], notice_check: dict[str, Any] | None = None) -> str:
    """The report as JSON, one finding a line (compact enough for JSON's C encoder)."""
    lines = [json.dumps(finding.as_dict(), ensure_ascii=False) for finding in findings]
    summary_json = json.dumps(summary(findings), ensure_ascii=False)
    notice = ""
    if notice_check is not None:
        notice = '"privacy_notice": ' + json.dumps(notice_check, ensure_ascii=False) + ",\n"
    return (
        '{"summary": ' + summary_json + ",\n" + notice
        + '"findings": [\n' + ",\n".join(lines) + "\n]}\n"
    )  # fmt: skip
