"""PostgreSQL goes away under load: clean 503s, never a 201 or a 500, and recovery by itself.

The test runs a PostgreSQL of its own so that it may stop it (`pg_ctl stop -m immediate`, as a crash
would) and start it again, while the real server keeps running and clients keep posting.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .harness import Load, Reply, missing_acks, postgres_rows, request, run_verify, running_server
from .private_postgres import private_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DOWN_SECONDS = 4.0
DB_TIMEOUT = "0.5"
RECOVERY_BOUND = 30.0


def is_clean_503(reply: Reply) -> bool:
    body = reply.body
    return (
        reply.status == 503
        and reply.content_type == "application/json"
        and isinstance(body, dict)
        and set(body) == {"error", "message"}
    )


READYZ_NOTICES_WITHIN = 3.0


def poll(url: str, status: int, seconds: float) -> float:
    """Seconds until `url` answers `status`; fail after `seconds`."""
    started = time.monotonic()
    while (answer := request(url, timeout=5)[0]) != status:
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{url} still answers {answer} after {seconds}s")
        time.sleep(0.1)
    return time.monotonic() - started


def test_database_down_gives_503_and_recovers_without_restart(tmp_path: Path):
    log = tmp_path / "server.log"
    with (
        private_postgres() as database,
        running_server(database.url, log, workers=2, DB_TIMEOUT=DB_TIMEOUT) as server,
    ):
        assert request(server.url + "/readyz")[0] == 200
        with Load([server.url], threads=4, seconds=120) as load:
            load.wait_for_acks(20)
            database.stop("immediate")
            down_since = time.monotonic()
            # /readyz answers from the latest write's verdict: the first failed write under load
            # turns it, so it must say 503 within moments of the loss, not on the very first probe.
            poll(server.url + "/readyz", 503, READYZ_NOTICES_WITHIN)
            readyz_down = [request(server.url + "/readyz", timeout=10)]
            time.sleep(DOWN_SECONDS)
            readyz_down.append(request(server.url + "/readyz", timeout=10))
            up_from = time.monotonic()
            database.start()
            up_since = time.monotonic()
            ready_after = poll(server.url + "/readyz", 200, RECOVERY_BOUND)
            first_201 = load.wait_for_201_started_after(up_since, RECOVERY_BOUND) - up_since
            time.sleep(0.5)
        rows = postgres_rows(database.url)
        verified = run_verify(database.url)

    replies, statuses = load.replies, load.statuses()
    while_down = [r for r in replies if r.started >= down_since and r.ended <= up_from]
    print(
        f"\ndatabase down: replies {dict(statuses)}; {len(while_down)} while down, all 503; "
        f"first 201 {first_201:.2f}s and /readyz 200 {ready_after:.2f}s after the restart; "
        f"acknowledged={len(load.acks)} stored={len(rows)}"
    )
    assert set(statuses) <= {201, 503}, f"only 201 and 503 may be answered: {dict(statuses)}"
    assert len(while_down) >= 5, "too few requests while the database was down"
    assert all(is_clean_503(r) for r in while_down), [(r.status, r.body) for r in while_down]
    assert all(is_clean_503(r) for r in replies if r.status == 503)
    for status, content_type, body in readyz_down:
        assert (status, content_type, set(body)) == (503, "application/json", {"error", "message"})
    assert not missing_acks(load.acks, rows), "an acknowledged record is not in the log"
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"OK: {len(rows)} records" in verified.stdout
