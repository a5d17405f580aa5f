"""Runs the app under gunicorn, in-process, with production defaults."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from .store.urls import is_sqlite_url

MIGRATE_SETTING = Path("/proc/sys/net/ipv4/tcp_migrate_req")


class GunicornServer(BaseApplication):
    """A gunicorn arbiter whose workers each build their own app (no shared SQLite handles)."""

    def __init__(self, app_factory: Callable[[], Any], options: Mapping[str, Any]) -> None:
        self.app_factory = app_factory
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.app_factory()


def default_threads(database_url: str) -> int:
    """Threads per worker. On SQLite the requests a worker holds at once share one commit
    (store/group_commit.py), so more threads make larger batches rather than a longer queue: 16
    ran steadiest and fastest of 4, 8 and 16; PostgreSQL's lock lives in the database, and a few
    threads overlap its round trips (bench/README.md has the figures)."""
    return 16 if is_sqlite_url(database_url) else 4


def default_workers(database_url: str) -> int:
    """Worker processes. On SQLite a request costs CPU, not a wait of its own for the disk: a
    process per core and one more (busy while another waits for its turn on the write lock) keep
    the cores busy, and every process beyond that splits the group commit into smaller batches
    and adds a turn on the lock (on two cores 3 ran ahead of 2, and 5 slowest: bench/README.md).
    PostgreSQL keeps gunicorn's usual 2 x cores + 1."""
    cores = os.cpu_count() or 1
    if is_sqlite_url(database_url):
        return max(2, min(cores + 1, 9))
    return max(2, min(2 * cores + 1, 9))


def default_reuse_port(migrate_setting: Path = MIGRATE_SETTING) -> bool:
    """A listening socket per worker (`SO_REUSEPORT`) where the kernel hands the connections
    queued at a closing socket to the others (Linux 5.14+, `net.ipv4.tcp_migrate_req=1`).

    Each socket then gets an even share of new connections; on one shared socket whichever
    worker wakes first accepts, and under keep-alive one worker of two was seen holding 30 of 32
    connections while the other idled, halving the server's rate (bench/README.md). Without the
    hand-over, every worker recycled after its `max_requests` resets the connections queued at
    its socket (17 of 40,174 requests in a 70 s run with three recycles), so one shared socket
    stays the default there.
    """
    if not hasattr(socket, "SO_REUSEPORT"):
        return False
    try:
        return migrate_setting.read_text().strip() == "1"
    except OSError:
        return False


class PortUnavailable(OSError):
    """The address cannot be listened on: in use, not local, or not a valid host."""


def check_port_free(host: str, port: int) -> None:
    """Bind the address once without `SO_REUSEPORT` and let it go. This fails wherever anything
    listens there already, a server using `SO_REUSEPORT` included, which the workers' own
    sockets would otherwise join silently, sharing its connections."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise PortUnavailable(f"cannot listen on {host!r}: {error}") from None
    family, kind, protocol, _, address = found[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            reason = error.strerror or str(error)
            raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from None


def run(
    app_factory: Callable[[], Any],
    host: str,
    port: int,
    workers: int,
    reuse_port: bool | None = None,
    **extra: Any,
) -> None:
    """Serve until stopped; PortUnavailable before anything starts when the address is taken."""
    check_port_free(host, port)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threaded workers: a long export keeps its worker alive (a sync worker would be killed
        # at the timeout mid-download) and idle keep-alive connections cost no worker.
        "worker_class": "gthread",
        "threads": 1,
        "reuse_port": default_reuse_port() if reuse_port is None else reuse_port,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "max_requests": 10000,
        "max_requests_jitter": 1000,
        "limit_request_line": 8190,
        "accesslog": "-",
        "errorlog": "-",
        # No client address: the consent log keeps it truncated, the access log must not keep it whole.
        "access_log_format": '"%(r)s" %(s)s %(b)s %(L)ss',
        **extra,
    }
    GunicornServer(app_factory, options).run()
