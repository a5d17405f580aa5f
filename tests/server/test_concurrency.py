"""Several processes write at once and the log stays one correct chain."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from consent_server.store import open_store
from consent_server.store.sqlite import SQLiteStore

from .helpers import SECRET, VALID_BODY
from .test_chain import make_record

WRITERS = 4
APPENDS_PER_WRITER = 50


def append_many(url: str, count: int) -> list[int]:
    store = open_store(url, timeout=30)
    try:
        return [store.append(make_record(index)).seq for index in range(count)]
    finally:
        store.close()


def test_processes_appending_at_once_keep_one_chain(backend):
    assert backend.open().ready()
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        results = pool.starmap(append_many, [(backend.url, APPENDS_PER_WRITER)] * WRITERS)
    seqs = sorted(seq for result in results for seq in result)
    assert seqs == list(range(1, WRITERS * APPENDS_PER_WRITER + 1))
    result = backend.open().verify()
    assert (result.ok, result.checked) == (True, WRITERS * APPENDS_PER_WRITER)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited: {server.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("server did not start in time")


def post(url: str) -> int:
    request = urllib.request.Request(
        url, json.dumps(VALID_BODY).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_gunicorn_workers_under_concurrent_load_keep_one_chain(tmp_path: Path):
    database = tmp_path / "consent.sqlite3"
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("CONSENT_")},
        "CONSENT_SECRET_KEYS": SECRET,
        "CONSENT_DATABASE_URL": f"sqlite:///{database}",
        "CONSENT_COOKIE_SECURE": "false",
        "CONSENT_RATELIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}", "consent_server:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz", server)
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(post, [base + "/api/v1/consent"] * 300))
    finally:
        server.terminate()
        server.wait(timeout=20)
    acknowledged = statuses.count(201)
    assert acknowledged == 300, {status: statuses.count(status) for status in set(statuses)}
    store = SQLiteStore(str(database))
    result = store.verify()
    assert (result.ok, result.checked) == (True, acknowledged)
