"""`consent-server demo`: starts on 127.0.0.1, prints a working admin token, stops on Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .helpers import VALID_BODY

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_until(stream, pattern: str, seconds: float = 30) -> str:
    seen, deadline = "", time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.2)
        if ready:
            line = stream.readline()
            seen += line
            if re.search(pattern, seen):
                return seen
    pytest.fail(f"no {pattern!r} within {seconds}s; output so far:\n{seen}")


def test_demo_serves_site_and_api_and_prints_admin_token(tmp_path):
    site = tmp_path / "site"
    (site / "guide").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Example docs</h1>")
    (site / "guide" / "index.html").write_text("<h1>Guide</h1>")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSENT_")}
    env["CONSENT_INSTANCE_PATH"] = str(tmp_path / "instance")
    demo = subprocess.Popen(
        [sys.executable, "-m", "consent_server.cli", "demo", "--site-dir", str(site), "--port", str(port)],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        output = read_until(demo.stderr, r"Stop with Ctrl-C")
        base = f"http://127.0.0.1:{port}/"
        assert f"Consent demo running at {base}" in output
        token = re.search(r"Admin token \(valid for this run\): (\S+)", output).group(1)
        read_until(demo.stderr, r"Booting worker", seconds=20)
        deadline = time.monotonic() + 20
        while True:
            try:
                page = urllib.request.urlopen(base, timeout=2).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert "Example docs" in page
        assert "Guide" in urllib.request.urlopen(base + "guide", timeout=5).read().decode()
        request = urllib.request.Request(
            base + "api/v1/consent",
            json.dumps(
                {**VALID_BODY, "method": "reject_all", "choices": {"analytics": False}}
            ).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 201
            assert "Secure" not in answer.headers["Set-Cookie"]
        export = urllib.request.Request(
            base + "api/v1/admin/consents?format=jsonl",
            headers={"Authorization": f"Bearer {token}"},
        )
        lines = urllib.request.urlopen(export, timeout=5).read().decode().splitlines()
        assert [json.loads(line)["method"] for line in lines] == ["reject_all"]
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)
    assert code == 0
