"""Attack: read an erased visitor's data back from the database's own files.

After `DELETE /api/v1/consent/history` answers, the erased user agent, page URL and IP prefix
leave the SQLite file and its -wal file, and every row version PostgreSQL keeps (live or dead),
within moments (the scrub runs in the background), not only what a query shows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from ..conftest import Backend
from ..helpers import VALID_BODY, eventually
from .helpers import decide

ERASED_AGENT = "Secret-Agent/7.7 (erase-me-please)"
ERASED_PAGE = "https://docs.example.com/very-private-page-erase-me/"
ERASED_ADDRESS = {"REMOTE_ADDR": "192.0.2.77"}
ERASED_PREFIX = "192.0.2.0/24"
KEPT_AGENT = "Kept-Agent/1.0 (stays)"


def erased_values() -> list[bytes]:
    return [value.encode() for value in (ERASED_AGENT, ERASED_PAGE, ERASED_PREFIX)]


def sqlite_files(backend: Backend) -> dict[str, bytes]:
    path = Path(backend.url.removeprefix("sqlite:///"))
    return {
        candidate.name: candidate.read_bytes()
        for candidate in path.parent.glob(path.name + "*")
        if candidate.is_file()
    }


def postgres_tuples(backend: Backend) -> list[bytes]:
    """Every row version in the schema's tables and their TOAST tables, dead ones included."""
    backend.raw_sql("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public")
    relations = backend.query(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = "
        "current_schema()::regnamespace AND c.relkind = 'r' UNION ALL "
        "SELECT c.reltoastrelid::regclass::text FROM pg_class c WHERE c.relnamespace = "
        "current_schema()::regnamespace AND c.relkind = 'r' AND c.reltoastrelid <> 0"
    )
    found: list[bytes] = []
    for (relation,) in relations:
        found += [
            bytes(row[0])
            for row in backend.query(
                "SELECT t_data FROM generate_series(0, "
                f"(pg_relation_size('{relation}') / current_setting('block_size')::int) - 1) AS blk, "
                f"LATERAL public.heap_page_items(public.get_raw_page('{relation}', blk::int)) "
                "WHERE t_data IS NOT NULL"
            )
        ]
    return found


def erase_one_visitor(app) -> dict:
    visitor = app.test_client()
    body = {**VALID_BODY, "page_url": ERASED_PAGE}
    for method in ("custom", "reject_all"):
        choices = {"analytics": method == "custom", "marketing": False}
        decide(
            visitor,
            {**body, "method": method, "choices": choices},
            environ=ERASED_ADDRESS,
            **{"User-Agent": ERASED_AGENT},
        )
    decide(app.test_client(), **{"User-Agent": KEPT_AGENT})
    answer = visitor.delete(
        "/api/v1/consent/history", headers={"User-Agent": ERASED_AGENT}, environ_base=ERASED_ADDRESS
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def stored_bytes(backend: Backend) -> list[bytes]:
    if backend.name == "sqlite":
        return list(sqlite_files(backend).values())
    return postgres_tuples(backend)


def leaked(backend: Backend) -> list[bytes]:
    stored = stored_bytes(backend)
    return [value for value in erased_values() if any(value in data for data in stored)]


SCRUB_METHODS = {"sqlite": "sqlite_wal_checkpoint", "postgres": "postgres_vacuum"}


@pytest.mark.parametrize("later_writes", [0, 3])
def test_no_erased_value_is_left_in_the_database_files(make_app, backend, later_writes):
    app = make_app(DATABASE_URL=backend.url)

    answer = erase_one_visitor(app)
    for _ in range(later_writes):
        decide(app.test_client(), **{"User-Agent": KEPT_AGENT})

    assert answer["scrub"] == {"method": SCRUB_METHODS[backend.name], "scheduled": True}
    assert eventually(lambda: leaked(backend) == [])
    assert any(KEPT_AGENT.encode() in data for data in stored_bytes(backend))
    assert app.extensions["consent"].store.verify().ok
    app.extensions["consent"].store.close()


@contextmanager
def older_snapshot(backend: Backend) -> Iterator[None]:
    """A reader that started before the erasure and is still reading (a long export)."""
    if backend.name == "sqlite":
        reader = sqlite3.connect(backend.url.removeprefix("sqlite:///"), isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM consent_log").fetchone()
    else:
        reader = psycopg.connect(backend.url)
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT COUNT(*) FROM consent_log").fetchone()
    try:
        yield
    finally:
        reader.close()


def test_an_older_reader_holds_the_scrub_back_and_a_later_try_completes_it(make_app, backend):
    app = make_app(DATABASE_URL=backend.url)
    scrubber = app.extensions["consent"].scrubber
    decide(app.test_client(), **{"User-Agent": KEPT_AGENT})

    with older_snapshot(backend):
        answer = erase_one_visitor(app)
        assert eventually(lambda: scrubber.last is not None)
        assert scrubber.last.completed is False
        assert leaked(backend) != []

    assert answer["erased"] is True
    assert eventually(lambda: leaked(backend) == [], seconds=15)
    assert scrubber.last.completed
    app.extensions["consent"].store.close()


def test_a_burst_of_erasures_shares_a_few_scrubs(make_app, backend):
    app = make_app(DATABASE_URL=backend.url, RATELIMIT_ENABLED=False)
    scrubber = app.extensions["consent"].scrubber
    decide(app.test_client(), **{"User-Agent": KEPT_AGENT})

    for index in range(50):
        visitor, agent = app.test_client(), f"{ERASED_AGENT} #{index}"
        decide(visitor, **{"User-Agent": agent})
        assert visitor.delete("/api/v1/consent/history").status_code == 200

    assert scrubber.requested == 50
    assert eventually(lambda: leaked(backend) == [], seconds=15)
    assert 1 <= scrubber.runs <= 10
    app.extensions["consent"].store.close()
