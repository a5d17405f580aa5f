"""Schema versions: numbered steps, each applied once and in order, by whichever instance comes first.

Every instance upgrades the schema when it first touches the log. The upgrade runs in one
transaction that holds the database's schema lock (an advisory lock on PostgreSQL, the write lock
on SQLite), so instances starting together apply each step exactly once, and the version row
moves only when the step's changes commit. An instance that finds a schema newer than it knows
refuses to use the log (503) instead of writing rows an upgraded server would misread.

To change the schema, add a step: a tuple of SQL files, where `{backend}` is `sqlite` or
`postgres`. Never edit a step that has shipped.
"""

from __future__ import annotations

from importlib import resources

from .base import StoreUnavailable

STEPS: tuple[tuple[str, ...], ...] = (
    # 1: the log, its chain head and purge anchor, the policy archive, the daily rollup.
    ("schema_{backend}.sql", "schema_common.sql"),
    # 2 (signed purges): `detail` for system records, the anchor named by a purge record, guards
    # on the anchor and the head, and purge records kept forever.
    ("signed_purges_{backend}.sql",),
    # 3: Idempotency-Keys scoped to their requester (request_keys), dashboard sessions the
    # server can end (admin_sessions); the log's unique index on request_id goes.
    ("schema_keys_and_sessions.sql",),
    # 4: on SQLite, the head cannot be inserted a second time (INSERT OR REPLACE would reset it).
    ("head_insert_guard_{backend}.sql",),
)

VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, upgraded_at TEXT NOT NULL)"
)


class SchemaTooNew(StoreUnavailable):
    """The log was upgraded by a newer server; this one must not write to it."""


def latest_version() -> int:
    return len(STEPS)


def step_sql(version: int, backend: str) -> str:
    """The SQL of one step for one backend."""
    folder = resources.files(__package__)
    return "".join(
        folder.joinpath(name.format(backend=backend)).read_text() for name in STEPS[version - 1]
    )


def pending(current: int, backend: str) -> list[tuple[int, str]]:
    """The steps after `current`, oldest first, with their SQL."""
    latest = latest_version()
    if current > latest:
        raise SchemaTooNew(
            f"the consent log's schema is version {current}, newer than this server knows "
            f"({latest}): upgrade the server before pointing it at this database"
        )
    return [(version, step_sql(version, backend)) for version in range(current + 1, latest + 1)]
