"""What the dashboard reads: pages of records, search by consent id, hours, the chain, the icon."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from consent_server.store import RecordFilter

from .helpers import assert_json_error, post_consent
from .seeding import decision
from .test_dashboard import sign_in

BASE = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_store_pages_by_seq_newest_first_with_filters(backend):
    store = backend.open()
    for index in range(7):
        cid = "visitor-a" if index % 2 else "visitor-b"
        store.append(
            decision(
                BASE + timedelta(hours=index), "custom", ["analytics"], [], "v1", consent_id=cid
            )
        )
    first = store.page(RecordFilter(), None, 3)
    assert [r.seq for r in first] == [7, 6, 5]
    assert [r.seq for r in store.page(RecordFilter(), first[-1].seq, 3)] == [4, 3, 2]
    assert [r.seq for r in store.page(RecordFilter(), 2, 3)] == [1]
    only_a = store.page(RecordFilter(consent_id="visitor-a"), None, 10)
    assert [r.seq for r in only_a] == [6, 4, 2]
    since = RecordFilter(since="2026-11-02T11:00:00.000000Z", consent_id="visitor-b")
    assert [r.seq for r in store.page(since, 7, 10)] == [5]


def test_stats_by_hour_come_from_the_log(backend):
    store = backend.open()
    for hours in (0, 0.5, 3, 26):
        store.append(decision(BASE + timedelta(hours=hours), "accept_all", ["analytics"], [], "v1"))
    day = RecordFilter(since="2026-11-02T00:00:00.000000Z", until="2026-11-03T00:00:00.000000Z")
    buckets = store.stats(day, "hour")["decisions"]
    assert [(b["bucket"], b["total"]) for b in buckets] == [
        ("2026-11-02T08", 2),
        ("2026-11-02T11", 1),
    ]


@pytest.fixture
def signed_in(client, app):
    for _ in range(30):
        assert post_consent(app.test_client()).status_code == 201
    sign_in(client)
    return client


def test_records_come_in_pages_with_a_total_and_a_cursor(signed_in):
    first = signed_in.get("/admin/records.json", query_string={"limit": 25}).get_json()
    assert len(first["records"]) == 25 and first["total"] == 30
    assert first["records"][0]["seq"] == 30 and first["next_before"] == 6
    second = signed_in.get(
        "/admin/records.json", query_string={"limit": 25, "before": 6}
    ).get_json()
    assert [r["seq"] for r in second["records"]] == [5, 4, 3, 2, 1]
    assert second["next_before"] is None and second["total"] == 30


def test_records_are_searched_by_consent_id(signed_in, app):
    visitor = app.test_client()
    post_consent(visitor)
    visitor.delete("/api/v1/consent")
    consent_id = signed_in.get("/admin/records.json").get_json()["records"][0]["consent_id"]
    found = signed_in.get("/admin/records.json", query_string={"consent_id": consent_id}).get_json()
    assert [r["method"] for r in found["records"]] == ["withdraw", "custom"] and found["total"] == 2
    none = signed_in.get(
        "/admin/records.json", query_string={"consent_id": "no-such-visitor"}
    ).get_json()
    assert none == {"records": [], "total": 0, "next_before": None}


@pytest.mark.parametrize(
    "query",
    [
        {"before": "0"},
        {"before": "x"},
        {"limit": "0"},
        {"limit": "101"},
        {"consent_id": "<script>"},
    ],
)
def test_bad_paging_or_search_is_a_clear_400(signed_in, query):
    assert_json_error(
        signed_in.get("/admin/records.json", query_string=query), 400, "invalid_filter"
    )


def test_stats_say_which_categories_are_always_on_and_count_hours(signed_in):
    today = datetime.now(UTC).date()
    one_day = {"since": today.isoformat(), "until": (today + timedelta(days=1)).isoformat()}
    body = signed_in.get("/admin/stats.json", query_string={**one_day, "bucket": "hour"}).get_json()
    assert body["required"] == ["necessary"] and body["bucket"] == "hour"
    [hour] = body["decisions"]
    assert hour["total"] == 30 and len(hour["bucket"]) == len("2026-11-02T08")
    assert_json_error(
        signed_in.get("/admin/stats.json", query_string={"bucket": "hour"}), 400, "invalid_filter"
    )
    month = {"since": "2026-01-01", "until": "2026-02-01", "bucket": "hour"}
    assert_json_error(signed_in.get("/admin/stats.json", query_string=month), 400, "invalid_filter")


def test_the_chain_is_verified_from_the_dashboard(signed_in, app, admin_headers):
    body = signed_in.get("/admin/verify.json").get_json()
    assert (body["ok"], body["checked"], body["first_broken"]) == (True, 30, None)
    api = app.test_client().get("/api/v1/admin/verify", headers=admin_headers).get_json()
    assert body == api, "as the admin API answers"


def test_verify_and_records_need_a_session(app):
    for path in ("/admin/verify.json", "/admin/records.json"):
        assert_json_error(app.test_client().get(path), 401, "unauthorized")


def test_favicon_is_the_servers_unless_the_site_has_one(make_app, tmp_path):
    icon = make_app().test_client().get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"
    site = tmp_path / "site"
    site.mkdir()
    (site / "favicon.ico").write_bytes(b"\x00\x00\x01\x00site")
    (site / "index.html").write_text("<h1>Site</h1>")
    assert make_app(SITE_DIR=str(site)).test_client().get("/favicon.ico").data.endswith(b"site")
