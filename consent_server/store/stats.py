"""Consent statistics, computed by the database through the store's public SQL interface
(a `Database`: its dialect and read transactions).

Every append also adds one to a row of `consent_rollup` (day, policy version, method, GPC, granted,
denied) in the same transaction, so statistics over whole days read a few thousand rollup rows
instead of millions of records. A range that starts or ends inside a day is computed from the log
itself with the same queries, joined to the rollup of the whole days in between.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..records import METHODS, VISITOR_METHODS
from ..timestamps import start_of_day
from .base import RecordFilter
from .dialect import Database, Dialect
from .rollup import KEY_SOURCE_COLUMNS, ROLLUP_COLUMNS, ROLLUP_KEY_PARTS, log_as_rollup

VISITOR_METHODS_SQL = ", ".join(f"'{method}'" for method in VISITOR_METHODS)
# Hours come from the log itself, as the rollup counts whole days: the rollup's key, with the
# hour ("2026-11-25T14") instead of the day in its `day` column, so the queries below serve both.
_SOURCE_NAMES = {column: column for column in KEY_SOURCE_COLUMNS.split(", ")}
HOURLY_KEY = ", ".join(
    f"{'substr(created_at, 1, 13)' if name == 'day' else expression.format_map(_SOURCE_NAMES)}"
    f" AS {name}"
    for name, expression in ROLLUP_KEY_PARTS
)


def _midnight_before(moment: str) -> str:
    return start_of_day(date.fromisoformat(moment[:10]))


def _midnight_after(moment: str) -> str:
    """The first midnight at or after `moment`."""
    midnight = _midnight_before(moment)
    return (
        moment
        if moment == midnight
        else start_of_day(date.fromisoformat(moment[:10]) + timedelta(days=1))
    )


class _SourceBuilder:
    """Unions the rollup (whole days) with the log (the partial days at either end)."""

    def __init__(self, dialect: Dialect, policy_version: str | None) -> None:
        self.dialect, self.policy_version = dialect, policy_version
        self.parts: list[str] = []
        self.params: dict[str, str] = {}

    def _bind(self, value: str) -> str:
        name = f"s{len(self.params)}"
        self.params[name] = value
        return self.dialect.placeholder(name)

    def _where(self, column: str, low: str | None, high: str | None) -> str:
        clauses = []
        if low is not None:
            clauses.append(f"{column} >= {self._bind(low)}")
        if high is not None:
            clauses.append(f"{column} < {self._bind(high)}")
        if self.policy_version is not None:
            clauses.append(f"policy_version = {self._bind(self.policy_version)}")
        return ("WHERE " + " AND ".join(clauses)) if clauses else ""

    def rollup(self, low: str | None, high: str | None) -> None:
        where = self._where("day", low and low[:10], high and high[:10])
        self.parts.append(f"SELECT {ROLLUP_COLUMNS}, n FROM consent_rollup {where}")

    def log(self, low: str | None, high: str | None) -> None:
        self.parts.append(log_as_rollup(self._where("created_at", low, high)))

    def hours(self, low: str | None, high: str | None) -> None:
        where = self._where("created_at", low, high)
        self.parts.append(f"SELECT {HOURLY_KEY}, 1 AS n FROM consent_log {where}")


def _source(
    dialect: Dialect, record_filter: RecordFilter, bucket: str
) -> tuple[str, dict[str, str]]:
    since, until = record_filter.since, record_filter.until
    builder = _SourceBuilder(dialect, record_filter.policy_version)
    if bucket == "hour":
        builder.hours(since, until)
        return f"({builder.parts[0]}) AS src", builder.params
    first_full = since if since is None else _midnight_after(since)
    last_full = until if until is None else _midnight_before(until)
    if first_full is not None and last_full is not None and first_full >= last_full:
        builder.log(since, until)
    else:
        if since is not None and since != first_full:
            builder.log(since, first_full)
        builder.rollup(first_full, last_full)
        if until is not None and until != last_full:
            builder.log(last_full, until)
    return f"({' UNION ALL '.join(builder.parts)}) AS src", builder.params


def compute_stats(database: Database, record_filter: RecordFilter, bucket: str) -> dict[str, Any]:
    """Decisions per bucket and method, per policy version, GPC share and category acceptance."""
    source, params = _source(database.dialect, record_filter, bucket)
    with database.reading() as connection:
        per_bucket = connection.execute(
            f"SELECT {database.dialect.bucket_sql(bucket)} AS bucket, method, SUM(n) AS n "
            f"FROM {source} GROUP BY 1, 2 ORDER BY 1",
            params,
        ).fetchall()
        per_version = connection.execute(
            "SELECT policy_version, method, SUM(n) AS n, SUM(gpc * n) AS gpc "
            f"FROM {source} GROUP BY 1, 2 ORDER BY 1",
            params,
        ).fetchall()
        choices = connection.execute(
            f"SELECT policy_version, granted, denied, SUM(n) AS n FROM {source} "
            f"WHERE method IN ({VISITOR_METHODS_SQL}) GROUP BY 1, 2, 3",
            params,
        ).fetchall()
        known = {
            row["policy_version"]
            for row in connection.execute("SELECT policy_version FROM policy_archive").fetchall()
        }
    return _shape(per_bucket, per_version, choices, known, bucket)


def _shape(per_bucket, per_version, choices, known, bucket) -> dict[str, Any]:
    def new_version() -> dict[str, Any]:
        return {"methods": dict.fromkeys(METHODS, 0), "gpc": 0, "categories": {}}

    buckets: dict[str, dict[str, int]] = {}
    for row in per_bucket:
        buckets.setdefault(row["bucket"], dict.fromkeys(METHODS, 0))[row["method"]] = int(row["n"])
    versions: dict[str, dict[str, Any]] = {}
    for row in per_version:
        entry = versions.setdefault(row["policy_version"], new_version())
        entry["methods"][row["method"]] = int(row["n"])
        entry["gpc"] += int(row["gpc"] or 0)
    overall: dict[str, dict[str, int]] = {}
    for row in choices:
        entry = versions.setdefault(row["policy_version"], new_version())
        for column in ("granted", "denied"):
            for category in row[column].split():
                for target in (entry["categories"], overall):
                    counts = target.setdefault(category, {"granted": 0, "denied": 0})
                    counts[column] += int(row["n"])
    total = sum(sum(entry["methods"].values()) for entry in versions.values())
    gpc_total = sum(entry["gpc"] for entry in versions.values())
    return {
        "bucket": bucket,
        "methods": list(METHODS),
        "visitor_methods": list(VISITOR_METHODS),
        "total": total,
        "gpc": {"decisions": gpc_total, "share": _rate(gpc_total, total)},
        "decisions": [
            {"bucket": key, **counts, "total": sum(counts.values())}
            for key, counts in buckets.items()
        ],
        "categories": _category_rates(overall),
        "policy_versions": [
            {
                "policy_version": version,
                "known": version in known,
                "decisions": sum(entry["methods"].values()),
                **entry["methods"],
                "gpc_share": _rate(entry["gpc"], sum(entry["methods"].values())),
                "categories": _category_rates(entry["categories"]),
            }
            for version, entry in sorted(versions.items())
        ],
    }


def _category_rates(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {
            "category": category,
            "granted": value["granted"],
            "denied": value["denied"],
            "acceptance_rate": _rate(value["granted"], value["granted"] + value["denied"]),
        }
        for category, value in sorted(counts.items())
    ]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
