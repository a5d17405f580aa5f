"""The admin API: streamed exports with filters, and chain verification."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from .helpers import VALID_BODY, assert_json_error, post_consent


@pytest.fixture
def populated(app):
    """Three visitors, two policy versions, one hostile user agent."""
    client = app.test_client()
    post_consent(client, headers={"User-Agent": '=HYPERLINK("https://evil.example")'})
    post_consent(app.test_client(), {**VALID_BODY, "policy_version": "v2"})
    post_consent(app.test_client(), {**VALID_BODY, "policy_version": "v2", "language": "de"})
    return app


def export(client, admin_headers, **params: str):
    return client.get("/api/v1/admin/consents", headers=admin_headers, query_string=params)


def test_jsonl_export_streams_every_record(populated, client, admin_headers):
    response = export(client, admin_headers, format="jsonl")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [record["seq"] for record in records] == [1, 2, 3]
    assert {"hash", "prev_hash", "granted", "denied", "gpc", "ip"} <= set(records[0])
    assert "personal_salt" not in records[0]


def test_csv_export_has_header_and_neutralises_formulas(populated, client, admin_headers):
    response = export(client, admin_headers, format="csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3
    assert rows[0]["user_agent"].startswith("'=HYPERLINK")
    assert rows[1]["policy_version"] == "v2"
    assert rows[0]["granted"] == "analytics necessary"


def test_filters_select_records(populated, client, admin_headers):
    def seqs(**params: str) -> list[int]:
        body = export(client, admin_headers, **params).get_data(as_text=True)
        return [json.loads(line)["seq"] for line in body.splitlines()]

    assert seqs(policy_version="v2") == [2, 3]
    all_records = [
        json.loads(line)
        for line in export(client, admin_headers).get_data(as_text=True).splitlines()
    ]
    assert seqs(consent_id=all_records[0]["consent_id"]) == [1]
    second = all_records[1]["created_at"]
    assert seqs(since=second) == [2, 3]
    assert seqs(until=second) == [1]
    assert seqs(since="2000-01-01", until="2000-01-02") == []


@pytest.mark.parametrize(
    "params",
    [
        {"format": "xml"},
        {"since": "yesterday"},
        {"until": "2026-13-45"},
        {"since": "2026-02-01", "until": "2026-01-01"},
        {"consent_id": "<script>"},
        {"policy_version": "a b"},
    ],
)
def test_bad_export_parameters_are_400(client, admin_headers, params):
    assert_json_error(export(client, admin_headers, **params), 400)


def test_verify_reports_intact_and_broken_chains(populated, client, admin_headers, db_path):
    assert client.get("/api/v1/admin/verify", headers=admin_headers).get_json() == {
        "ok": True, "checked": 3, "first_broken": None, "reason": None,
        "anchor_seq": 0, "anchor_hash": "0" * 64, "head_seq": 3, "purges": [],
    }  # fmt: skip
    with sqlite3.connect(db_path) as connection:
        connection.execute("DROP TRIGGER consent_log_append_only")
        connection.execute("UPDATE consent_log SET method = 'accept_all' WHERE seq = 2")
    body = client.get("/api/v1/admin/verify", headers=admin_headers).get_json()
    assert (body["ok"], body["first_broken"], body["checked"]) == (False, 2, 1)


def test_unavailable_log_is_503_for_exports_and_verify(make_app, admin_headers):
    client = make_app(DATABASE_URL="sqlite:////proc/no-such-folder/consent.sqlite3").test_client()
    assert_json_error(export(client, admin_headers), 503, "store_unavailable")
    assert_json_error(client.get("/api/v1/admin/verify", headers=admin_headers), 503)


def test_admin_tokens_are_checked_against_every_configured_hash(make_app):
    from .helpers import admin_hash

    app = make_app(ADMIN_TOKENS=f"{admin_hash('first-admin')},{admin_hash('second-admin')}")
    client = app.test_client()
    for token in ("first-admin", "second-admin"):
        assert (
            client.get(
                "/api/v1/admin/verify", headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )
    no_admins = make_app(ADMIN_TOKENS="").test_client()
    assert (
        no_admins.get(
            "/api/v1/admin/verify", headers={"Authorization": "Bearer first-admin"}
        ).status_code
        == 401
    )
