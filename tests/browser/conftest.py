"""A real site built with the plugin, served with the real consent server, visited in Chromium."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from consent_server import create_app
from tests.server.live import serve

GATED = """
<script type="text/plain" data-consent-category="analytics">
window.analyticsRuns = (window.analyticsRuns || 0) + 1; document.cookie = "_ea_id=42; path=/";
</script>
<script type="text/plain" data-consent-category="marketing">
window.marketingRuns = (window.marketingRuns || 0) + 1;
</script>
<iframe title="Embedded video" data-consent-category="analytics" data-src="/embedded.html"></iframe>
"""
PAGES = {
    "index.md": "# Welcome\n\nThe front page.\n" + GATED + "\n[Second page](second.md)\n",
    "second.md": "# Second\n\nAnother page.\n" + GATED,
    "embedded.html": "<!doctype html><title>Embedded</title><p>Embedded content</p>",
}
PLUGIN = {
    "endpoint": "/api/v1",
    "categories": {
        "analytics": {"title": "Analytics", "description": "Counts visits."},
        "marketing": {"title": "Marketing", "description": "Measures campaigns."},
    },
    "services": [
        {
            "name": "Example Analytics",
            "provider": "Example Ltd",
            "category": "analytics",
            "hosts": ["analytics.example.com"],
            "cookies": [
                {"name": "_ea_id", "purpose": "Tells visits apart", "duration": "13 months"}
            ],
        }
    ],
    "privacy_notice": {
        "controller": {"name": "Example GmbH", "email": "privacy@example.com"},
        "consent_log": {"retention_days": 365},
    },
}
THEMES = {
    "mkdocs": {"name": "mkdocs", "highlightjs": False},
    "material": {"name": "material", "font": False},
    "readthedocs": {"name": "readthedocs", "highlightjs": False},
}


def build_site(
    root: Path, theme: str, plugin: dict | None = None, pages: dict[str, str] | None = None
) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, content in (pages or PAGES).items():
        (docs / name).write_text(content)
    config = {
        "site_name": "Journey docs",
        "theme": THEMES[theme],
        "plugins": ["search", {"consent": plugin or PLUGIN}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "out"), strict=True))
    return root / "out"


@dataclass
class Journey:
    """The served site, its consent log, and a record of every request the browser made."""

    url: str
    app: object
    site_dir: Path
    requests: list[str] = field(default_factory=list)

    @property
    def policy_version(self) -> str:
        return json.loads((self.site_dir / "consent/manifest.json").read_text())["policy_version"]

    def records(self) -> list:
        return list(self.app.extensions["consent"].store.records())

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).netloc not in (own, "") and not url.startswith("data:")
        ]


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory) -> Callable[[str], Path]:
    cache: dict[str, Path] = {}

    def get(theme: str) -> Path:
        if theme not in cache:
            cache[theme] = build_site(tmp_path_factory.mktemp(theme), theme)
        return cache[theme]

    return get


@pytest.fixture
def serve_site(tmp_path) -> Iterator[Callable[[Path], Journey]]:
    servers = []

    def start(site_dir: Path) -> Journey:
        app = create_app(
            {
                "SECRET_KEYS": "j" * 40,
                "DATABASE_URL": f"sqlite:///{tmp_path / f'consent{len(servers)}.sqlite3'}",
                "SITE_DIR": str(site_dir),
                "MANIFEST": str(site_dir / "consent/manifest.json"),
                "COOKIE_SECURE": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        context = serve(app)
        url = context.__enter__()
        servers.append(context)
        return Journey(url, app, site_dir)

    yield start
    for context in servers:
        context.__exit__(None, None, None)


@pytest.fixture
def visit(chromium, built_sites, serve_site) -> Iterator[Callable[..., tuple[Journey, object]]]:
    """Open a fresh browser context on a theme's site; returns (journey, page)."""
    contexts = []

    def open_site(
        theme: str = "mkdocs", site_dir: Path | None = None, **context_options
    ) -> tuple[Journey, object]:
        journey = serve_site(site_dir or built_sites(theme))
        context = chromium.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: journey.requests.append(request.url))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        page.goto(journey.url + "/")
        return journey, page

    yield open_site
    for context in contexts:
        context.close()


def plugin_with(**changes) -> dict:
    plugin = copy.deepcopy(PLUGIN)
    plugin.update(changes)
    return plugin


# Where the screenshot tests save what they see: build/ (ignored) unless `make screenshots` asks
# for the documentation's folder, so a test run never changes the tracked pictures.
SCREENSHOTS = Path(
    os.environ.get("CONSENT_SCREENSHOTS", Path(__file__).parents[2] / "build/screenshots")
)
