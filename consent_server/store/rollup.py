"""The daily rollup: which counter of `consent_rollup` a record adds one to.

A record counts under its day, policy version, method, GPC flag and granted and denied ids. That
mapping is written once, as SQL over the log's columns, and used by every append (both backends),
by statistics over partial days and by purge, so the counters always agree with the log. The
first schema step (schema_common.sql) backfills with its own copy: shipped steps never change.
"""

from __future__ import annotations

ROLLUP_COLUMNS = "day, policy_version, method, gpc, granted, denied"
# The rollup key of any row that has the log's columns, in ROLLUP_COLUMNS order.
ROLLUP_KEY = (
    "substr(created_at, 1, 10) AS day, policy_version, method, "
    "CASE WHEN gpc THEN 1 ELSE 0 END AS gpc, granted, denied"
)
KEY_SOURCE_COLUMNS = "created_at, policy_version, method, gpc, granted, denied"


def count_into_rollup(source: str, where: str = "WHERE true") -> str:
    """SQL adding the rows of `source` (the log, or an insert's RETURNING) to their counters.

    SQLite needs a WHERE in an upsert's SELECT to parse it, hence the default.
    """
    return (
        f"INSERT INTO consent_rollup ({ROLLUP_COLUMNS}, n) "
        f"SELECT {ROLLUP_KEY}, COUNT(*) FROM {source} {where} GROUP BY 1, 2, 3, 4, 5, 6 "
        f"ON CONFLICT ({ROLLUP_COLUMNS}) DO UPDATE SET n = consent_rollup.n + excluded.n"
    )


def rollup_groups(where: str) -> str:
    """SQL counting the log's records per rollup key, e.g. to subtract purged ones."""
    return f"SELECT {ROLLUP_KEY}, COUNT(*) AS n FROM consent_log {where} GROUP BY 1, 2, 3, 4, 5, 6"


def log_as_rollup(where: str) -> str:
    """SQL reading log records as rollup rows of one each, for ranges that cut through a day."""
    return f"SELECT {ROLLUP_KEY}, 1 AS n FROM consent_log {where}"
