"""Fixtures that build real MkDocs sites with the plugin, in-process."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

HOSTILE = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)>'

BASE_PLUGIN = {
    "categories": {
        "analytics": {"title": "Analytics", "description": "Counts visits."},
        "marketing": {"title": "Marketing", "description": "Measures campaigns."},
    },
    "services": [
        {
            "name": "Example Analytics",
            "provider": "Example Ltd",
            "category": "analytics",
            "purpose": "Counts page views",
            "privacy_policy_url": "https://analytics.example.com/privacy",
            "hosts": ["analytics.example.com"],
            "cookies": [{"name": "_ea*", "purpose": "Tells visits apart", "duration": "13 months"}],
        }
    ],
    "privacy_notice": {
        "controller": {
            "name": "Example GmbH",
            "address": "Street 1, Berlin",
            "email": "privacy@example.com",
        },
        "activities": [
            {
                "name": "Server logs",
                "purposes": ["Security"],
                "data_categories": ["IP address"],
                "legal_ground": "legitimate_interests",
                "legitimate_interest": "Keeping the site secure",
                "retention": "7 days",
            }
        ],
        "transfers": [
            {
                "recipient": "Example Inc",
                "country": "United States",
                "safeguard": "Standard contractual clauses",
            }
        ],
        "authority": {"name": "Berlin DPA", "url": "https://www.datenschutz-berlin.de/"},
        "consent_log": {"retention_days": 365},
        "last_modified": "2026-11-01",
    },
}
THEMES = {
    "mkdocs": {"name": "mkdocs", "highlightjs": False},
    "readthedocs": {"name": "readthedocs", "highlightjs": False},
    "material": {"name": "material", "font": False},
}
PAGES = {
    "index.md": "# Home\n\nWelcome.\n",
    "guide/setup.md": '# Setup\n\n<script type="text/plain" data-consent-category="analytics">window.ran = 1;</script>\n',
}


class Site:
    """A built site: its folder and helpers to read what the build produced."""

    def __init__(self, root: Path, site_dir: Path) -> None:
        self.root, self.dir = root, site_dir

    def html_pages(self) -> list[Path]:
        return sorted(self.dir.rglob("*.html"))

    def read(self, relative: str) -> str:
        return (self.dir / relative).read_text(encoding="utf-8")

    def manifest(self) -> dict:
        return json.loads(self.read("consent/manifest.json"))

    def banner_config(self, relative: str) -> dict:
        match = re.search(
            r'<script type="application/json" id="consent-config">(.*?)</script>',
            self.read(relative),
        )
        return json.loads(match.group(1))


@pytest.fixture
def build_site(tmp_path: Path) -> Callable[..., Site]:
    counter = iter(range(1000))

    def make(
        plugin: dict | None = None,
        theme: str | dict = "mkdocs",
        pages: dict[str, str] | None = None,
        strict: bool = True,
        **site: object,
    ) -> Site:
        root = tmp_path / f"site{next(counter)}"
        docs = root / "docs"
        for relative, content in (pages if pages is not None else PAGES).items():
            (docs / relative).parent.mkdir(parents=True, exist_ok=True)
            (docs / relative).write_text(content, encoding="utf-8")
        config = {
            "site_name": "Example docs",
            "site_url": "https://docs.example.com/",
            "theme": THEMES.get(theme, {"name": theme}) if isinstance(theme, str) else theme,
            "plugins": ["search", {"consent": BASE_PLUGIN if plugin is None else plugin}],
            **site,
        }
        (root / "mkdocs.yml").write_text(
            yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
        )
        site_dir = root / "out"
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=strict))
        return Site(root, site_dir)

    return make


class FakeConsentServer:
    """What the banner sent to `/api/v1/consent`, and what it is answered (201, or an error)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 201

    def answer(self, method: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        self.requests.append(
            {"method": method, "headers": headers, "body": json.loads(body) if body else None}
        )
        if self.status != 201:
            return self.status, {"error": "unavailable", "message": "down for the test"}
        if method == "DELETE":
            return 200, {"withdrawn": True}
        number = len(self.requests)
        return 201, {
            "consent_id": "cid-1",
            "token": f"token-{number}",
            "choices": self.requests[-1]["body"]["choices"],
            "policy_version": self.requests[-1]["body"]["policy_version"],
            "created_at": "2026-01-01T00:00:00Z",
            "expires_at": "2026-07-01T00:00:00Z",
            "gpc": False,
        }


@pytest.fixture
def serve() -> Iterator[Callable[[Path], tuple[str, FakeConsentServer]]]:
    """Serve a built site on 127.0.0.1 (random port), with a fake consent API on the same origin."""
    servers: list[ThreadingHTTPServer] = []

    def start(site_dir: Path) -> tuple[str, FakeConsentServer]:
        api = FakeConsentServer()

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(site_dir), **kwargs)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test output is for assertions."""

            def _api(self) -> None:
                if self.path != "/api/v1/consent":
                    self.send_error(404)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                status, body = api.answer(self.command, dict(self.headers), self.rfile.read(length))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_DELETE = _api

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", api

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
