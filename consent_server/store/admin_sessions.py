"""Dashboard sessions kept in the log's database, so every worker and instance agrees on them.

A session is a row keyed by the hash of its id (the cookie holds the id, the database only its
hash), with the hash of the admin token it was opened with and when it started and was last
seen. Ending a session deletes its row: a copied cookie then names nothing.
"""

from __future__ import annotations

from .base import AdminSession
from .dialect import Database

START = (
    "INSERT INTO admin_sessions (session_hash, token_hash, started_at, seen_at) "
    "VALUES ({session_hash}, {token_hash}, {now}, {now})"
)
FIND = (
    "SELECT token_hash, started_at, seen_at FROM admin_sessions WHERE session_hash = {session_hash}"
)
TOUCH = "UPDATE admin_sessions SET seen_at = {now} WHERE session_hash = {session_hash}"
END = (
    "DELETE FROM admin_sessions WHERE session_hash = {session_hash} "
    "OR started_at < {started_before} OR seen_at < {seen_before}"
)


def start(database: Database, session_hash: str, token_hash: str, now: str) -> None:
    params = {"session_hash": session_hash, "token_hash": token_hash, "now": now}
    with database.writing() as connection:
        connection.execute(database.dialect.sql(START), params)


def find(database: Database, session_hash: str) -> AdminSession | None:
    with database.reading() as connection:
        row = connection.execute(
            database.dialect.sql(FIND), {"session_hash": session_hash}
        ).fetchone()
    return AdminSession(row["token_hash"], row["started_at"], row["seen_at"]) if row else None


def touch(database: Database, session_hash: str, now: str) -> None:
    with database.writing() as connection:
        connection.execute(database.dialect.sql(TOUCH), {"session_hash": session_hash, "now": now})


def end(database: Database, session_hash: str, started_before: str, seen_before: str) -> None:
    """Delete one session and every session that started or was last seen before the times
    given ("" matches nothing: every timestamp is later than the empty string)."""
    params = {
        "session_hash": session_hash,
        "started_before": started_before,
        "seen_before": seen_before,
    }
    with database.writing() as connection:
        connection.execute(database.dialect.sql(END), params)
