"""Real servers on 127.0.0.1 for tests: the app in a thread, or the demo command as a process."""

from __future__ import annotations

import logging
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve the app on a free port in a thread; yield its base URL; stop it afterwards."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_until(stream, pattern: str, seconds: float = 30) -> str:
    """Read a process's output until `pattern` shows up; fail with what was seen otherwise."""
    seen, deadline = "", time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.2)
        if ready:
            seen += stream.readline()
            if re.search(pattern, seen):
                return seen
    raise AssertionError(f"no {pattern!r} within {seconds}s; output so far:\n{seen}")


@dataclass
class Demo:
    url: str
    admin_token: str
    process: subprocess.Popen
    output: str = ""


@contextmanager
def running_demo(
    site_dir: Path | None, instance: Path, *extra: str, port: int | None = None
) -> Iterator[Demo]:
    """`consent-server demo` as a user starts it (`python -m consent_server demo`), with the
    example site when `site_dir` is None; stopped with Ctrl-C (SIGINT) afterwards."""
    port = port or free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSENT_")}
    env["CONSENT_INSTANCE_PATH"] = str(instance)
    site = ["--site-dir", str(site_dir)] if site_dir else []
    process = subprocess.Popen(
        [sys.executable, "-m", "consent_server", "demo", *site, "--port", str(port), *extra],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        output = read_until(process.stderr, r"Stop with Ctrl-C")
        url = re.search(r"Consent demo running at (\S+)", output).group(1)
        token = re.search(r"Admin token \(valid for this run\): (\S+)", output).group(1)
        read_until(process.stderr, r"Booting worker", seconds=20)
        yield Demo(url, token, process, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
