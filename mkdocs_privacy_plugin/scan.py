"""The real-browser scan: what Chromium tries to load from a built site, before and after a choice.

The site is served on 127.0.0.1 (with a stand-in consent API, so the banner's choice takes
effect), and Chromium visits each page with a fresh profile through a proxy that refuses every
connection, so nothing leaves the machine. Every request a page makes to another host is
recorded, with what started it (the HTML parser, a style sheet, or a script) and then refused.
Per page: before any choice, after "Reject all" (and a reload), after "Accept all" (and a
reload), with the cookies and storage keys the page holds. Browsers do not route preconnects
through a proxy, so `link rel=preconnect` shows in the static audit only.
"""

from __future__ import annotations

import functools
import json
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .audit import BEFORE_CONSENT, owner_of

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")
PHASES = ("before", "after_reject", "after_accept")
SETTLE_MS = 400


@dataclass
class Request:
    url: str
    host: str
    resource: str
    by_script: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "host": self.host,
            "type": self.resource,
            "by_script": self.by_script,
        }


@dataclass
class Phase:
    requests: list[Request] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)
    storage: list[str] = field(default_factory=list)

    @property
    def hosts(self) -> set[str]:
        return {request.host for request in self.requests}

    def as_dict(self) -> dict[str, object]:
        return {
            "hosts": sorted(self.hosts),
            "requests": [request.as_dict() for request in self.requests],
            "cookies": self.cookies,
            "storage": self.storage,
        }


@dataclass
class PageScan:
    page: str
    phases: dict[str, Phase]
    banner: bool


class _SiteHandler(SimpleHTTPRequestHandler):
    """The built site, plus a stand-in consent API that accepts every decision."""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the scan prints its own report."""

    def _decision(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        answer = json.dumps({
            "consent_id": "scan", "token": "scan", "choices": body.get("choices", {}),
            "policy_version": body.get("policy_version", ""), "gpc": False,
            "created_at": "2026-01-01T00:00:00Z", "expires_at": "2027-01-01T00:00:00Z",
        }).encode()  # fmt: skip
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = do_DELETE = _decision


def _refuse_all(listener: socket.socket) -> None:
    """A proxy that answers every request and tunnel with 403: nothing leaves the machine."""
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            try:
                connection.settimeout(2)
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass


@contextmanager
def serving(site_dir: Path) -> Iterator[tuple[str, str]]:
    """(site origin, proxy address), both on 127.0.0.1, for as long as the block runs."""
    handler = functools.partial(_SiteHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    listener = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=_refuse_all, args=(listener,), daemon=True).start()
    try:
        yield (f"http://127.0.0.1:{server.server_address[1]}",
               f"http://127.0.0.1:{listener.getsockname()[1]}")  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
        listener.close()


class _Recorder:
    """Records (and refuses) every request of a browser context to a host other than loopback."""

    def __init__(self, context: BrowserContext) -> None:
        self.phase = Phase()
        self.by_script: set[str] = set()
        context.route("**/*", self._route)

    def watch(self, context: BrowserContext, page: Page) -> None:
        """Learn from Chromium's network events which requests a script started."""
        session = context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._initiator)
        session.send("Network.enable")

    def _initiator(self, event: dict) -> None:
        if event.get("initiator", {}).get("type") == "script":
            self.by_script.add(event["request"]["url"])

    def _route(self, route, request) -> None:
        host = urlsplit(request.url).hostname or ""
        if host in LOOPBACK or request.url.startswith(("data:", "blob:", "about:")):
            route.continue_()
            return
        by_script = request.url in self.by_script or request.resource_type in ("fetch", "xhr")
        self.phase.requests.append(Request(request.url, host, request.resource_type, by_script))
        route.abort("blockedbyclient")


def _settle(page: Page) -> None:
    with suppress(PlaywrightTimeout):  # a page that keeps polling is scanned all the same
        page.wait_for_load_state("networkidle", timeout=5000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(SETTLE_MS)


def _snapshot(context: BrowserContext, page: Page, recorder: _Recorder) -> Phase:
    phase = recorder.phase
    for request in phase.requests:
        request.by_script = request.by_script or request.url in recorder.by_script
    phase.cookies = sorted(f"{c['name']} ({c['domain']})" for c in context.cookies())
    phase.storage = page.evaluate(
        "() => [...Object.keys(localStorage).map(k => 'localStorage:' + k),"
        " ...Object.keys(sessionStorage).map(k => 'sessionStorage:' + k)].sort()"
    )
    return phase


def _visit(browser, url: str, choice: str | None) -> tuple[Phase, Phase | None, bool]:
    """(before the choice, after choosing and reloading, whether a banner was there)."""
    context = browser.new_context()
    recorder = _Recorder(context)
    page = context.new_page()
    recorder.watch(context, page)
    try:
        page.goto(url, wait_until="load")
        _settle(page)
        before = _snapshot(context, page, recorder)
        if choice is None:
            return before, None, True
        button = page.locator(f"[data-consent-action={choice}]").first
        if button.count() == 0:
            return before, None, False
        recorder.phase = Phase()
        button.click()
        _settle(page)
        page.reload(wait_until="load")
        _settle(page)
        return before, _snapshot(context, page, recorder), True
    finally:
        context.close()


def scan_site(
    site_dir: Path, pages: Sequence[str], chromium: str, phases: Sequence[str] = PHASES
) -> list[PageScan]:
    """Visit each page (paths relative to `site_dir`) in Chromium and record what it tried."""
    results = []
    with serving(site_dir) as (origin, proxy), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=[*CHROMIUM_ARGS, f"--proxy-server={proxy}"]
        )
        try:
            for page in pages:
                url = f"{origin}/{page}"
                found: dict[str, Phase] = {}
                reject = "reject-all" if "after_reject" in phases else None
                found["before"], rejected, banner = _visit(browser, url, reject)
                if rejected is not None:
                    found["after_reject"] = rejected
                if "after_accept" in phases and banner:
                    _, accepted, _ = _visit(browser, url, "accept-all")
                    if accepted is not None:
                        found["after_accept"] = accepted
                results.append(PageScan(page, found, banner))
        finally:
            browser.close()
    return results


def site_pages(site_dir: Path, sample: int | None = None) -> list[str]:
    """The site's HTML pages; with `sample`, that many spread evenly, the home page first."""
    pages = sorted(
        path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*.html") if path.is_file()
    )
    pages.sort(key=lambda page: page != "index.html")
    if sample is None or sample >= len(pages):
        return pages
    step = len(pages) / sample
    return [pages[int(index * step)] for index in range(sample)]


@dataclass(frozen=True)
class Verdict:
    """One host a page reached out to, judged against the declared services."""

    page: str
    phase: str
    host: str
    service: str | None
    essential: bool
    by_script: bool


def judge(scans: Sequence[PageScan], manifest: dict, own_hosts: set[str]) -> list[Verdict]:
    """Every (page, phase, host), with its service and whether its category is required;
    `own_hosts` (the consent server's) are essential."""
    required = {c["id"] for c in manifest.get("categories", []) if c.get("required")}
    services = [_ManifestService(s["name"], s["category"], tuple(s["hosts"]))
                for s in manifest.get("services", [])]  # fmt: skip
    verdicts = []
    for scan in scans:
        for phase_name, phase in scan.phases.items():
            for host in sorted(phase.hosts):
                owner = owner_of(host, services)
                by_script = all(r.by_script for r in phase.requests if r.host == host)
                essential = host in own_hosts or (owner is not None and owner.category in required)
                verdicts.append(Verdict(scan.page, phase_name, host, owner.name if owner else None,
                                        essential, by_script))  # fmt: skip
    return verdicts


@dataclass(frozen=True)
class _ManifestService:
    name: str
    category: str
    hosts: tuple[str, ...]


def violations(verdicts: Sequence[Verdict]) -> list[Verdict]:
    """Non-essential hosts reached before any choice or after "Reject all"."""
    return [v for v in verdicts if not v.essential and v.phase in ("before", "after_reject")]


def static_before(audit_report: dict) -> dict[str, set[str]]:
    """Per page, the hosts the static audit says are requested before consent."""
    pages: dict[str, set[str]] = {}
    for finding in audit_report.get("findings", []):
        when = finding.get("when", "load")
        if not finding["gated"] and when in BEFORE_CONSENT and when != "connect":
            pages.setdefault(finding["page"], set()).add(finding["host"])
    return pages
