"""The consent log: one interface (base.py), SQLite and PostgreSQL backends, chosen by URL.

The store takes and returns plain values and knows nothing of Flask. Inside: the operations
(sql.py) over a backend's connections (sqlite.py, postgres.py) and its SQL spellings (dialect.py);
the append path (appending.py) with its scoped Idempotency-Keys (request_keys.py), group commit
(group_commit.py) placing a batch at once (batch_placing.py), dashboard
sessions (admin_sessions.py), the chain's head and anchor (chain_ends.py), verification
(verification.py), retention by signed purges (retention.py), the daily rollup (rollup.py) and
statistics (stats.py), row encoding (rows.py),
the CSV export (csv_export.py), schema steps (migrations.py) and database URLs (urls.py).
"""

from __future__ import annotations

from .base import ConsentStore, RecordFilter, Scrub, StoreUnavailable
from .postgres import PostgresStore
from .sqlite import SQLiteStore
from .urls import check_database_url, is_sqlite_url, parse_sqlite_url

__all__ = ["ConsentStore", "RecordFilter", "Scrub", "StoreUnavailable", "open_store"]


def open_store(url: str, timeout: float = 5.0) -> ConsentStore:
    """Open the log named by a `sqlite:///path[?synchronous=full|normal]` or `postgresql://` URL."""
    if is_sqlite_url(url):
        path, synchronous = parse_sqlite_url(url)
        return SQLiteStore(path, timeout=timeout, synchronous=synchronous)
    check_database_url(url)
    return PostgresStore(url, timeout=timeout)
