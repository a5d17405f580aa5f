"""Consent log backends behind one interface, chosen by the database URL."""

from __future__ import annotations

from .base import ConsentStore, RecordFilter, StoreUnavailable
from .postgres import PostgresStore
from .sqlite import SQLiteStore
from .urls import check_database_url, is_sqlite_url, parse_sqlite_url

__all__ = ["ConsentStore", "RecordFilter", "StoreUnavailable", "open_store"]


def open_store(url: str, timeout: float = 5.0) -> ConsentStore:
    """Open the log named by a `sqlite:///path[?synchronous=full|normal]` or `postgresql://` URL."""
    if is_sqlite_url(url):
        path, synchronous = parse_sqlite_url(url)
        return SQLiteStore(path, timeout=timeout, synchronous=synchronous)
    check_database_url(url)
    return PostgresStore(url, timeout=timeout)
