"""Consent statistics, computed by the database with GROUP BY rather than row by row in Python."""

from __future__ import annotations

from typing import Any

from .base import RecordFilter, filter_clause

DECISION_METHODS = ("accept_all", "reject_all", "custom")
ALL_METHODS = (*DECISION_METHODS, "withdraw", "erase")


def compute_stats(store: Any, record_filter: RecordFilter, bucket: str) -> dict[str, Any]:
    """Decisions per bucket and method, per policy version, GPC share and category acceptance.

    `store` is an SQLStore: it supplies the read transaction, the parameter spelling and the two
    expressions that differ between databases (week buckets and unnesting JSON arrays).
    """
    where, params = filter_clause(record_filter, store.placeholder)
    decisions_only = (
        " AND " if where else "WHERE "
    ) + "method IN ('accept_all', 'reject_all', 'custom')"
    with store._read() as connection:
        per_bucket = connection.execute(
            f"SELECT {store.bucket_sql(bucket)} AS bucket, method, COUNT(*) AS n "
            f"FROM consent_log {where} GROUP BY 1, 2 ORDER BY 1",
            params,
        ).fetchall()
        per_version = connection.execute(
            "SELECT policy_version, method, COUNT(*) AS n, "
            "SUM(CASE WHEN gpc THEN 1 ELSE 0 END) AS gpc "
            f"FROM consent_log {where} GROUP BY 1, 2 ORDER BY 1",
            params,
        ).fetchall()
        categories = {}
        for column in ("granted", "denied"):
            source, item = store.unnest_sql(column)
            categories[column] = connection.execute(
                f"SELECT policy_version, {item} AS category, COUNT(*) AS n "
                f"FROM {source} {where}{decisions_only} GROUP BY 1, 2",
                params,
            ).fetchall()
        known = {
            row["policy_version"]
            for row in connection.execute("SELECT policy_version FROM policy_archive").fetchall()
        }
    return _shape(per_bucket, per_version, categories, known, bucket)


def _shape(per_bucket, per_version, categories, known, bucket) -> dict[str, Any]:
    buckets: dict[str, dict[str, int]] = {}
    for row in per_bucket:
        counts = buckets.setdefault(row["bucket"], dict.fromkeys(ALL_METHODS, 0))
        counts[row["method"]] = row["n"]
    versions: dict[str, dict[str, Any]] = {}
    total = gpc_total = 0
    for row in per_version:
        entry = versions.setdefault(
            row["policy_version"],
            {"methods": dict.fromkeys(ALL_METHODS, 0), "gpc": 0, "categories": {}},
        )
        entry["methods"][row["method"]] = row["n"]
        entry["gpc"] += row["gpc"] or 0
        total += row["n"]
        gpc_total += row["gpc"] or 0
    overall: dict[str, dict[str, int]] = {}
    for column in ("granted", "denied"):
        for row in categories[column]:
            version_entry = versions.setdefault(
                row["policy_version"],
                {"methods": dict.fromkeys(ALL_METHODS, 0), "gpc": 0, "categories": {}},
            )
            for target in (version_entry["categories"], overall):
                counts = target.setdefault(row["category"], {"granted": 0, "denied": 0})
                counts[column] += row["n"]
    return {
        "bucket": bucket,
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
