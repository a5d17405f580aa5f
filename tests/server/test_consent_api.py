"""The visitor API: give, read, withdraw, see and erase one's own consent."""

from __future__ import annotations

import pytest

from .helpers import VALID_BODY, assert_json_error, post_consent


def test_post_records_decision_and_returns_signed_token(client, row_count):
    response = post_consent(client)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {
        "consent_id", "token", "choices", "services", "policy_version", "created_at", "expires_at",
        "gpc", "method",
    }  # fmt: skip
    assert body["choices"] == {"analytics": True, "marketing": False, "necessary": True}
    assert body["policy_version"] == "v1"
    assert body["gpc"] is False
    assert body["expires_at"] > body["created_at"]
    assert row_count() == 1


def test_cookie_carries_token_with_safe_flags(client):
    response = post_consent(client)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"consent={response.get_json()['token']};")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=15552000"):
        assert flag in cookie


def test_cookie_domain_and_insecure_mode_follow_settings(make_app):
    client = make_app(COOKIE_DOMAIN="example.com", COOKIE_SECURE=False).test_client()
    cookie = post_consent(client).headers["Set-Cookie"]
    assert "Domain=example.com" in cookie
    assert "Secure" not in cookie


def test_token_in_cookie_or_header_keeps_consent_id(app):
    first = post_consent(app.test_client())
    consent_id, token = first.get_json()["consent_id"], first.get_json()["token"]
    by_header = post_consent(app.test_client(), headers={"X-Consent-Token": token})
    assert by_header.get_json()["consent_id"] == consent_id
    cookie_client = app.test_client()
    cookie_client.set_cookie("consent", token)
    assert post_consent(cookie_client).get_json()["consent_id"] == consent_id
    assert post_consent(app.test_client()).get_json()["consent_id"] != consent_id


def test_get_returns_latest_decision(client):
    post_consent(client)
    post_consent(client, {**VALID_BODY, "choices": {"analytics": False}, "method": "reject_all"})
    body = client.get("/api/v1/consent").get_json()
    assert body["method"] == "reject_all"
    assert body["choices"]["analytics"] is False


def test_get_without_token_is_no_consent(client):
    assert_json_error(client.get("/api/v1/consent"), 404, "no_consent")


def test_withdraw_logs_record_and_clears_cookie(client, app):
    post_consent(client)
    response = client.delete("/api/v1/consent")
    assert response.status_code == 200
    assert response.get_json()["method"] == "withdraw"
    assert response.get_json()["choices"] == {
        "analytics": False,
        "marketing": False,
        "necessary": True,
    }
    assert "consent=;" in response.headers["Set-Cookie"]
    assert_json_error(client.get("/api/v1/consent"), 404, "no_consent")
    methods = [record.method for record in app.extensions["consent"].store.records()]
    assert methods == ["custom", "withdraw"]


def test_withdraw_without_token_is_no_consent(client, row_count):
    assert_json_error(client.delete("/api/v1/consent"), 404, "no_consent")
    assert row_count() == 0


def test_history_lists_every_record_of_this_visitor_only(app):
    mine = app.test_client()
    post_consent(mine)
    post_consent(
        mine,
        {**VALID_BODY, "method": "accept_all", "choices": {"analytics": True, "marketing": True}},
    )
    post_consent(app.test_client())
    body = mine.get("/api/v1/consent/history").get_json()
    assert [record["method"] for record in body["records"]] == ["custom", "accept_all"]
    assert {record["consent_id"] for record in body["records"]} == {body["consent_id"]}
    assert "personal_salt" not in body["records"][0]
    assert body["records"][0]["page_url"] == VALID_BODY["page_url"]


def test_erase_blanks_personal_fields_keeps_chain_and_logs_erasure(app, client, admin_headers):
    token = post_consent(client, headers={"User-Agent": "Visitor/1.0"}).get_json()["token"]
    post_consent(app.test_client())
    response = client.delete("/api/v1/consent/history")
    assert response.status_code == 200 and response.get_json()["erased"] is True
    history = app.test_client().get("/api/v1/consent/history", headers={"X-Consent-Token": token})
    records = history.get_json()["records"]
    assert [record["method"] for record in records] == ["custom", "erase"]
    assert records[0]["ip"] == records[0]["user_agent"] == records[0]["page_url"] == ""
    assert records[0]["erased"] is True
    others = [
        r
        for r in app.extensions["consent"].store.records()
        if r.consent_id != records[0]["consent_id"]
    ]
    assert others[0].user_agent != ""
    assert client.get("/api/v1/admin/verify", headers=admin_headers).get_json()["ok"] is True


def test_gpc_header_is_recorded(client, app):
    assert post_consent(client, headers={"Sec-GPC": "1"}).get_json()["gpc"] is True
    assert post_consent(client).get_json()["gpc"] is False
    assert [record.gpc for record in app.extensions["consent"].store.records()] == [True, False]


@pytest.mark.parametrize(
    ("mode", "address", "stored"),
    [
        ("truncate", "203.0.113.77", "203.0.113.0/24"),
        ("truncate", "2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("drop", "203.0.113.77", ""),
    ],
)
def test_ip_is_reduced_as_configured(make_app, mode, address, stored):
    app = make_app(IP_MODE=mode)
    post_consent(app.test_client(), environ_base={"REMOTE_ADDR": address})
    assert next(app.extensions["consent"].store.records()).ip == stored


def test_ip_hmac_mode_is_stable_and_not_the_address(make_app):
    app = make_app(IP_MODE="hmac")
    for _ in range(2):
        post_consent(app.test_client(), environ_base={"REMOTE_ADDR": "203.0.113.77"})
    first, second = (record.ip for record in app.extensions["consent"].store.records())
    assert first == second and first.startswith("hmac:") and "203.0.113" not in first


def test_required_categories_from_manifest_are_always_granted(make_app, manifest_path):
    client = make_app(MANIFEST=str(manifest_path)).test_client()
    body = {
        **VALID_BODY,
        "method": "reject_all",
        "choices": {"analytics": False, "necessary": False},
        "policy_version": "abc123",
    }
    response = post_consent(client, body)
    assert response.status_code == 201
    assert response.get_json()["choices"] == {
        "necessary": True,
        "analytics": False,
        "marketing": False,
    }


def test_manifest_change_is_picked_up_without_restart(make_app, manifest_path, monkeypatch):
    import json

    from consent_server import manifest as manifest_module

    monkeypatch.setattr(manifest_module, "RECHECK_SECONDS", 0)
    client = make_app(MANIFEST=str(manifest_path)).test_client()
    body = {**VALID_BODY, "choices": {"video": True}, "policy_version": "abc123"}
    assert post_consent(client, body).status_code == 400
    data = json.loads(manifest_path.read_text())
    data["categories"].append({"id": "video", "title": "Video", "required": False})
    manifest_path.write_text(json.dumps(data))
    import os

    os.utime(manifest_path, ns=(1, 10**18))
    assert post_consent(client, body).status_code == 201


def test_cors_only_for_configured_origins_and_never_on_admin(make_app, admin_headers):
    client = make_app(ALLOWED_ORIGINS="https://docs.example.com").test_client()
    allowed = post_consent(client, headers={"Origin": "https://docs.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://docs.example.com"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    foreign = post_consent(client, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in foreign.headers
    preflight = client.options(
        "/api/v1/consent",
        headers={
            "Origin": "https://docs.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-consent-token",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://docs.example.com"
    admin = client.get(
        "/api/v1/admin/verify", headers={**admin_headers, "Origin": "https://docs.example.com"}
    )
    assert admin.status_code == 200
    assert "Access-Control-Allow-Origin" not in admin.headers


def test_no_cors_headers_without_configured_origins(client):
    response = post_consent(client, headers={"Origin": "https://docs.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_origin_and_user_agent_are_recorded(client, app):
    post_consent(client, headers={"Origin": "https://docs.example.com", "User-Agent": "Agent/2"})
    record = next(app.extensions["consent"].store.records())
    assert (record.origin, record.user_agent) == ("https://docs.example.com", "Agent/2")


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}


def test_download_my_data_is_a_portable_consent_record(make_app, manifest_path):
    client = make_app(MANIFEST=str(manifest_path)).test_client()
    assert_json_error(client.get("/api/v1/consent/export"), 404, "no_consent")
    token = post_consent(client, {**VALID_BODY, "policy_version": "abc123"}).get_json()["token"]
    headers = {"X-Consent-Token": token}
    client.delete("/api/v1/consent", headers=headers)
    post_consent(client, {**VALID_BODY, "policy_version": "abc123"}, headers=headers)
    response = client.get("/api/v1/consent/export", headers=headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    receipt = response.get_json()
    assert receipt["standard"].startswith("ISO/IEC TS 27560")
    assert [event["event_type"] for event in receipt["events"]] == ["given", "withdrawn", "given"]
    purposes = {purpose["purpose_id"]: purpose for purpose in receipt["purposes"]}
    assert purposes["analytics"]["state"] == "granted"
    assert purposes["analytics"]["purpose"] == "Analytics"
    assert purposes["marketing"]["state"] == "not granted"
    assert receipt["events"][0]["collected_personal_data"]["page_url"] == VALID_BODY["page_url"]


def test_service_level_choices_are_recorded_and_withdrawn(make_app, manifest_path):
    import json

    data = json.loads(manifest_path.read_text())
    data["categories"].append({"id": "media", "title": "Media", "required": False})
    data["services"] = [{"id": "youtube", "name": "YouTube", "category": "media"}]
    manifest_path.write_text(json.dumps(data))
    app = make_app(MANIFEST=str(manifest_path))
    client = app.test_client()
    body = {
        **VALID_BODY,
        "method": "custom",
        "choices": {"analytics": False, "media": False},
        "policy_version": "abc123",
    }
    response = post_consent(client, {**body, "services": {"youtube": True}})
    assert response.status_code == 201
    assert response.get_json()["services"] == {"youtube": True}
    assert response.get_json()["choices"]["media"] is False
    assert_json_error(
        post_consent(client, {**body, "services": {"vimeo": True}}), 400, "unknown_service"
    )
    assert_json_error(
        post_consent(client, {**body, "services": {"youtube": "yes"}}), 400, "invalid_services"
    )
    withdrawn = client.delete("/api/v1/consent").get_json()
    assert withdrawn["services"] == {"youtube": False}
    records = list(app.extensions["consent"].store.records())
    assert (records[0].granted_services, records[1].denied_services) == (["youtube"], ["youtube"])
    assert app.extensions["consent"].store.verify().ok


def test_a_resent_decision_is_logged_once(app, row_count):
    key = {"Idempotency-Key": "k3y-0123456789abcdef"}
    first = post_consent(app.test_client(), headers=key)
    again = post_consent(app.test_client(), headers=key)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["consent_id"] == again.get_json()["consent_id"]
    assert first.get_json()["created_at"] == again.get_json()["created_at"]
    assert row_count() == 1
    assert (
        post_consent(
            app.test_client(), headers={"Idempotency-Key": "other-key-0123456789"}
        ).status_code
        == 201
    )
    assert row_count() == 2
    for malformed in ("short", "-starts-like-a-formula-01"):
        assert_json_error(
            post_consent(app.test_client(), headers={"Idempotency-Key": malformed}),
            400,
            "invalid_idempotency_key",
        )
    assert app.extensions["consent"].store.verify().ok
