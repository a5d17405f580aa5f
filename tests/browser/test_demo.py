"""The README's first command, as a newcomer runs it: build the site, start the demo, click, pull the log."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..server.test_demo import free_port, read_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).parents[2]


def test_newcomer_rejects_and_finds_the_decision_in_the_log(page, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "site/mkdocs.yml"), "-d", str(site)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSENT_")}
    env["CONSENT_INSTANCE_PATH"] = str(tmp_path / "instance")
    demo = subprocess.Popen(
        [sys.executable, "-m", "consent_server.cli", "demo", "--site-dir", str(site), "--port", str(port)],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        output = read_until(demo.stderr, r"Stop with Ctrl-C")
        url = re.search(r"Consent demo running at (\S+)", output).group(1)
        token = re.search(r"Admin token \(valid for this run\): (\S+)", output).group(1)
        read_until(demo.stderr, r"Booting worker", seconds=20)
        page.goto(url)
        page.click("[data-consent-banner] [data-consent-action=reject-all]")
        expect(page.locator("[data-consent-banner]")).to_have_count(0)
        page.wait_for_function("window.consent.get() && window.consent.get().token !== null")
        request = urllib.request.Request(
            url + "api/v1/admin/consents?format=jsonl", headers={"Authorization": f"Bearer {token}"}
        )
        lines = urllib.request.urlopen(request, timeout=5).read().decode().splitlines()
        [record] = [json.loads(line) for line in lines]
        manifest = json.loads((site / "consent/manifest.json").read_text())
        assert record["method"] == "reject_all"
        assert record["policy_version"] == manifest["policy_version"]
        assert record["denied"] == ["analytics", "marketing"]
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)
    assert code == 0
