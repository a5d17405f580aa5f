"""`kill -9` of the whole server mid-load, again and again: no acknowledged consent is ever lost.

A 201 is the server's promise that the record is durably in the log. Each round starts the real
server (gunicorn master and workers) on the same database, puts client threads on
`POST /api/v1/consent`, and kills every process of the server at a random moment while requests
are in flight. Afterwards every record a client was told about is read back straight from the
database, at the seq its token names, and `consent-server verify` checks the chain.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from ..server.conftest import postgres_schema
from .harness import (
    Ack,
    Load,
    missing_acks,
    postgres_rows,
    run_verify,
    sqlite_rows,
    start_server,
    wait_until_up,
)

pytestmark = pytest.mark.slow

ROUNDS = 10
CLIENT_THREADS = 6


def crash_rounds(database_url: str, log: Path, rounds: int, rng: random.Random) -> list[Ack]:
    """Rounds of start, load, `kill -9` at a random moment; the acknowledged records of all."""
    acks: list[Ack] = []
    rounds_that_cut = 0
    for number in range(1, rounds + 1):
        server = start_server(database_url, log, workers=2)
        try:
            wait_until_up(server)
            with Load([server.url], threads=CLIENT_THREADS, seconds=30) as load:
                load.wait_for_acks(1)
                time.sleep(rng.uniform(0.05, 1.0))
                killed_at = time.monotonic()
                server.kill()
            assert server.process.returncode == -signal.SIGKILL
        finally:
            server.kill()
        cut = [r for r in load.replies if r.started < killed_at and not isinstance(r.status, int)]
        print(
            f"  round {number}: {len(load.acks)} acknowledged, {len(cut)} requests cut by the kill"
        )
        rounds_that_cut += bool(cut)
        before = Counter(r.status for r in load.replies if r.ended < killed_at)
        assert set(before) == {201}, f"answers before the kill: {dict(before)}"
        acks.extend(load.acks)
    # A kill can land while every client is reading an answer the server already sent; most
    # rounds must still have cut requests short, or the test did not crash a server mid-load.
    assert rounds_that_cut >= rounds // 2, f"only {rounds_that_cut} of {rounds} kills cut a request"
    return acks


def check_after_crashes(label: str, database_url: str, rows, acks: list[Ack], rounds: int) -> None:
    assert len({ack.seq for ack in acks}) == len(acks), "two 201s name the same seq"
    lost = missing_acks(acks, rows)
    print(f"{label}: rounds={rounds} acknowledged={len(acks)} stored={len(rows)} lost={len(lost)}")
    assert not lost, f"acknowledged but not in the log: {lost[:5]}"
    assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1)), "gaps in the stored seqs"
    verified = run_verify(database_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"OK: {len(rows)} records" in verified.stdout


@pytest.mark.parametrize("synchronous", ["full", "normal"])
def test_kill_9_mid_load_loses_no_acknowledged_record_sqlite(tmp_path: Path, synchronous: str):
    """`normal` leaves the commit to the operating system: a dead server process loses nothing."""
    seed = random.randrange(2**32)
    print(f"\ncrash test on SQLite (synchronous={synchronous}), seed {seed}")
    database = tmp_path / "consent.sqlite3"
    url = f"sqlite:///{database}?synchronous={synchronous}"
    acks = crash_rounds(url, tmp_path / "server.log", ROUNDS, random.Random(seed))
    check_after_crashes(f"crash/sqlite/{synchronous}", url, sqlite_rows(database), acks, ROUNDS)


@pytest.mark.postgres
def test_kill_9_mid_load_loses_no_acknowledged_record_postgres(tmp_path: Path):
    seed = random.randrange(2**32)
    print(f"\ncrash test on PostgreSQL, seed {seed}")
    with postgres_schema() as url:
        acks = crash_rounds(url, tmp_path / "server.log", ROUNDS, random.Random(seed))
        check_after_crashes("crash/postgres", url, postgres_rows(url), acks, ROUNDS)
