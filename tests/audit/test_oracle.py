"""The oracle: on every fixture site, the hosts the static audit says load before consent are the
hosts Chromium actually tries before any choice (requests started by a script included, and
marked as such by the scan)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_privacy_plugin import scan
from tests.conftest import CHROMIUM_PATH, require
from tests.plugin.conftest import BASE_PLUGIN

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
MARKUP_PAGE = """# Markup

<img title="a>b" src=https://img.cdn.test/quoted.png alt="">
<IMG SRC=https://upper.cdn.test/shout.png ALT="">
<svg width="10" height="10"><image href="https://svg.cdn.test/i.png" width="10" height="10"/></svg>
<textarea>https://textarea.cdn.test/never.png <img src="https://textarea.cdn.test/x.png"></textarea>
<!-- <script src="https://comment.cdn.test/never.js"></script> -->
<noscript><img src="https://noscript.cdn.test/pixel.png"></noscript>
<div style="width:10px;height:10px;background:url(https://style.cdn.test/bg.png)"></div>
<style>@import url("https://import.cdn.test/more.css");</style>
<iframe src="https://www.video.test/embed/abc" title="Video"></iframe>
<script>fetch("https://beacon.tracker.test/hit").catch(() => {})</script>
<script src="https://analytics.example.com/a.js"></script>
<a href="https://link.example.org/">a link is not a fetch</a>
"""
FIXTURES = {
    "mkdocs": {"theme": {"name": "mkdocs"}},
    "readthedocs": {"theme": {"name": "readthedocs"}},
    "material": {
        "theme": {"name": "material"},
        "repo_url": "https://github.com/example/project",
        "extra": {"analytics": {"provider": "google", "property": "G-TEST123"}},
    },
}


def browser_hosts(site_dir: Path) -> tuple[dict[str, set[str]], dict[str, list[dict]]]:
    """Per page, the hosts Chromium tried before any choice, and those requests."""
    require(os.path.exists(CHROMIUM_PATH), "Chromium is not installed (apt-get install chromium)")
    report = site_dir.parent / "scan.json"
    subprocess.run(
        [sys.executable, "-m", "mkdocs_privacy_plugin.scan_cli", "scan", str(site_dir),
         "--phases", "before", "--json", str(report), "--chromium", CHROMIUM_PATH],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    pages = json.loads(report.read_text())["pages"]
    seen = {page["page"]: set(page["phases"]["before"]["hosts"]) for page in pages}
    return seen, {page["page"]: page["phases"]["before"]["requests"] for page in pages}


def static_hosts(site_dir: Path) -> dict[str, set[str]]:
    report = json.loads((site_dir / "consent/audit.json").read_text(encoding="utf-8"))
    return scan.static_before(report)


def assert_agree(site_dir: Path) -> dict[str, list[dict]]:
    seen, requests = browser_hosts(site_dir)
    static = static_hosts(site_dir)
    assert {page: hosts for page, hosts in seen.items() if hosts} == static
    return requests


def build_fixture(tmp_path: Path, theme: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nWelcome.\n")
    (docs / "markup.md").write_text(MARKUP_PAGE)
    config = {"site_name": "Oracle", "site_url": "https://docs.example.com/",
              "plugins": [{"consent": BASE_PLUGIN}], **FIXTURES[theme]}  # fmt: skip
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "out")))
    return tmp_path / "out"


@pytest.mark.parametrize("theme", sorted(FIXTURES))
def test_static_audit_and_browser_agree_on_fixture_sites(tmp_path, theme):
    site_dir = build_fixture(tmp_path, theme)
    requests = assert_agree(site_dir)
    markup = {r["host"] for r in requests["markup/index.html"]}
    assert {"img.cdn.test", "upper.cdn.test", "svg.cdn.test", "style.cdn.test"} <= markup
    assert not {h for h in markup if h.startswith(("textarea.", "comment.", "noscript."))}
    assert "analytics.example.com" not in markup  # declared, so gated by the fix-up
    by_script = {r["host"] for r in requests["markup/index.html"] if r["by_script"]}
    assert "beacon.tracker.test" in by_script
    if theme == "material":
        home = requests["index.html"]
        assert "api.github.com" in {r["host"] for r in home if r["by_script"]}
        assert "www.googletagmanager.com" not in {r["host"] for r in home}


def test_static_audit_and_browser_agree_on_the_project_site(tmp_path):
    shutil.copytree(ROOT / "site", tmp_path / "site")
    config = load_config(str(tmp_path / "site/mkdocs.yml"), site_dir=str(tmp_path / "out"))
    build(config)
    assert_agree(tmp_path / "out")
