"""`consent-server serve --reuse-port` spreads kept-alive connections over its workers.

Each worker listens on a socket of its own (`SO_REUSEPORT`) and the kernel hands every new
connection to one of them (serve's default where the kernel also hands a recycled worker's queued
connections to the others, `net.ipv4.tcp_migrate_req=1`). The test opens many kept-alive connections to a real two-worker
server, then reads from /proc which worker process holds each one: both must hold a fair share.
"""

from __future__ import annotations

import http.client
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .harness import live_group_members, running_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc"),
]

CONNECTIONS = 32
LISTENING = "0A"
ESTABLISHED = "01"


def sockets_on(port: int, state: str) -> set[int]:
    """Inodes of the IPv4 sockets in `state` whose local port is `port`."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rpartition(":")[2], 16)
        if local_port == port and fields[3] == state:
            inodes.add(int(fields[9]))
    return inodes


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = entry.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def booted_workers(master: int, port: int, count: int, seconds: float = 20) -> dict[int, set[int]]:
    """The master's workers and the listening sockets each holds, once `count` have booted."""
    deadline = time.monotonic() + seconds
    while True:
        workers = [pid for pid in live_group_members(master) if pid != master]
        listening = sockets_on(port, LISTENING)
        held = {pid: socket_inodes(pid) & listening for pid in workers}
        if (len(held) >= count and all(held.values())) or time.monotonic() > deadline:
            return held
        time.sleep(0.05)


def test_each_worker_listens_and_holds_a_share_of_kept_alive_connections(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    with running_server(url, tmp_path / "server.log", 2, ("--reuse-port",)) as server:
        port = urlsplit(server.url).port
        listeners = booted_workers(server.process.pid, port, 2)
        assert len(listeners) == 2, server.log_tail()
        workers = list(listeners)
        assert len(set.union(*listeners.values())) == 2, "the workers share one socket"

        with ExitStack() as stack:
            for _ in range(CONNECTIONS):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                stack.callback(connection.close)
                connection.request("GET", "/healthz")
                answer = connection.getresponse()
                answer.read()
                assert answer.status == 200 and not answer.will_close
            established = sockets_on(port, ESTABLISHED)
            held = Counter({pid: len(socket_inodes(pid) & established) for pid in workers})
    assert sum(held.values()) == CONNECTIONS, held
    # An even spread gives each 16; the kernel's hash leaves fewer than 4 about once in 10^6.
    assert min(held.values()) >= 4, held
