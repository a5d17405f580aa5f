"""`consent-server serve`'s defaults: worker processes and threads per backend, the check that
its address is free, and the shorter GIL switch interval held only while a writer holds the
log's write lock."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from consent_server.serving import (
    PortUnavailable,
    check_port_free,
    default_reuse_port,
    default_threads,
    default_workers,
)
from consent_server.store.sqlite import SQLiteStore
from consent_server.store.switching import WHILE_WRITING, prompt_handback

SQLITE = "sqlite:////srv/consent/log.sqlite3"
POSTGRES = "postgresql://consent@db/consent"


@pytest.mark.parametrize(
    ("cores", "sqlite", "postgres"), [(1, 2, 3), (2, 3, 5), (4, 5, 9), (32, 9, 9)]
)
def test_workers_one_per_core_and_one_more_on_sqlite(monkeypatch, cores, sqlite, postgres):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert default_workers(SQLITE) == sqlite
    assert default_workers(POSTGRES) == postgres


def test_threads_per_backend():
    assert default_threads(SQLITE) == 16
    assert default_threads(POSTGRES) == 4


def test_switch_interval_is_cut_only_inside_and_restored_after_nesting():
    usual = sys.getswitchinterval()
    with prompt_handback():
        assert sys.getswitchinterval() == pytest.approx(min(usual, WHILE_WRITING))
        with prompt_handback():
            assert sys.getswitchinterval() == pytest.approx(min(usual, WHILE_WRITING))
        assert sys.getswitchinterval() == pytest.approx(min(usual, WHILE_WRITING))
    assert sys.getswitchinterval() == pytest.approx(usual)


def test_a_write_restores_the_interval_even_when_it_fails(tmp_path: Path):
    usual = sys.getswitchinterval()
    store = SQLiteStore(str(tmp_path / "log.sqlite3"))
    try:
        with store.writing():
            assert sys.getswitchinterval() == pytest.approx(min(usual, WHILE_WRITING))
        with pytest.raises(RuntimeError), store.writing():
            raise RuntimeError("the batch failed")
    finally:
        store.close()
    assert sys.getswitchinterval() == pytest.approx(usual)


def test_a_free_port_passes_and_a_bad_host_is_named():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_port_free("127.0.0.1", port)
    with pytest.raises(PortUnavailable, match=r"cannot listen on 'no such host\.invalid'"):
        check_port_free("no such host.invalid", port)


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT here")
@pytest.mark.parametrize(("setting", "expected"), [("1\n", True), ("0\n", False), (None, False)])
def test_a_socket_per_worker_only_where_queued_connections_are_handed_on(
    tmp_path: Path, setting, expected
):
    migrate = tmp_path / "tcp_migrate_req"
    if setting is not None:
        migrate.write_text(setting)
    assert default_reuse_port(migrate) is expected
