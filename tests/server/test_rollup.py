"""The daily rollup that appends keep agrees with the log it counts, on both backends."""

from __future__ import annotations

from consent_server.chain import seal_personal_fields
from consent_server.records import Record
from consent_server.store import appending, migrations
from consent_server.store.rollup import count_into_rollup

ROLLUP = (
    "SELECT day, policy_version, method, gpc, granted, denied, n FROM consent_rollup "
    "ORDER BY day, policy_version, method, gpc, granted, denied"
)
DECISIONS = [
    ("2026-03-01T08:00:00.000000Z", "accept_all", True, ["analytics", "necessary"]),
    ("2026-03-01T09:00:00.000000Z", "accept_all", True, ["analytics", "necessary"]),
    ("2026-03-01T23:59:59.999999Z", "reject_all", False, ["necessary"]),
    ("2026-03-02T00:00:00.000000Z", "accept_all", True, ["analytics", "necessary"]),
    ("2026-03-02T10:00:00.000000Z", "withdraw", False, []),
]


def fill(backend, monkeypatch) -> None:
    store = backend.open()
    for moment, method, gpc, granted in DECISIONS:
        monkeypatch.setattr(appending, "utc_now", lambda moment=moment: moment)
        record = Record("x", "", method, granted, [], "v1", gpc=gpc)
        seal_personal_fields(record)
        store.append(record)


def test_each_append_counts_under_its_day_version_method_gpc_and_choices(backend, monkeypatch):
    fill(backend, monkeypatch)
    assert [tuple(row) for row in backend.query(ROLLUP)] == [
        ("2026-03-01", "v1", "accept_all", 1, "analytics necessary", "", 2),
        ("2026-03-01", "v1", "reject_all", 0, "necessary", "", 1),
        ("2026-03-02", "v1", "accept_all", 1, "analytics necessary", "", 1),
        ("2026-03-02", "v1", "withdraw", 0, "", "", 1),
    ]


def test_rebuilding_from_the_log_gives_the_counters_the_appends_kept(backend, monkeypatch):
    fill(backend, monkeypatch)
    kept = backend.query(ROLLUP)
    backend.raw_sql("DELETE FROM consent_rollup; " + count_into_rollup("consent_log"))
    assert backend.query(ROLLUP) == kept


def test_the_first_schema_step_backfills_the_same_counters(backend, monkeypatch):
    """That step keeps its own copy of the mapping (shipped steps never change): it must agree."""
    fill(backend, monkeypatch)
    kept = backend.query(ROLLUP)
    backend.raw_sql("DELETE FROM consent_rollup; " + migrations.step_sql(1, backend.name))
    assert backend.query(ROLLUP) == kept
