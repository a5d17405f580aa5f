"""`mkdocs-consent scan SITE_DIR`: the real-browser scan of a built site, from the command line.

Prints, per page, the hosts Chromium tried before any choice, after "Reject all" and after
"Accept all" (with their declared service, and "by script" where JavaScript asked), the cookies
and storage keys, and where the static audit (`consent/audit.json`) and the browser disagree.
`--strict` exits 1 when a non-essential host is reached before consent or after rejection.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import click

from .audit import host_of

try:
    from . import scan
except ImportError:  # the `scan` extra (Playwright) is not installed
    scan = None  # type: ignore[assignment]

CONFIG = re.compile(r'<script type="application/json" id="consent-config">(.*?)</script>', re.S)
PHASES = ("before", "after_reject", "after_accept")
LABELS = {"before": "before any choice", "after_reject": "after Reject all",
          "after_accept": "after Accept all"}  # fmt: skip


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _own_hosts(site_dir: Path, pages: list[str]) -> set[str]:
    """The consent server's host, from the banner's configuration in the first page."""
    match = CONFIG.search((site_dir / pages[0]).read_text(encoding="utf-8", errors="replace"))
    endpoint = json.loads(match.group(1)).get("endpoint", "") if match else ""
    host = host_of(endpoint)
    return {host} if host else set()


@click.group()
def main() -> None:
    """Tools for sites built with the mkdocs-consent plugin."""


@main.command("scan")
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--pages",
    "sample",
    type=click.IntRange(min=1),
    help="Visit only this many pages, spread over the site.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when anything non-essential is reached before consent or after rejection.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the full report here.",
)
@click.option(
    "--phases",
    default="before,after_reject,after_accept",
    show_default=True,
    help="Which phases to record: before, after_reject, after_accept (before always).",
)
@click.option(
    "--chromium",
    default=lambda: shutil.which("chromium") or "/usr/bin/chromium",
    help="The Chromium to drive.",
)
def scan_command(
    site_dir: Path,
    sample: int | None,
    strict: bool,
    json_path: Path | None,
    phases: str,
    chromium: str,
) -> None:
    """Visit every page of SITE_DIR (a built site) in Chromium and report what it loads."""
    if scan is None:
        raise click.ClickException(
            "the browser scan needs Playwright: pip install 'mkdocs-consent[scan]'"
        )
    if not Path(chromium).exists():
        raise click.ClickException(
            f"no Chromium at {chromium} (apt-get install chromium, or --chromium PATH)"
        )
    pages = scan.site_pages(site_dir, sample)
    if not pages:
        raise click.ClickException(f"{site_dir} holds no HTML pages: build the site first")
    manifest = _read_json(site_dir / "consent" / "manifest.json")
    audit_report = _read_json(site_dir / "consent" / "audit.json")
    chosen = [phase.strip() for phase in phases.split(",") if phase.strip()]
    if "before" not in chosen or not set(chosen) <= set(PHASES):
        raise click.BadParameter(
            f"a list of {', '.join(PHASES)}, with before", param_hint="--phases"
        )
    results = scan.scan_site(site_dir, pages, chromium, chosen)
    verdicts = scan.judge(results, manifest, _own_hosts(site_dir, pages))
    failed = scan.violations(verdicts)
    static = scan.static_before(audit_report)
    report = []
    for result in results:
        _print_page(result, verdicts, static.get(result.page, set()) if audit_report else None)
        report.append(_page_report(result, verdicts, static.get(result.page, set())))
    summary = {"pages": len(results), "violations": len(failed),
               "hosts": sorted({v.host for v in failed})}  # fmt: skip
    if json_path is not None:
        json_path.write_text(
            json.dumps({"summary": summary, "pages": report}, indent=2), encoding="utf-8"
        )
    hosts = ", ".join(summary["hosts"]) or "none"
    click.echo(
        f"{len(results)} page(s) scanned; non-essential hosts reached before consent or after rejection: {hosts}"
    )
    if failed and strict:
        sys.exit(1)


def _describe(verdict: scan.Verdict) -> str:
    owner = f"service {verdict.service!r}" if verdict.service else "undeclared"
    essential = ", essential" if verdict.essential else ""
    return f"{verdict.host} ({owner}{essential}{', by script' if verdict.by_script else ''})"


def _print_page(result: scan.PageScan, verdicts: list, static: set[str] | None) -> None:
    click.echo(f"{result.page}:" + ("" if result.banner else " (no consent banner on this page)"))
    for phase_name, phase in result.phases.items():
        hosts = [_describe(v) for v in verdicts if v.page == result.page and v.phase == phase_name]
        click.echo(f"  {LABELS[phase_name]}: {', '.join(hosts) or 'no third-party request'}")
        click.echo(
            f"    cookies: {', '.join(phase.cookies) or 'none'}; storage: {', '.join(phase.storage) or 'none'}"
        )
    if static is not None:
        seen = result.phases["before"].hosts
        if seen == static:
            click.echo("  static audit: agrees")
        else:
            click.echo(
                f"  static audit: browser only {sorted(seen - static) or '-'}, audit only {sorted(static - seen) or '-'}"
            )


def _page_report(result: scan.PageScan, verdicts: list, static: set[str]) -> dict:
    seen = result.phases["before"].hosts
    return {
        "page": result.page,
        "banner": result.banner,
        "phases": {name: phase.as_dict() for name, phase in result.phases.items()},
        "verdicts": [v.__dict__ for v in verdicts if v.page == result.page],
        "static_audit": {"before": sorted(static), "browser_only": sorted(seen - static),
                         "audit_only": sorted(static - seen)},
    }  # fmt: skip


if __name__ == "__main__":
    main()
