"""Runs the privacy audit over the built site and tells the site owner what it found.

The findings go to `consent/audit.json`; the build log gets one warning per leaking host and a
summary; `audit: strict` turns any load before consent into a build failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from . import audit

log = get_plugin_logger(__name__)
AUDIT_PATH = "consent/audit.json"


def audit_build(
    site_dir: Path, manifest: dict[str, Any], own_urls: list[str | None], mode: str
) -> list[audit.Finding]:
    """Audit `site_dir`; `own_urls` (site URL, consent endpoint) are not third parties."""
    services = [
        audit.Service(service["name"], service["category"], tuple(service["hosts"]))
        for service in manifest["services"]
    ]
    own = [host for url in own_urls if url and (host := audit.host_of(url))]
    findings = audit.audit_site(site_dir, services, own)
    (site_dir / AUDIT_PATH).write_text(audit.report_json(findings), encoding="utf-8")
    report(findings, strict=mode == "strict")
    return findings


def report(findings: list[audit.Finding], *, strict: bool) -> None:
    before = [finding for finding in findings if finding.loads_before_consent]
    for (host, element, service), group in audit.grouped(before).items():
        owner = f"declared service {service!r}, not gated" if service else "no declared service"
        log.warning(
            "privacy audit: %s loads from %s before consent (%s) on %d page(s), e.g. %s",
            element, host, owner, len(group), group[0].page,
        )  # fmt: skip
    counts = audit.summary(findings)
    log.info(
        "privacy audit: %d third-party references in %d files, %d load before consent; "
        "details in %s",
        len(findings), len({f.page for f in findings}), len(before), AUDIT_PATH,
    )  # fmt: skip
    if before and strict:
        raise PluginError(
            f"privacy audit (audit: strict): {len(before)} third-party resources load before "
            f"consent, on {len(counts['by_page'])} pages; see the warnings above or {AUDIT_PATH}. "
            "Declare their services and gate them, or set audit: warn."
        )
