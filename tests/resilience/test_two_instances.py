"""Two server instances on one PostgreSQL: one chain, every acknowledged record exactly once.

Two separate `consent-server serve` processes (each a gunicorn master with workers, on different
ports) start together on one fresh schema and take concurrent load. The records are then counted
straight from the database by consent id and seq, and `consent-server verify` checks the chain.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from ..server.conftest import postgres_schema
from .harness import Load, postgres_rows, run_verify, start_server, wait_until_up

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

THREADS = 8
PER_THREAD = 60


def test_two_instances_on_one_postgres_store_each_record_once(tmp_path: Path):
    with postgres_schema() as url:
        servers = [start_server(url, tmp_path / f"server-{n}.log", workers=2) for n in (1, 2)]
        try:
            for server in servers:
                wait_until_up(server)
            with Load([s.url for s in servers], threads=THREADS, per_thread=PER_THREAD) as load:
                load.wait(seconds=120)
        finally:
            for server in servers:
                server.stop()
        rows = postgres_rows(url)
        verified = run_verify(url)

    total = THREADS * PER_THREAD
    per_instance = Counter(ack.url for ack in load.acks)
    per_consent_id = Counter(consent_id for _, consent_id in rows)
    writer = [ack.url for ack in sorted(load.acks, key=lambda ack: ack.seq)]
    switches = sum(1 for before, after in pairwise(writer) if before != after)
    print(
        f"\ntwo instances: requests={total} acknowledged={len(load.acks)} stored={len(rows)} "
        f"per instance={sorted(per_instance.values())} switches between instances={switches}"
    )
    assert load.statuses() == {201: total}, dict(load.statuses())
    assert len(per_instance) == 2 and min(per_instance.values()) >= total // 4
    assert switches >= 10, "the instances did not write to the chain at the same time"
    assert [seq for seq, _ in rows] == list(range(1, total + 1))
    assert max(per_consent_id.values()) == 1, "a consent id is stored twice"
    assert sorted((ack.seq, ack.consent_id) for ack in load.acks) == rows
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"OK: {total} records, chain intact" in verified.stdout
