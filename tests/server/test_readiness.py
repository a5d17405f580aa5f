"""`/readyz` says 503 when the log cannot be written, without locking the log on every probe."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from consent_server.readiness import Readiness, probe_store
from consent_server.store.sqlite import SQLiteStore

from ..conftest import require
from ..resilience.private_postgres import private_postgres
from .helpers import assert_json_error, post_consent
from .test_store_failures import make_unwritable, make_writable


class Clock:
    """Time that moves only when the test says so: the verdict's age, exactly."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def log_file(tmp_path) -> Iterator[Path]:
    """A real log with one record, in a folder of its own; writable again afterwards."""
    folder = tmp_path / "log"
    folder.mkdir()
    store = SQLiteStore(str(folder / "consent.sqlite3"))
    assert store.ready()
    store.close()
    yield folder / "consent.sqlite3"
    make_writable(*folder.iterdir(), folder)


def test_a_read_only_log_is_not_ready_before_any_visitor_comes(make_app, log_file):
    make_unwritable(*log_file.parent.iterdir(), log_file.parent)
    client = make_app(DATABASE_URL=f"sqlite:///{log_file}").test_client()
    response = client.get("/readyz")
    assert_json_error(response, 503, "not_ready")
    assert response.get_json()["message"] == "the consent log file is read-only"
    assert_json_error(post_consent(client), 503, "store_unavailable")
    assert client.get("/healthz").status_code == 200


def test_a_failed_write_makes_the_server_unready_at_once_and_a_good_one_ready(make_app, db_path):
    client = make_app(DB_TIMEOUT=1.0).test_client()
    assert client.get("/readyz").status_code == 200
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        assert client.get("/readyz").status_code == 200, "a recent verdict, not a wait on the lock"
        assert time.monotonic() - started < 0.5
        assert_json_error(post_consent(client), 503, "store_unavailable")
        started = time.monotonic()
        response = client.get("/readyz")
        assert time.monotonic() - started < 0.5
        assert_json_error(response, 503, "not_ready")
        assert "write to the consent log failed" in response.get_json()["message"]
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert post_consent(client).status_code == 201
    assert client.get("/readyz").status_code == 200


def test_probes_lock_the_log_at_most_once_per_interval(log_file):
    store, clock, probes = SQLiteStore(str(log_file)), Clock(), []
    readiness = Readiness(lambda: probes.append(clock()) or probe_store(store), 10, clock)
    for _ in range(50):
        assert readiness.check().ready
        clock.now += 0.1
    assert len(probes) == 1
    clock.now += 5
    assert readiness.check().ready
    assert len(probes) == 2
    readiness.write_succeeded()
    clock.now += 9
    assert readiness.check().ready
    assert len(probes) == 2, "a real write is a verdict too"
    store.close()


def test_a_stale_verdict_is_probed_again_and_sees_the_file_turn_read_only(log_file):
    store, clock = SQLiteStore(str(log_file)), Clock()
    readiness = Readiness(lambda: probe_store(store), 10, clock)
    assert readiness.check().ready
    make_unwritable(*log_file.parent.iterdir(), log_file.parent)
    assert readiness.check().ready, "still fresh"
    clock.now += 10
    verdict = readiness.check()
    assert (verdict.ready, verdict.reason) == (False, "the consent log file is read-only")
    make_writable(*log_file.parent.iterdir(), log_file.parent)
    clock.now += 10
    assert readiness.check().ready
    store.close()


def test_a_deleted_log_file_is_not_ready(log_file):
    store, clock = SQLiteStore(str(log_file)), Clock()
    readiness = Readiness(lambda: probe_store(store), 10, clock)
    assert readiness.check().ready
    log_file.unlink()
    clock.now += 10
    verdict = readiness.check()
    assert not verdict.ready and "gone" in verdict.reason
    store.close()


def test_while_one_thread_probes_the_others_get_the_last_verdict_at_once(log_file):
    store, clock = SQLiteStore(str(log_file)), Clock()
    release, entered = threading.Event(), threading.Event()

    def slow_probe() -> str | None:
        entered.set()
        release.wait(10)
        return probe_store(store)

    readiness = Readiness(slow_probe, 10, clock)
    readiness.write_failed("the disk was full a moment ago")
    clock.now += 10
    prober = threading.Thread(target=readiness.check)
    prober.start()
    assert entered.wait(5)
    started = time.monotonic()
    verdict = readiness.check()
    assert time.monotonic() - started < 0.5
    assert (verdict.ready, verdict.reason) == (False, "a write to the consent log failed")
    release.set()
    prober.join(10)
    assert readiness.check().ready
    store.close()


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 16 MiB filesystem of the test's own (tmpfs), so that it can really be filled."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    require(mounted.returncode == 0, f"cannot mount a small disk: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as filler:
        try:
            for size in (1 << 20, 1 << 12, 1):
                while True:
                    filler.write(b"\0" * size)
                    filler.flush()
        except OSError:
            return


def test_a_full_disk_is_not_ready(make_app, small_disk):
    url = f"sqlite:///{small_disk / 'consent.sqlite3'}"
    client = make_app(DATABASE_URL=url).test_client()
    assert post_consent(client).status_code == 201
    assert client.get("/readyz").status_code == 200
    fill(small_disk)
    response = make_app(DATABASE_URL=url).test_client().get("/readyz")
    assert_json_error(response, 503, "not_ready")
    assert response.get_json()["message"] == "the disk that holds the consent log is full"


@pytest.mark.postgres
def test_an_unreachable_postgres_is_not_ready_within_the_timeout(make_app):
    app = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", DB_TIMEOUT=0.5)
    started = time.monotonic()
    assert_json_error(app.test_client().get("/readyz"), 503, "not_ready")
    assert time.monotonic() - started < 5
    app.extensions["consent"].store.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_stopped_postgres_is_not_ready_and_ready_again_once_back(make_app):
    with private_postgres() as cluster:
        app = make_app(DATABASE_URL=cluster.url, DB_TIMEOUT=1.0)
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        assert post_consent(client).status_code == 201
        store = app.extensions["consent"].store
        clock = Clock()
        readiness = Readiness(lambda: probe_store(store), 10, clock)
        assert readiness.check().ready
        cluster.stop()
        assert_json_error(post_consent(client), 503, "store_unavailable")
        started = time.monotonic()
        assert_json_error(client.get("/readyz"), 503, "not_ready")
        assert time.monotonic() - started < 0.5, "the failed write said so: no probe"
        clock.now += 10
        verdict = readiness.check()
        assert (verdict.ready, verdict.reason) == (False, "the consent log cannot be written")
        cluster.start()
        clock.now += 10
        assert readiness.check().ready
        assert post_consent(client).status_code == 201
        assert client.get("/readyz").status_code == 200
        store.close()
