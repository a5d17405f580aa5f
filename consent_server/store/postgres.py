"""The PostgreSQL backend, for several server instances on one database.

Appends lock the single `chain_head` row (`SELECT ... FOR UPDATE`): the critical section is one
row read, one insert and one row update, and every instance extends the same chain. Connections
come from a psycopg pool created per process; when the database goes away requests get 503 and the
pool reconnects by itself once it is back. Schema upgrades (migrations.py) take a transaction-level
advisory lock, so instances starting together apply each step once.
"""

from __future__ import annotations

import os
import re
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..records import Record
from .appending import Pending, Placement
from .base import Scrub, StoreUnavailable
from .dialect import POSTGRES
from .request_keys import CLAIM_UPDATE, KEY_COLUMNS, RequestKey, RequestKeyReused
from .rollup import KEY_SOURCE_COLUMNS, count_into_rollup
from .rows import COLUMN_NAMES, COLUMNS
from .sql import SQLStore

SCHEMA_LOCK_ID = 0x636F6E73656E74  # "consent"
FETCH_BATCH = 2000
CONTENT_COLUMNS = [name for name in COLUMN_NAMES if name not in ("seq", "prev_hash", "hash")]


def claim_key(scope: str, placed: str) -> str:
    """File the request's key under the scope parameter `scope`, at the seq the CTE `placed`
    gives the record, as request_keys.CLAIM files it, but fed from the statement's own rows."""
    return f"""INSERT INTO request_keys ({KEY_COLUMNS})
    SELECT %({scope})s, %(key_id)s, %(key_operation)s, %(key_body)s, %(consent_id)s,
        {placed}.seq, %(created_at)s
    FROM {placed} WHERE %({scope})s <> ''
    {CLAIM_UPDATE.replace("{key_expired_before}", "%(key_expired_before)s")}"""


# One statement, one round trip: lock the head, link and hash the record (the same hash as
# chain.link_hash), claim its Idempotency-Key in the key's scope (request_keys.py), insert it,
# file the key under its owner too, move the head and count it in the rollup. A key claimed in
# its scope already (and not yet a day old) inserts nothing and returns no row. The key CTEs read
# the head first, so every append takes the head's lock before any key row's.
APPEND = f"""
WITH head AS (
    SELECT seq + 1 AS seq, hash AS prev_hash FROM chain_head WHERE id = 1 FOR UPDATE
), linked AS (
    SELECT seq, prev_hash, encode(sha256(
        convert_to(prev_hash || chr(10) || seq::text || chr(10), 'UTF8') || %(content)s
    ), 'hex') AS hash
    FROM head
), claimed AS (
    {claim_key("key_scope", "linked")}
    RETURNING seq
), inserted AS (
    INSERT INTO consent_log ({COLUMNS})
    SELECT linked.seq, {", ".join(f"%({name})s" for name in CONTENT_COLUMNS)},
        linked.prev_hash, linked.hash
    FROM linked
    WHERE %(key_scope)s = '' OR EXISTS (SELECT 1 FROM claimed)
    RETURNING seq, prev_hash, hash, {KEY_SOURCE_COLUMNS}
), owned AS (
    {claim_key("key_owner_scope", "inserted")}
), pruned AS (
    DELETE FROM request_keys
    WHERE created_at < %(key_expired_before)s AND EXISTS (SELECT 1 FROM inserted)
        AND request_id <> %(key_id)s
), moved AS (
    UPDATE chain_head SET seq = inserted.seq, hash = inserted.hash
    FROM inserted WHERE chain_head.id = 1
), counted AS (
    {count_into_rollup("inserted")}
)
SELECT seq, prev_hash, hash FROM inserted
"""
NO_KEY = RequestKey(key="", scope="", operation="").params()
# How long one VACUUM after erasures may take before it is left to autovacuum.
SCRUB_TIMEOUT_MS = 30_000
LEFT_BEHIND = re.compile(r"(\d+) are dead but not yet removable|tuples missed: (\d+)")


def _left_dead_rows(reports: list[str]) -> bool:
    """Whether VACUUM VERBOSE reported old row versions it could not remove."""
    return any(
        int(count or 0) > 0
        for report in reports
        for match in LEFT_BEHIND.finditer(report or "")
        for count in match.groups()
    )


try:
    import psycopg
    from psycopg.rows import dict_row, tuple_row
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError:  # pragma: no cover - depends on the installed extras
    psycopg = None


def place_in_one_statement(
    connection: Any, pending: Pending, key: RequestKey | None = None
) -> Placement | None:
    """Link and insert in one statement, so the head stays locked for one round trip only."""
    params = pending.values | (key.params() if key else NO_KEY) | {"content": pending.content}
    row = connection.execute(APPEND, params).fetchone()
    return Placement(row["seq"], row["prev_hash"], row["hash"]) if row else None


class IdleCheck:
    """Tests a pooled connection before use only when it sat idle for a while.

    A connection that went back to the pool moments ago is known good, and a busy server would
    otherwise pay one extra round trip per request; one that idled may have been cut by a database
    restart, and is tested (and replaced) before a request sees it fail.
    """

    def __init__(self, idle_seconds: float = 1.0) -> None:
        self.idle_seconds = idle_seconds
        self._returned_at: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def returned(self, connection: Any) -> None:
        self._returned_at[connection] = time.monotonic()

    def check(self, connection: Any) -> None:
        returned_at = self._returned_at.get(connection)
        if returned_at is None or time.monotonic() - returned_at > self.idle_seconds:
            ConnectionPool.check_connection(connection)


class PostgresStore(SQLStore):
    """Consent log in PostgreSQL through a per-process connection pool."""

    dialect = POSTGRES
    scrub_method = "postgres_vacuum"
    batch_appends = False

    def __init__(self, url: str, timeout: float = 5.0, pool_size: int = 4) -> None:
        if psycopg is None:
            raise StoreUnavailable(
                "PostgreSQL support is not installed: pip install 'mkdocs-consent[postgres]'"
            )
        super().__init__()
        self.url = url
        self.timeout = timeout
        self.pool_size = pool_size
        self._pool: ConnectionPool | None = None
        self._pool_pid = 0
        self._lock = threading.Lock()
        self._schema_ready = False
        self._idle_check = IdleCheck()

    def _get_pool(self) -> ConnectionPool:
        """The process's pool; a forked worker builds its own instead of sharing sockets."""
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.pool_size,
                    timeout=self.timeout,
                    kwargs={
                        "autocommit": True,
                        "row_factory": dict_row,
                        "connect_timeout": max(1, int(self.timeout)),
                    },
                    reconnect_timeout=0,
                    open=False,
                    check=self._idle_check.check,
                    reset=self._idle_check.returned,
                )
                self._pool.open(wait=False)
                self._pool_pid = os.getpid()
            return self._pool

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except PoolTimeout as error:
            raise StoreUnavailable("consent log unavailable: no database connection") from error
        except psycopg.OperationalError as error:
            raise StoreUnavailable(f"consent log unavailable: {error}") from error
        except psycopg.DatabaseError as error:
            raise StoreUnavailable(f"consent log error: {error}") from error

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._connection() as connection, connection.transaction():
            yield connection

    def _create_schema(self, connection: Any) -> None:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_ID,))
            self._upgrade(connection)
        self._schema_ready = True

    def _run_script(self, connection: Any, sql: str) -> None:
        connection.execute(sql)

    def writing(self) -> Any:
        return self._transaction()

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """A connection in autocommit mode: each statement is its own transaction."""
        with self._guard(), self._get_pool().connection() as connection:
            if not self._schema_ready:
                self._create_schema(connection)
            yield connection

    def _appending(self) -> Any:
        """An autocommit connection: the one statement is its own transaction."""
        return self._connection()

    def _place(self, connection: Any, pending: Pending, key: RequestKey | None) -> Placement | None:
        return place_in_one_statement(connection, pending, key)

    def place_batch(
        self, connection: Any, batch: Sequence[tuple[Pending, RequestKey | None]]
    ) -> list[Record | RequestKeyReused]:
        """One statement per record inside the batch's transaction: a refused key writes
        nothing, so it needs no savepoint."""
        outcomes: list[Record | RequestKeyReused] = []
        for pending, key in batch:
            try:
                outcomes.append(self.link_and_insert(connection, pending, key))
            except RequestKeyReused as refused:
                outcomes.append(refused)
        return outcomes

    def scrub(self) -> Scrub:
        """VACUUM the tables an erasure changed, so the old row versions go.

        A VACUUM cannot remove a row version that a transaction older than the erasure may still
        read; its report says how many it left, and then `completed` is false. Bounded in time.
        """
        reports: list[str] = []
        try:
            with self._connection() as connection:

                def keep(notice: Any) -> None:
                    reports.append(notice.message_primary)

                connection.add_notice_handler(keep)
                connection.execute(f"SET statement_timeout = {SCRUB_TIMEOUT_MS}")
                try:
                    connection.execute("VACUUM (VERBOSE) consent_log, request_keys")
                finally:
                    connection.execute("RESET statement_timeout")
                    connection.remove_notice_handler(keep)
        except StoreUnavailable:
            return Scrub(self.scrub_method, completed=False)
        return Scrub(self.scrub_method, completed=not _left_dead_rows(reports))

    def reading(self) -> Any:
        return self._transaction()

    def _batches(
        self, sql: str, params: dict[str, Any], *, plain: bool = False
    ) -> Iterator[list[Any]]:
        """A server-side cursor, so a million-row export never sits in memory."""
        factory = tuple_row if plain else dict_row
        with (
            self._transaction() as connection,
            self._guard(),
            connection.cursor(name="consent_stream", row_factory=factory) as cursor,
        ):
            cursor.itersize = FETCH_BATCH
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH_BATCH):
                yield rows

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pool_pid == os.getpid():
                self._pool.close()
            self._pool = None
