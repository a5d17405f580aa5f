"""`consent-server demo`: starts on 127.0.0.1, prints a working admin token, stops on Ctrl-C."""

from __future__ import annotations

import json
import signal
import time
import urllib.request

import pytest

from .helpers import VALID_BODY
from .live import running_demo

pytestmark = pytest.mark.slow


def get(url: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=2).read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_demo_serves_site_and_api_and_prints_admin_token(tmp_path):
    site = tmp_path / "site"
    (site / "guide").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Example docs</h1>")
    (site / "guide" / "index.html").write_text("<h1>Guide</h1>")
    with running_demo(site, tmp_path / "instance") as demo:
        assert demo.url.startswith("http://127.0.0.1:")
        assert "Example docs" in get(demo.url)
        assert "Guide" in get(demo.url + "guide")
        request = urllib.request.Request(
            demo.url + "api/v1/consent",
            json.dumps(
                {**VALID_BODY, "method": "reject_all", "choices": {"analytics": False}}
            ).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 201
            assert "Secure" not in answer.headers["Set-Cookie"]
        export = urllib.request.Request(
            demo.url + "api/v1/admin/consents?format=jsonl",
            headers={"Authorization": f"Bearer {demo.admin_token}"},
        )
        lines = urllib.request.urlopen(export, timeout=5).read().decode().splitlines()
        assert [json.loads(line)["method"] for line in lines] == ["reject_all"]
        demo.process.send_signal(signal.SIGINT)
        assert demo.process.wait(timeout=30) == 0
