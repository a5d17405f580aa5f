"""The SQLite backend: one file in WAL mode, writers serialised by SQLite's own lock.

`BEGIN IMMEDIATE` takes the database's write lock before the chain head is read, so every gunicorn
worker process extends the same chain; `synchronous=FULL` makes the commit durable before `append`
returns. `secure_delete` overwrites freed space with zeros, so an erased value does not linger in
the database file (`scrub` empties the -wal file after an erasure). Writers first queue on a file
lock beside the database (`flock`), which hands the turn to the next writer the moment it is
released: SQLite's own busy handler sleeps a millisecond or more on every collision, which would
cap a busy server far below what the disk can commit. A writer holds that lock for one
transaction, itself bounded by the busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .base import Scrub, StoreUnavailable
from .dialect import SQLITE
from .sql import SQLStore
from .switching import prompt_handback
from .urls import SYNCHRONOUS_MODES

FETCH_BATCH = 2000
# How long a scrub waits for readers of older snapshots: it holds the writers' turn meanwhile, and
# the scrubber tries again later rather than stall every append for the whole busy timeout.
SCRUB_WAIT_MS = 100


class SQLiteStore(SQLStore):
    """Consent log in one SQLite file; one connection per thread and process."""

    dialect = SQLITE
    scrub_method = "sqlite_wal_checkpoint"

    def __init__(self, path: str, timeout: float = 5.0, synchronous: str = "full") -> None:
        if synchronous not in SYNCHRONOUS_MODES:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}")
        super().__init__()
        self.path = path
        self.timeout = timeout
        self.synchronous = synchronous
        self._local = threading.local()
        self._schema_ready = False

    def _open(self) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        try:
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            # Asking is a read; setting the mode takes the write lock, and a writer holding it
            # makes a fresh connection fail at once ("database is locked") despite the timeout.
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            connection.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            connection.execute("PRAGMA secure_delete = ON")
            if not self._schema_ready:
                self._upgrade_locked(connection)
                self._schema_ready = True
        except BaseException:
            connection.close()
            raise
        return connection

    def _upgrade_locked(self, connection: sqlite3.Connection) -> None:
        """Upgrade under the write lock, so processes starting together apply each step once."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            self._upgrade(connection)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def _run_script(self, connection: sqlite3.Connection, sql: str) -> None:
        """`executescript` would commit first; run the statements one by one instead."""
        statement = ""
        for line in sql.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                connection.execute(statement)
                statement = ""
        if statement.strip():
            connection.execute(statement)

    def _connection(self) -> sqlite3.Connection:
        """The calling thread's connection, reopened after a fork."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._open()
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Every driver failure becomes StoreUnavailable: the API answers 503, never 500."""
        try:
            yield
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"consent log unavailable: {error}") from error
        except sqlite3.DatabaseError as error:
            raise StoreUnavailable(f"consent log damaged or unreadable: {error}") from error
        except OSError as error:
            raise StoreUnavailable(f"consent log folder unavailable: {error.strerror}") from error

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._guard():
            connection = self._connection()
            connection.execute(begin)
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        with (
            self._writers_turn(),
            prompt_handback(),
            self._transaction("BEGIN IMMEDIATE") as connection,
        ):
            yield connection

    @contextmanager
    def _writers_turn(self) -> Iterator[None]:
        handle = self._lock_file()
        if handle is None:
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

    def _lock_file(self) -> Any:
        """The calling thread's own handle on the lock file (a shared handle would not exclude).

        None where it cannot be created (a read-only folder): SQLite's lock alone then decides.
        """
        handle = getattr(self._local, "lock_file", None)
        if handle is None or self._local.lock_pid != os.getpid():
            try:
                handle = open(self.path + "-lock", "a")  # noqa: SIM115 (kept open per thread)
            except OSError:
                handle = None
            self._local.lock_file, self._local.lock_pid = handle, os.getpid()
        return handle

    def reading(self) -> Any:
        return self._transaction("BEGIN")

    def _batches(
        self, sql: str, params: dict[str, Any], *, plain: bool = False
    ) -> Iterator[list[Any]]:
        """From a connection of its own, so a long export never holds the request's connection."""
        with self._guard():
            connection = self._open()
        if plain:
            connection.row_factory = None
        try:
            with self._guard():
                connection.execute("BEGIN")
                cursor = connection.execute(sql, params)
            while True:
                with self._guard():
                    rows = cursor.fetchmany(FETCH_BATCH)
                if not rows:
                    return
                yield rows
        finally:
            connection.close()

    def scrub(self) -> Scrub:
        """Move every page into the database file and empty the -wal file, which still holds the
        pages as they were before an erasure (`secure_delete` zeroes what the file frees). It
        waits briefly (`SCRUB_WAIT_MS`) for readers of older snapshots; `completed` says whether
        they let it finish."""
        try:
            with self._writers_turn(), self._guard():
                connection = self._connection()
                connection.execute(f"PRAGMA busy_timeout = {SCRUB_WAIT_MS}")
                try:
                    row = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                finally:
                    connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        except StoreUnavailable:
            return Scrub(self.scrub_method, completed=False)
        return Scrub(self.scrub_method, completed=row[0] == 0)

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
        handle = getattr(self._local, "lock_file", None)
        if handle is not None:
            handle.close()
            self._local.lock_file = None
