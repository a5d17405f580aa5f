"""Consent logs for the benchmarks: private PostgreSQL schemas, rows encoded as the store does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from consent_server.records import Record
from consent_server.store.rows import COLUMN_NAMES, row_values


@contextmanager
def private_schema(postgres_url: str) -> Iterator[str]:
    """The URL of a fresh schema in the database, dropped afterwards."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def log_row(record: Record) -> tuple:
    """A linked record as a `consent_log` row, in COLUMN_NAMES order, for bulk inserts."""
    values = row_values(record)
    return tuple(values[name] for name in COLUMN_NAMES)


def move_sqlite_head(connection: Any, seq: int, hash_: str) -> None:
    """Move a SQLite log's head past a bulk load, as the database's owner: the head's guards only
    let it move one linked record at a time, so they are dropped for the one UPDATE and put back
    exactly as the schema wrote them."""
    guards = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'chain_head'"
    ).fetchall()
    for name, _ in guards:
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute("UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", (seq, hash_))
    for _, sql in guards:
        connection.execute(sql)
