"""A record filter (since, until, consent id, policy version) as a SQL WHERE clause, for every
read that takes one: pages of records, exports, statistics."""

from __future__ import annotations

from .base import RecordFilter
from .dialect import Dialect


def filter_clause(record_filter: RecordFilter, dialect: Dialect) -> tuple[str, dict[str, str]]:
    """A WHERE clause for the records a filter covers, and its parameters."""
    clauses, params = [], {}
    for column, operator, value in (
        ("created_at", ">=", record_filter.since),
        ("created_at", "<", record_filter.until),
        ("consent_id", "=", record_filter.consent_id),
        ("policy_version", "=", record_filter.policy_version),
    ):
        if value is not None:
            name = f"p{len(params)}"
            clauses.append(f"{column} {operator} {dialect.placeholder(name)}")
            params[name] = value
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
