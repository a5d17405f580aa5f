"""Benchmark: admin statistics over 1,000,000 records on SQLite (goal: under 1 s).

Fills a fresh SQLite log with a valid chain spread over 60 days, builds the daily rollup that
appends keep (one GROUP BY over the log; the script fails if the stats do not count every record),
then times `GET /api/v1/admin/stats` through the app for whole-day ranges (served by the rollup)
and for a range that starts and ends inside a day (partial days come from the log).

    .venv/bin/python bench/bench_stats.py [--records N]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from logs import log_row, move_sqlite_head

from consent_server import create_app
from consent_server.chain import GENESIS_HASH, link, seal_personal_fields
from consent_server.records import Record
from consent_server.store.rollup import count_into_rollup
from consent_server.store.rows import COLUMN_NAMES

ADMIN_TOKEN = "bench-admin-token-0123456789abcdef"
CHOICES = {
    "accept_all": (["analytics", "marketing", "necessary"], []),
    "reject_all": (["necessary"], ["analytics", "marketing"]),
    "custom": (["analytics", "necessary"], ["marketing"]),
}


ROLLUP_REBUILD = count_into_rollup("consent_log")


def fill(database: Path, count: int) -> None:
    """Insert `count` chained records straight into the file, as appends would have left them."""
    generator = random.Random(1)
    rows, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        method = generator.choice(list(CHOICES))
        granted, denied = CHOICES[method]
        day, second = divmod(seq * 60 * 86400 // count, 86400)
        record = Record(
            f"visitor-{seq}", "", method, granted, denied,
            generator.choice(["a1b2c3", "d4e5f6"]), gpc=seq % 9 == 0, ip="203.0.113.0/24",
            user_agent="Bench/1.0", page_url="https://docs.example.com/",
        )  # fmt: skip
        moment = time.gmtime(time.mktime((2026, 9, 1, 0, 0, 0, 0, 0, 0)) + day * 86400 + second)
        record.created_at = time.strftime("%Y-%m-%dT%H:%M:%S", moment) + f".{seq % 1000000:06d}Z"
        seal_personal_fields(record)
        link(record, seq, prev)
        prev = record.hash
        rows.append(log_row(record))
    store = create_app(settings(database)).extensions["consent"].store
    assert store.ready()
    with sqlite3.connect(database) as connection:
        connection.executemany(
            f"INSERT INTO consent_log ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join('?' * len(COLUMN_NAMES))})",
            rows,
        )
        move_sqlite_head(connection, count, prev)
    store.close()


def build_rollup(database: Path) -> None:
    """The daily rollup that appends keep up to date, built in one pass over the filled log."""
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM consent_rollup")
        connection.execute(ROLLUP_REBUILD)


def settings(database: Path) -> dict:
    return {
        "SECRET_KEYS": "b" * 40,
        "DATABASE_URL": f"sqlite:///{database}",
        "ADMIN_TOKENS": "sha256:" + hashlib.sha256(ADMIN_TOKEN.encode()).hexdigest(),
        "RATELIMIT_ENABLED": False,
    }


def time_stats(client, query: dict[str, str], rounds: int = 5) -> tuple[float, int]:
    timings, total = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(
            "/api/v1/admin/stats",
            query_string=query,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)
        total = response.get_json()["total"]
    return statistics.median(timings), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "consent.sqlite3"
        started = time.perf_counter()
        fill(database, arguments.records)
        print(f"filled {arguments.records:,} records in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        build_rollup(database)
        print(f"rollup built from the log in {time.perf_counter() - started:.1f} s")
        app = create_app(settings(database))
        client = app.test_client()
        assert app.extensions["consent"].store.ready()
        cases = {
            "all records, by day": {},
            "all records, by week": {"bucket": "week"},
            "30 whole days": {"since": "2026-09-10", "until": "2026-10-10"},
            "30 days, partial first and last day": {
                "since": "2026-09-10T13:00:00Z",
                "until": "2026-10-10T09:30:00Z",
            },
        }
        slowest = 0.0
        for name, query in cases.items():
            seconds, total = time_stats(client, query)
            slowest = max(slowest, seconds)
            print(f"stats, {name:<38} {seconds * 1000:8.1f} ms  ({total:,} records)")
            if not query and total != arguments.records:
                raise SystemExit(
                    f"INVALID: stats counted {total:,} of {arguments.records:,} records"
                )
        verdict = "met" if slowest < 1 else f"MISSED by {(slowest - 1) * 1000:.0f} ms"
        print(f"goal: under 1000 ms for {arguments.records:,} records: {verdict} (slowest median)")


if __name__ == "__main__":
    main()
