"""Attack: filters whose offsets are dropped, and dates that crash the statistics.

`since=2026-12-01T09:00+02:00` is 07:00 UTC: the offset is honoured by the admin API, the
dashboard and the CLI alike; a date the log cannot hold is a 400 (exit 2), never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
import time_machine

from consent_server.cli import main

from .helpers import decide, jsonl_records, sign_in

MOMENTS = ("2026-12-01T06:30:00Z", "2026-12-01T07:30:00Z", "2026-12-01T08:30:00Z",
           "2026-12-01T09:30:00Z")  # fmt: skip


@pytest.fixture
def logged_app(backend_app):
    """One decision at each of MOMENTS."""
    for moment in MOMENTS:
        with time_machine.travel(datetime.fromisoformat(moment), tick=False):
            assert decide(backend_app.test_client()).status_code == 201
    return backend_app


def exported_times(app, admin_headers, **query: str) -> list[str]:
    response = app.test_client().get(
        "/api/v1/admin/consents",
        query_string={"format": "jsonl", **query},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return [
        record["created_at"][11:16] for record in jsonl_records(response.get_data(as_text=True))
    ]


def test_an_offset_in_since_is_honoured(logged_app, admin_headers):
    times = exported_times(logged_app, admin_headers, since="2026-12-01T09:00+02:00")

    assert times == ["07:30", "08:30", "09:30"]


def test_an_offset_in_until_is_honoured(logged_app, admin_headers):
    times = exported_times(logged_app, admin_headers, until="2026-12-01T03:00-05:00")

    assert times == ["06:30", "07:30"]


def test_offsets_in_stats_are_honoured(logged_app, admin_headers):
    response = logged_app.test_client().get(
        "/api/v1/admin/stats",
        query_string={"since": "2026-12-01T09:00+02:00", "until": "2026-12-01T10:00+01:00"},
        headers=admin_headers,
    )

    assert response.status_code == 200
    assert response.get_json()["total"] == 2
    assert response.get_json()["since"].startswith("2026-12-01T07:00:00")


def test_an_offset_given_in_a_raw_query_string_is_not_read_as_a_space(logged_app, admin_headers):
    """`+` in a query string is a space to a form decoder; `%2B` is what a client sends."""
    response = logged_app.test_client().get(
        "/api/v1/admin/consents?format=jsonl&since=" + quote("2026-12-01T09:00+02:00"),
        headers=admin_headers,
    )

    assert len(jsonl_records(response.get_data(as_text=True))) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"since": "9999-12-31"},
        {"until": "9999-12-31T23:59:59"},
        {"since": "0001-01-01T00:00+01:00"},
        {"since": "1969-12-31"},
        {"since": "2026-12-01T09:00+24:00"},
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/admin/stats", "/api/v1/admin/consents"])
def test_dates_the_log_cannot_hold_are_a_400(backend_app, admin_headers, path, query):
    decide(backend_app.test_client())

    response = backend_app.test_client().get(path, query_string=query, headers=admin_headers)

    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"] == "invalid_filter"


def test_the_dashboard_reads_offsets_the_same_way(logged_app):
    client = logged_app.test_client()
    sign_in(client)
    body = client.get("/admin/stats.json", query_string={"since": "2026-12-01T09:00+02:00"})

    assert body.get_json()["total"] == 3
    assert client.get("/admin/stats.json", query_string={"since": "9999-12-31"}).status_code == 400


def test_the_cli_honours_offsets_and_refuses_impossible_dates(
    logged_app, runner, monkeypatch, backend
):
    monkeypatch.setenv("CONSENT_DATABASE_URL", backend.url)

    result = runner.invoke(main, ["export", "--since", "2026-12-01T09:00+02:00"])

    assert result.exit_code == 0, result.output
    assert len(jsonl_records(result.output)) == 3
    impossible = runner.invoke(main, ["export", "--since", "0001-01-01T00:00+01:00"])
    assert impossible.exit_code == 2
    assert "--since" in impossible.output


def test_times_are_stored_in_utc_whatever_the_clock_says(backend_app):
    with time_machine.travel(datetime(2026, 12, 1, 7, 0, tzinfo=UTC), tick=False):
        body = decide(backend_app.test_client()).get_json()

    assert body["created_at"] == "2026-12-01T07:00:00.000000Z"
