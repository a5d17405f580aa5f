"""Runs the privacy audit over the built site and tells the site owner what it found.

Pages are audited as they are built (the plugin hands over what each page fetches); after the
build, the HTML files no template rendered and every CSS file are read from the site. The findings
go to `consent/audit.json`; the build log gets one line per host (loads before consent, gated, or
self-hosted, with its service) and what to do about it; `audit: strict` turns any load before
consent into a build failure whose message itself names the hosts and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from . import audit
from .references import Reference

log = get_plugin_logger(__name__)
AUDIT_PATH = "consent/audit.json"
THEME_FIXES = {
    ("mkdocs", "cdnjs.cloudflare.com"): "theme.highlightjs: false",
    ("readthedocs", "cdnjs.cloudflare.com"): "theme.highlightjs: false",
    ("material", "fonts.googleapis.com"): "theme.font: false",
    ("material", "fonts.gstatic.com"): "theme.font: false",
}
SCRIPT_HOSTS = {"github.com": "api.github.com"}
"""Hosts Material's JavaScript asks for the repository's facts (stars, forks) of `repo_url`."""


def script_requests(theme: str, repo_url: str | None) -> list[Reference]:
    """Requests a theme's JavaScript makes on every page, which no markup shows."""
    host = audit.host_of(repo_url or "")
    if theme != "material" or host is None:
        return []
    api = SCRIPT_HOSTS.get(host, host if "gitlab" in host else None)
    if api is None:
        return []
    return [Reference("theme script (repo_url facts)", f"https://{api}/", False, "script")]


class SiteAudit:
    """Collects each page's findings during the build and reports once the site is written."""

    def __init__(
        self,
        manifest: dict[str, Any],
        own_urls: Iterable[str | None],
        mode: str,
        theme: str = "",
        per_page: Iterable[Reference] = (),
    ) -> None:
        self.services = [
            audit.Service(service["name"], service["category"], tuple(service["hosts"]))
            for service in manifest["services"]
        ]
        self.own = {host for url in own_urls if url and (host := audit.host_of(url))}
        self.mode, self.theme = mode, theme
        self.per_page = list(per_page)
        self.findings: list[audit.Finding] = []
        self.seen: set[str] = set()

    def page(self, path: str, references: Iterable[Reference]) -> None:
        """Audit one built page (`path` relative to the site directory)."""
        if self.mode == "off":
            return
        self.seen.add(path)
        everything = [*references, *self.per_page]
        self.findings.extend(audit.findings_of(path, everything, self.services, self.own))

    def finish(
        self,
        site_dir: Path,
        self_hosted: dict[str, int] | None = None,
        notice_check: dict[str, Any] | None = None,
    ) -> None:
        """Read what the build did not render, write the report (with the privacy notice's
        Art. 13 table, so an auditor finds both in one file), log it, and fail if strict."""
        for relative in audit.site_files(site_dir):
            if relative in self.seen:
                continue
            references = audit.scan_file(site_dir / relative)
            if relative.endswith(".html"):
                references += self.per_page
            self.findings.extend(audit.findings_of(relative, references, self.services, self.own))
        report_text = audit.report_json(self.findings, notice_check)
        (site_dir / AUDIT_PATH).write_text(report_text, encoding="utf-8")
        report(self.findings, strict=self.mode == "strict", theme=self.theme,
               self_hosted=self_hosted or {})  # fmt: skip


def fix_for(host: str, theme: str, declared: bool = False, by_script: bool = False) -> str:
    """How to stop a host from loading before consent."""
    if by_script:
        return (
            "the theme's JavaScript requests it (Material's repository facts): remove `repo_url`, "
            "or override Material's `partials/source.html`"
        )
    if declared:
        return (
            'gate it: mark its tags type="text/plain" data-consent-category=..., or keep '
            "`fixups.gate_scripts` and `fixups.embeds` on"
        )
    theme_fix = THEME_FIXES.get((theme, host))
    options = [
        "set `self_host: true` in the consent plugin to serve it from the site",
        f"declare a service with `hosts: [{host}]` so it is gated until consent",
    ]
    if theme_fix:
        options.insert(0, f"set `{theme_fix}`")
    return "; or ".join(options)


def report(
    findings: list[audit.Finding],
    *,
    strict: bool,
    theme: str = "",
    self_hosted: dict[str, int] | None = None,
) -> None:
    """One log line per host, then a summary; raises PluginError under `audit: strict`."""
    by_host: dict[str, list[audit.Finding]] = {}
    for finding in findings:
        by_host.setdefault(finding.host, []).append(finding)
    pages = {finding.page for finding in findings if finding.page.endswith(".html")}
    leaking: list[tuple[str, int, str]] = []
    for host, group in sorted(by_host.items(), key=lambda item: -len(item[1])):
        before = [finding for finding in group if finding.loads_before_consent]
        service = next((f.service for f in group if f.service), None)
        owner = f"service {service!r}" if service else "no declared service"
        if before:
            on_pages = len({finding.page for finding in before})
            elements = ", ".join(sorted({finding.element for finding in before}))
            fix = fix_for(host, theme, bool(service), all(f.when == "script" for f in before))
            leaking.append((host, on_pages, fix))
            log.warning(
                "privacy audit: %s loads before consent on %d page(s) (%s; %s; e.g. %s). Fix: %s.",
                host, on_pages, owner, elements, before[0].page, fix,
            )  # fmt: skip
        else:
            kinds = sorted({finding.when for finding in group})
            state = (
                "gated until consent"
                if any(f.gated for f in group)
                else f"only on {'/'.join(kinds)}"
            )
            on_pages = len({finding.page for finding in group})
            log.info("privacy audit: %s %s on %d page(s) (%s)", host, state, on_pages, owner)
    for host, files in sorted((self_hosted or {}).items()):
        log.info("privacy audit: %s self-hosted: %d file(s) served from the site", host, files)
    log.info(
        "privacy audit: %d third-party host(s) on %d page(s), %d load before consent; details in %s",
        len(by_host), len(pages), len(leaking), AUDIT_PATH,
    )  # fmt: skip
    if leaking and strict:
        top = ", ".join(f"{host} ({count} page(s))" for host, count, _ in leaking[:5])
        more = f" and {len(leaking) - 5} more" if len(leaking) > 5 else ""
        raise PluginError(
            f"privacy audit (audit: strict): {len(leaking)} third-party host(s) load before "
            f"consent: {top}{more}. Fix for {leaking[0][0]}: {leaking[0][2]}; see {AUDIT_PATH}, "
            "or set `audit: warn`."
        )
