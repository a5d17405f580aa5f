"""Consent log backends behind one interface, chosen by the database URL."""

from __future__ import annotations

from .base import ConsentStore, RecordFilter, StoreUnavailable

__all__ = ["ConsentStore", "RecordFilter", "StoreUnavailable", "open_store"]


def open_store(url: str, timeout: float = 5.0) -> ConsentStore:
    """Open the log named by a `sqlite:///path[?synchronous=full|normal]` or `postgresql://` URL."""
    if url.startswith("sqlite:///"):
        from .sqlite import SQLiteStore, parse_sqlite_url

        path, synchronous = parse_sqlite_url(url)
        return SQLiteStore(path, timeout=timeout, synchronous=synchronous)
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(url, timeout=timeout)
    raise ValueError(f"unsupported database URL: {url.split('://', 1)[0]}://")
