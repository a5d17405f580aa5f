"""The SQLite consent log: one file in WAL mode, one chain, writers serialised by SQLite's lock.

Each append runs in a `BEGIN IMMEDIATE` transaction, so reading the chain head, linking the new
record and inserting it happen under the database's single write lock. Several gunicorn worker
processes therefore extend one correct chain, and the record is durable (synchronous=FULL) before
`append` returns.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from ..records import GENESIS_HASH, Record, VerifyResult, link, record_from_row, verify_chain
from .base import ConsentStore, RecordFilter, StoreUnavailable

COLUMNS = (
    "seq, consent_id, created_at, method, granted, denied, policy_version, language, page_url, "
    "gpc, ip, user_agent, origin, schema_version, personal_salt, personal_digest, prev_hash, hash"
)
FETCH_BATCH = 2000
PURGE_BATCH = 5000


def utc_now() -> str:
    """Fixed-width UTC timestamps, so that text order is time order."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SQLiteStore(ConsentStore):
    """Consent log in one SQLite file; one connection per thread and process."""

    def __init__(self, path: str, timeout: float = 5.0) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()
        self._schema_ready = False

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        """Idempotent; done on first use, so a log that is unavailable at start-up only 503s."""
        connection.executescript(
            resources.files(__package__).joinpath("schema_sqlite.sql").read_text()
        )
        self._schema_ready = True

    def _open(self) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        try:
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            if not self._schema_ready:
                self._create_schema(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _connection(self) -> sqlite3.Connection:
        """The calling thread's connection, reopened after a fork."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._open()
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"consent log unavailable: {error}") from error
        except sqlite3.DatabaseError as error:
            raise StoreUnavailable(f"consent log damaged or unreadable: {error}") from error
        except OSError as error:
            raise StoreUnavailable(f"consent log folder unavailable: {error.strerror}") from error

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._guard():
            connection = self._connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def _head(self, connection: sqlite3.Connection) -> tuple[int, str]:
        row = connection.execute(
            "SELECT seq, hash FROM consent_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return row["seq"], row["hash"]
        return self._anchor(connection)

    @staticmethod
    def _anchor(connection: sqlite3.Connection) -> tuple[int, str]:
        row = connection.execute("SELECT seq, hash FROM chain_anchor WHERE id = 1").fetchone()
        return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)

    def _insert(self, connection: sqlite3.Connection, record: Record) -> Record:
        seq, prev_hash = self._head(connection)
        record.created_at = utc_now()
        link(record, seq + 1, prev_hash)
        values = record.__dict__ | {
            "granted": json.dumps(sorted(record.granted)),
            "denied": json.dumps(sorted(record.denied)),
            "gpc": int(record.gpc),
        }
        names = [name.strip() for name in COLUMNS.split(",")]
        connection.execute(
            f"INSERT INTO consent_log ({COLUMNS}) VALUES ({', '.join(':' + n for n in names)})",  # noqa: S608
            values,
        )
        return record

    def append(self, record: Record) -> Record:
        with self._write() as connection:
            return self._insert(connection, record)

    def erase(self, consent_id: str, erase_record: Record) -> Record:
        with self._write() as connection:
            connection.execute(
                "UPDATE consent_log SET ip = '', user_agent = '', page_url = '', personal_salt = '' "
                "WHERE consent_id = ?",
                (consent_id,),
            )
            return self._insert(connection, erase_record)

    def latest(self, consent_id: str) -> Record | None:
        with self._guard():
            row = (
                self._connection()
                .execute(
                    f"SELECT {COLUMNS} FROM consent_log WHERE consent_id = ? ORDER BY seq DESC LIMIT 1",  # noqa: S608
                    (consent_id,),
                )
                .fetchone()
            )
        return record_from_row(row) if row else None

    def history(self, consent_id: str) -> list[Record]:
        with self._guard():
            rows = (
                self._connection()
                .execute(
                    f"SELECT {COLUMNS} FROM consent_log WHERE consent_id = ? ORDER BY seq",  # noqa: S608
                    (consent_id,),
                )
                .fetchall()
            )
        return [record_from_row(row) for row in rows]

    def records(self, record_filter: RecordFilter | None = None) -> Iterator[Record]:
        """Stream from a connection of its own, inside one read snapshot."""
        where, params = _where(record_filter or RecordFilter())
        with self._guard():
            connection = self._open()
        try:
            with self._guard():
                connection.execute("BEGIN")
                cursor = connection.execute(
                    f"SELECT {COLUMNS} FROM consent_log {where} ORDER BY seq",  # noqa: S608
                    params,
                )
            while True:
                with self._guard():
                    rows = cursor.fetchmany(FETCH_BATCH)
                if not rows:
                    break
                for row in rows:
                    yield record_from_row(row)
        finally:
            connection.close()

    def count(self, record_filter: RecordFilter | None = None) -> int:
        where, params = _where(record_filter or RecordFilter())
        with self._guard():
            row = self._connection().execute(f"SELECT COUNT(*) FROM consent_log {where}", params)  # noqa: S608
            return row.fetchone()[0]

    def verify(self) -> VerifyResult:
        with self._guard():
            connection = self._open()
        try:
            with self._guard():
                connection.execute("BEGIN")
                anchor_seq, anchor_hash = self._anchor(connection)
                cursor = connection.execute(f"SELECT {COLUMNS} FROM consent_log ORDER BY seq")  # noqa: S608
                rows = iter(lambda: cursor.fetchmany(FETCH_BATCH), [])
                records = (record_from_row(row) for batch in rows for row in batch)
                return verify_chain(records, anchor_seq, anchor_hash)
        finally:
            connection.close()

    def purge(self, older_than: str, progress: Callable[[int], Any] | None = None) -> int:
        """Delete whole records created before `older_than`, oldest first, in short batches.

        The chain anchor moves to the last deleted record before it is deleted, so what remains
        still verifies. A broken chain is never purged: that would hide the evidence.
        """
        result = self.verify()
        if not result.ok:
            raise StoreUnavailable(f"refusing to purge a broken chain (seq {result.first_broken})")
        with self._guard():
            row = (
                self._connection()
                .execute(
                    "SELECT MAX(seq) AS seq FROM consent_log WHERE created_at < ?", (older_than,)
                )
                .fetchone()
            )
        cut = row["seq"] if row and row["seq"] is not None else 0
        deleted = 0
        while True:
            with self._write() as connection:
                anchor_seq, _ = self._anchor(connection)
                if anchor_seq >= cut:
                    break
                target = min(cut, anchor_seq + PURGE_BATCH)
                last = connection.execute(
                    "SELECT hash FROM consent_log WHERE seq = ?", (target,)
                ).fetchone()
                connection.execute(
                    "INSERT INTO chain_anchor (id, seq, hash, updated_at) VALUES (1, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
                    "updated_at = excluded.updated_at",
                    (target, last["hash"], utc_now()),
                )
                deleted += connection.execute(
                    "DELETE FROM consent_log WHERE seq <= ?", (target,)
                ).rowcount
            if progress:
                progress(deleted)
        return deleted

    def ready(self) -> bool:
        try:
            with self._write():
                pass
        except StoreUnavailable:
            return False
        return True

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def _where(record_filter: RecordFilter) -> tuple[str, dict[str, str]]:
    clauses, params = [], {}
    for column, operator, value in (
        ("created_at", ">=", record_filter.since),
        ("created_at", "<", record_filter.until),
        ("consent_id", "=", record_filter.consent_id),
        ("policy_version", "=", record_filter.policy_version),
    ):
        if value is not None:
            name = f"p{len(params)}"
            clauses.append(f"{column} {operator} :{name}")
            params[name] = value
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
