"""`mkdocs-consent scan`: what Chromium tries before a choice, after Reject all and after Accept all."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mkdocs_privacy_plugin.scan_cli import main
from tests.conftest import CHROMIUM_PATH, require
from tests.plugin.conftest import BASE_PLUGIN

pytestmark = pytest.mark.browser
HOME = """# Home

<script src="https://analytics.example.com/a.js"></script>
<img src="https://img.cdn.test/photo.png" alt="photo">
"""


def run_scan(site_dir, *options: str) -> subprocess.CompletedProcess:
    """The command as a site owner runs it: its own process, its own Playwright."""
    require(os.path.exists(CHROMIUM_PATH), "Chromium is not installed (apt-get install chromium)")
    command = [sys.executable, "-m", "mkdocs_privacy_plugin.scan_cli", "scan", str(site_dir),
               "--pages", "1", "--chromium", CHROMIUM_PATH, *options]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_each_phase_is_reported_and_strict_fails_on_leaks(build_site, tmp_path):
    site = build_site(plugin=BASE_PLUGIN, strict=False, pages={"index.md": HOME})
    report_path = tmp_path / "scan.json"
    result = run_scan(site.dir, "--strict", "--json", str(report_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "before any choice: img.cdn.test (undeclared)" in result.stdout
    assert "static audit: agrees" in result.stdout
    [page] = json.loads(report_path.read_text())["pages"]
    phases = page["phases"]
    assert phases["before"]["hosts"] == ["img.cdn.test"]
    assert phases["after_reject"]["hosts"] == ["img.cdn.test"]
    assert phases["after_accept"]["hosts"] == ["analytics.example.com", "img.cdn.test"]
    assert phases["before"]["storage"] == [] and phases["before"]["cookies"] == []
    assert "localStorage:consent" in phases["after_reject"]["storage"]
    accepted = {v["host"]: v for v in page["verdicts"] if v["phase"] == "after_accept"}
    assert accepted["analytics.example.com"]["service"] == "Example Analytics"


def test_a_site_that_waits_for_consent_passes_strict(build_site):
    page = '# Home\n\n<script src="https://analytics.example.com/a.js"></script>\n'
    site = build_site(plugin=BASE_PLUGIN, pages={"index.md": page})
    result = run_scan(site.dir, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "before any choice: no third-party request" in result.stdout
    assert "non-essential hosts reached before consent or after rejection: none" in result.stdout


def test_a_folder_without_pages_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--chromium", "/bin/sh"])
    assert result.exit_code == 1
    assert "holds no HTML pages: build the site first" in result.output
