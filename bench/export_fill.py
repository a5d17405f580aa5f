"""A fresh consent log filled with a valid hash chain of realistic records, for bench_export.py.

Decisions spread over 60 days, a third from returning visitors, with real user agents, page
URLs and Idempotency-Keys, written in large batches straight into the database (the rollup
rebuilt and the chain head moved once at the end, as the database's owner), then checked
through the store: its head must be the last record written.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from logs import log_row, move_sqlite_head, private_schema

from consent_server.chain import GENESIS_HASH, link, seal_personal_fields
from consent_server.records import Record
from consent_server.store import open_store
from consent_server.store.rollup import count_into_rollup
from consent_server.store.rows import COLUMN_NAMES

BATCH = 20_000
ROLLUP_REBUILD = count_into_rollup("consent_log")
# The head is guarded to move one linked record at a time (signed_purges_*.sql); a bulk load
# moves it once, as the database's owner: the guards are set aside for the one statement.
POSTGRES_HEAD = "UPDATE chain_head SET seq = %s, hash = %s WHERE id = 1"
POSTGRES_GUARD = "ALTER TABLE chain_head {} TRIGGER chain_head_moves_forward"
CHOICES = {
    "accept_all": (["analytics", "marketing", "necessary"], []),
    "reject_all": (["necessary"], ["analytics", "marketing"]),
    "custom": (["analytics", "necessary"], ["marketing"]),
}
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
]
PAGES = ["", "getting-started/", "guide/install/", "guide/configuration/", "reference/api/", "faq/"]


def records(count: int) -> Iterator[tuple]:
    """`count` chained rows in COLUMN_NAMES order, spread over 60 days; a third are returning visitors."""
    generator = random.Random(1)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    visitors: list[str] = []
    prev = GENESIS_HASH
    for seq in range(1, count + 1):
        if visitors and generator.random() < 0.33:
            consent_id = generator.choice(visitors)
        else:
            consent_id = str(uuid.UUID(int=generator.getrandbits(128), version=4))
            visitors.append(consent_id)
        method = generator.choice(list(CHOICES))
        granted, denied = CHOICES[method]
        record = Record(
            consent_id=consent_id,
            created_at="",
            method=method,
            granted=granted,
            denied=denied,
            policy_version=generator.choice(["a1b2c3d4", "e5f6a7b8"]),
            language=generator.choice(["en", "de", "fr"]),
            page_url="https://docs.example.com/" + generator.choice(PAGES),
            gpc=seq % 9 == 0,
            ip=f"203.0.{generator.randrange(256)}.0/24",
            user_agent=generator.choice(USER_AGENTS),
            origin="https://docs.example.com",
            request_id=f"{generator.getrandbits(128):032x}",
        )
        moment = start + timedelta(microseconds=seq * 60 * 86_400_000_000 // count)
        record.created_at = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        seal_personal_fields(record)
        link(record, seq, prev)
        prev = record.hash
        yield log_row(record)


def batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(url: str, count: int) -> tuple[int, str]:
    """Write the rows straight into the log's tables, move the chain head, rebuild the rollup."""
    store = open_store(url)
    assert store.ready()
    store.close()
    head = (0, GENESIS_HASH)
    columns = ", ".join(COLUMN_NAMES)
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            marks = ", ".join("?" * len(COLUMN_NAMES))
            for batch in batches(records(count)):
                connection.executemany(
                    f"INSERT INTO consent_log ({columns}) VALUES ({marks})", batch
                )
                head = (batch[-1][0], batch[-1][-1])
            move_sqlite_head(connection, *head)
            connection.execute("DELETE FROM consent_rollup")
            connection.execute(ROLLUP_REBUILD)
    else:
        import psycopg

        with psycopg.connect(url) as connection:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY consent_log ({columns}) FROM STDIN") as copy,
            ):
                for batch in batches(records(count)):
                    for row in batch:
                        copy.write_row(row)
                    head = (batch[-1][0], batch[-1][-1])
            connection.execute(POSTGRES_GUARD.format("DISABLE"))
            connection.execute(POSTGRES_HEAD, head)
            connection.execute(POSTGRES_GUARD.format("ENABLE"))
            connection.execute("DELETE FROM consent_rollup")
            connection.execute(ROLLUP_REBUILD)
            connection.execute("ANALYZE consent_log")
    store = open_store(url)
    assert store.ready()
    assert store.head() == head
    store.close()
    return head


@contextmanager
def consent_log(backend: str, folder: Path, postgres_url: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'consent.sqlite3'}"
        return
    with private_schema(postgres_url) as url:
        yield url
