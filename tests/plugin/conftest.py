"""Fixtures that build real MkDocs sites with the plugin, in-process."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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
