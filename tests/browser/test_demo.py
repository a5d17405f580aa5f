"""The README's first command, as a newcomer runs it: build the site, start the demo, click, pull the log."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..server.live import running_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).parents[2]


def test_newcomer_rejects_and_finds_the_decision_in_the_log(page, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "site/mkdocs.yml"), "-d", str(site)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    with running_demo(site, tmp_path / "instance") as demo:
        page.goto(demo.url)
        page.click("[data-consent-banner] [data-consent-action=reject-all]")
        expect(page.locator("[data-consent-banner]")).to_have_count(0)
        page.wait_for_function("window.consent.get() && window.consent.get().token !== null")
        request = urllib.request.Request(
            demo.url + "api/v1/admin/consents?format=jsonl",
            headers={"Authorization": f"Bearer {demo.admin_token}"},
        )
        lines = urllib.request.urlopen(request, timeout=5).read().decode().splitlines()
        [record] = [json.loads(line) for line in lines]
        manifest = json.loads((site / "consent/manifest.json").read_text())
        assert record["method"] == "reject_all"
        assert record["policy_version"] == manifest["policy_version"]
        assert record["denied"] == ["analytics", "marketing"]
        demo.process.send_signal(signal.SIGINT)
        assert demo.process.wait(timeout=30) == 0
