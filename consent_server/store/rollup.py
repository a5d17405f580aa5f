"""The daily rollup: which counter of `consent_rollup` a record adds one to.

A record counts under its day, policy version, method, GPC flag and granted and denied ids. That
mapping is written once, below, as SQL over a record's log columns; it is spelled over a table's
columns (PostgreSQL's appends, statistics over partial days, purge) or over an append's bound
values (the statement-by-statement append), so the counters always agree with the log. The first
schema step (schema_common.sql) backfills with its own copy: shipped steps never change, and
tests/server/test_rollup.py checks that the copy agrees.
"""

from __future__ import annotations

from ..records import PURGE_METHOD

# Each counter column, and how it is computed from the log columns named in braces.
ROLLUP_KEY_PARTS = (
    ("day", "substr({created_at}, 1, 10)"),
    ("policy_version", "{policy_version}"),
    ("method", "{method}"),
    ("gpc", "CASE WHEN {gpc} THEN 1 ELSE 0 END"),
    ("granted", "{granted}"),
    ("denied", "{denied}"),
)
KEY_SOURCE_COLUMNS = "created_at, policy_version, method, gpc, granted, denied"
ROLLUP_COLUMNS = ", ".join(name for name, _ in ROLLUP_KEY_PARTS)
_SOURCES = KEY_SOURCE_COLUMNS.split(", ")
# The key of a row that has the log's columns, in ROLLUP_COLUMNS order.
ROLLUP_KEY = ", ".join(
    name
    if expression == f"{{{name}}}"
    else f"{expression.format_map({c: c for c in _SOURCES})} AS {name}"
    for name, expression in ROLLUP_KEY_PARTS
)
# The key of a record given as `{name}` parameters, for a dialect to spell.
ROLLUP_KEY_OF_VALUES = ", ".join(
    expression.format(**{column: f"{{{column}}}" for column in _SOURCES})
    for _, expression in ROLLUP_KEY_PARTS
)
GROUPED = "GROUP BY 1, 2, 3, 4, 5, 6"
ADD_UP = f"ON CONFLICT ({ROLLUP_COLUMNS}) DO UPDATE SET n = consent_rollup.n + excluded.n"
# One record, from its bound values: no read of the row just inserted.
COUNT_ONE = (
    f"INSERT INTO consent_rollup ({ROLLUP_COLUMNS}, n) VALUES ({ROLLUP_KEY_OF_VALUES}, 1) {ADD_UP}"
)


def count_into_rollup(source: str, where: str = "WHERE true") -> str:
    """SQL adding the rows of `source` (the log, or an insert's RETURNING) to their counters.

    SQLite needs a WHERE in an upsert's SELECT to parse it, hence the default.
    """
    return (
        f"INSERT INTO consent_rollup ({ROLLUP_COLUMNS}, n) "
        f"SELECT {ROLLUP_KEY}, COUNT(*) FROM {source} {where} {GROUPED} {ADD_UP}"
    )


def rollup_groups(where: str) -> str:
    """SQL counting the log's records per rollup key, e.g. to subtract purged ones."""
    return f"SELECT {ROLLUP_KEY}, COUNT(*) AS n FROM consent_log {where} {GROUPED}"


def log_as_rollup(where: str) -> str:
    """SQL reading log records as rollup rows of one each, for ranges that cut through a day.

    Purge records are the server's, not decisions: the rollup never counts them, nor does this.
    """
    decisions = f"method <> '{PURGE_METHOD}'"
    where = f"{where} AND {decisions}" if where else f"WHERE {decisions}"
    return f"SELECT {ROLLUP_KEY}, 1 AS n FROM consent_log {where}"
