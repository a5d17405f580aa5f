"""Admin statistics and the archive of policy texts behind each version."""

from __future__ import annotations

import json

import pytest

from consent_server.store import RecordFilter

from .helpers import SIGNING_KEY, VALID_BODY, assert_json_error, post_consent


@pytest.fixture
def manifest_app(make_app, manifest_path):
    return make_app(MANIFEST=str(manifest_path))


def decide(client, method: str, analytics: bool, marketing: bool, version: str = "abc123", **kw):
    body = {
        **VALID_BODY,
        "method": method,
        "policy_version": version,
        "choices": {"analytics": analytics, "marketing": marketing},
    }
    assert post_consent(client, body, **kw).status_code == 201


def test_stats_count_methods_categories_versions_and_gpc(manifest_app, make_app, admin_headers):
    app = manifest_app
    decide(app.test_client(), "accept_all", True, True)
    decide(app.test_client(), "reject_all", False, False, headers={"Sec-GPC": "1"})
    decide(app.test_client(), "custom", True, False)
    # Decided before the server was given the manifest: a version it never saw.
    decide(make_app().test_client(), "custom", True, False, version="unseen1")
    body = app.test_client().get("/api/v1/admin/stats", headers=admin_headers).get_json()
    assert body["total"] == 4
    assert body["gpc"] == {"decisions": 1, "share": 0.25}
    [day] = body["decisions"]
    assert (day["accept_all"], day["reject_all"], day["custom"], day["total"]) == (1, 1, 2, 4)
    rates = {entry["category"]: entry for entry in body["categories"]}
    assert (rates["analytics"]["granted"], rates["analytics"]["denied"]) == (3, 1)
    assert rates["analytics"]["acceptance_rate"] == 0.75
    assert rates["marketing"]["acceptance_rate"] == 0.25
    versions = {entry["policy_version"]: entry for entry in body["policy_versions"]}
    assert versions["abc123"]["known"] is True and versions["unseen1"]["known"] is False
    assert versions["abc123"]["decisions"] == 3


def test_withdrawals_do_not_count_as_refusals(app, admin_headers):
    client = app.test_client()
    decide(client, "accept_all", True, True)
    client.delete("/api/v1/consent")
    body = app.test_client().get("/api/v1/admin/stats", headers=admin_headers).get_json()
    assert body["decisions"][0]["withdraw"] == 1
    rates = {entry["category"]: entry["acceptance_rate"] for entry in body["categories"]}
    assert rates["analytics"] == 1.0


def test_stats_buckets_by_week_and_filters_by_date(backend, monkeypatch):
    from consent_server.chain import seal_personal_fields
    from consent_server.records import Record
    from consent_server.store import appending

    store = backend.open()
    for moment in (
        "2026-11-02T10:00:00.000000Z",
        "2026-11-08T23:00:00.000000Z",
        "2026-11-09T01:00:00.000000Z",
    ):
        monkeypatch.setattr(appending, "utc_now", lambda moment=moment: moment)
        record = Record("v", "", "custom", ["analytics"], ["marketing"], "v1")
        seal_personal_fields(record)
        store.append(record)
    weeks = store.stats(RecordFilter(), "week")["decisions"]
    assert [(w["bucket"], w["total"]) for w in weeks] == [("2026-11-02", 2), ("2026-11-09", 1)]
    days = store.stats(RecordFilter(since="2026-11-08T00:00:00.000000Z"), "day")["decisions"]
    assert [d["bucket"] for d in days] == ["2026-11-08", "2026-11-09"]
    assert store.verify().ok


@pytest.mark.parametrize(
    "params",
    [{"since": "2026-12-01", "until": "2026-11-01"}, {"since": "soon"}, {"bucket": "month"}],
)
def test_bad_stats_parameters_are_400(client, admin_headers, params):
    response = client.get("/api/v1/admin/stats", headers=admin_headers, query_string=params)
    assert_json_error(response, 400, "invalid_filter")


def test_filter_times_with_an_offset_are_read_as_utc(client, admin_headers):
    query = {"since": "2026-01-01T10:00:00+02:00", "until": "2026-01-02"}
    response = client.get("/api/v1/admin/stats", headers=admin_headers, query_string=query)
    assert response.status_code == 200
    assert response.get_json()["since"] == "2026-01-01T08:00:00.000000Z"
    assert response.get_json()["until"] == "2026-01-02T00:00:00.000000Z"


def test_stats_name_the_methods_they_count(client, admin_headers):
    body = client.get("/api/v1/admin/stats", headers=admin_headers).get_json()
    assert body["methods"] == ["accept_all", "reject_all", "custom", "withdraw", "erase"]
    assert body["visitor_methods"] == ["accept_all", "reject_all", "custom"]


def test_stats_need_an_admin_token(client):
    assert_json_error(client.get("/api/v1/admin/stats"), 401, "unauthorized")


def test_policy_versions_are_archived_with_their_text(
    make_app, manifest_path, admin_headers, monkeypatch
):
    from consent_server import manifest as manifest_module

    monkeypatch.setattr(manifest_module, "RECHECK_SECONDS", 0)
    app = make_app(MANIFEST=str(manifest_path))
    client = app.test_client()
    listed = client.get("/api/v1/admin/policies", headers=admin_headers).get_json()["policies"]
    assert [entry["policy_version"] for entry in listed] == ["abc123"]
    data = json.loads(manifest_path.read_text())
    data["policy_version"] = "def456"
    data["categories"][1]["title"] = "Audience measurement"
    manifest_path.write_text(json.dumps(data))
    decide(client, "custom", True, False, version="def456")
    listed = client.get("/api/v1/admin/policies", headers=admin_headers).get_json()["policies"]
    assert [entry["policy_version"] for entry in listed] == ["abc123", "def456"]
    old = client.get("/api/v1/admin/policies/abc123", headers=admin_headers).get_json()
    new = client.get("/api/v1/admin/policies/def456", headers=admin_headers).get_json()
    assert old["manifest"]["categories"][1]["title"] == "Analytics"
    assert new["manifest"]["categories"][1]["title"] == "Audience measurement"
    assert_json_error(client.get("/api/v1/admin/policies/nope", headers=admin_headers), 404)


def test_export_joins_each_record_to_its_policy_text(manifest_app, make_app, admin_headers):
    client = manifest_app.test_client()
    decide(client, "custom", True, False)
    decide(make_app().test_client(), "custom", True, False, version="unseen1")
    response = client.get(
        "/api/v1/admin/consents", headers=admin_headers, query_string={"with_policy": "1"}
    )
    first, second = (json.loads(line) for line in response.get_data(as_text=True).splitlines())
    assert first["policy"]["policy_version"] == "abc123"
    assert first["policy"]["categories"][1]["id"] == "analytics"
    assert second["policy"] == {"policy_version": "unseen1", "archived": False}
    csv_join = client.get(
        "/api/v1/admin/consents",
        headers=admin_headers,
        query_string={"with_policy": "1", "format": "csv"},
    )
    assert_json_error(csv_join, 400, "invalid_format")


def brute_force_totals(records, since=None, until=None) -> dict[str, int]:
    """The same totals counted one record at a time, to check the database's arithmetic."""
    totals: dict[str, int] = {}
    for record in records:
        if (since and record.created_at < since) or (until and record.created_at >= until):
            continue
        totals[record.method] = totals.get(record.method, 0) + 1
        if record.method in ("accept_all", "reject_all", "custom"):
            for category in record.granted:
                totals["granted:" + category] = totals.get("granted:" + category, 0) + 1
    return totals


def totals_from_stats(stats) -> dict[str, int]:
    totals: dict[str, int] = {}
    for entry in stats["policy_versions"]:
        for method in ("accept_all", "reject_all", "custom", "withdraw", "erase"):
            if entry[method]:
                totals[method] = totals.get(method, 0) + entry[method]
    for entry in stats["categories"]:
        if entry["granted"]:
            totals["granted:" + entry["category"]] = entry["granted"]
    return totals


def test_rollup_and_partial_days_agree_with_counting_records(backend, monkeypatch):
    import random

    from consent_server.chain import seal_personal_fields
    from consent_server.records import Record
    from consent_server.store import appending

    store = backend.open()
    generator = random.Random(7)
    moments = sorted(
        f"2026-11-{generator.randint(1, 9):02d}T{generator.randint(0, 23):02d}:00:00.000000Z"
        for _ in range(120)
    )
    for moment in moments:
        monkeypatch.setattr(appending, "utc_now", lambda moment=moment: moment)
        method = generator.choice(["accept_all", "reject_all", "custom", "withdraw"])
        granted = {"accept_all": ["a", "m"], "custom": ["a"]}.get(method, [])
        record = Record("x", "", method, granted, [], generator.choice(["v1", "v2"]))
        seal_personal_fields(record)
        store.append(record)
    records = list(store.records())
    for since, until in [
        (None, None),
        ("2026-11-03T00:00:00.000000Z", "2026-11-07T00:00:00.000000Z"),
        ("2026-11-03T05:00:00.000000Z", "2026-11-07T17:00:00.000000Z"),
        ("2026-11-04T05:00:00.000000Z", "2026-11-04T17:00:00.000000Z"),
        ("2026-11-02T13:00:00.000000Z", None),
    ]:
        stats = store.stats(RecordFilter(since=since, until=until))
        assert totals_from_stats(stats) == brute_force_totals(records, since, until), (since, until)


def test_purged_records_leave_the_statistics(backend, monkeypatch):
    from consent_server.chain import seal_personal_fields
    from consent_server.records import Record
    from consent_server.store import appending

    store = backend.open()
    for moment in (
        "2026-01-01T10:00:00.000000Z",
        "2026-01-01T11:00:00.000000Z",
        "2026-06-01T10:00:00.000000Z",
    ):
        monkeypatch.setattr(appending, "utc_now", lambda moment=moment: moment)
        record = Record("x", "", "accept_all", ["a"], [], "v1")
        seal_personal_fields(record)
        store.append(record)
    monkeypatch.undo()
    assert store.stats(RecordFilter())["total"] == 3
    assert store.purge("2026-03-01T00:00:00.000000Z", SIGNING_KEY) == 2
    stats = store.stats(RecordFilter())
    assert stats["total"] == 1
    assert [entry["bucket"] for entry in stats["decisions"]] == ["2026-06-01"]
