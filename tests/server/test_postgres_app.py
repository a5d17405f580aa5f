"""The whole visitor and admin flow on PostgreSQL, through the app."""

from __future__ import annotations

import json

import pytest

from .helpers import VALID_BODY, post_consent

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(make_app):
    from .conftest import postgres_schema

    with postgres_schema() as url:
        app = make_app(DATABASE_URL=url)
        yield app
        app.extensions["consent"].store.close()


def test_full_flow_on_postgres(pg_app, admin_headers):
    client = pg_app.test_client()
    assert client.get("/readyz").status_code == 200
    first = post_consent(client, headers={"Sec-GPC": "1"})
    assert first.status_code == 201 and first.get_json()["gpc"] is True
    post_consent(client, {**VALID_BODY, "method": "reject_all", "choices": {"analytics": False}})
    assert client.get("/api/v1/consent").get_json()["method"] == "reject_all"
    assert client.delete("/api/v1/consent").get_json()["method"] == "withdraw"
    client.set_cookie("consent", first.get_json()["token"])
    assert client.delete("/api/v1/consent/history").status_code == 200
    export = client.get("/api/v1/admin/consents", headers=admin_headers)
    records = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    assert [r["method"] for r in records] == ["custom", "reject_all", "withdraw", "erase"]
    assert all(r["ip"] == "" for r in records)
    assert client.get("/api/v1/admin/verify", headers=admin_headers).get_json()["ok"] is True


def test_unreachable_postgres_gives_503_not_500(make_app):
    app = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", DB_TIMEOUT=0.5)
    client = app.test_client()
    response = post_consent(client)
    assert response.status_code == 503
    assert response.get_json()["error"] == "store_unavailable"
    assert client.get("/readyz").status_code == 503
    app.extensions["consent"].store.close()
