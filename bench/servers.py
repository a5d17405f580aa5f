"""Starting a benchmark's server process: a free port, and the wait until it answers."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def wait_until_ready(
    process: subprocess.Popen,
    name: str,
    log: Path,
    ready: Callable[[], bool],
    timeout: float,
    pause: float,
) -> None:
    """Return once `ready()` is true; exit with the server's log if it stops or never gets there.

    `ready` may raise OSError while the server is still starting."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped at start-up:\n{log.read_text()}")
        try:
            if ready():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start:\n{log.read_text()}")
        time.sleep(pause)
