"""Every kind of bad input gets a clear 4xx JSON error and writes nothing to the log."""

from __future__ import annotations

import json

import pytest
from itsdangerous import URLSafeTimedSerializer

from consent_server.tokens import TOKEN_SALT

from .helpers import VALID_BODY, assert_json_error, post_consent


def body_with(**changes: object) -> dict:
    body = {**VALID_BODY, **changes}
    return {key: value for key, value in body.items() if value is not ...}


BAD_BODIES = {
    "not an object": ([1, 2], "invalid_request"),
    "string body": ("consent", "invalid_request"),
    "null body": (None, "invalid_request"),
    "choices not an object": (body_with(choices=["analytics"]), "invalid_choices"),
    "choices empty": (body_with(choices={}), "invalid_choices"),
    "choice not boolean": (body_with(choices={"analytics": "yes"}), "invalid_choices"),
    "choice number": (body_with(choices={"analytics": 1}), "invalid_choices"),
    "category id with markup": (body_with(choices={"<script>": True}), "invalid_choices"),
    "too many categories": (
        body_with(choices={f"c{i}": True for i in range(65)}),
        "invalid_choices",
    ),
    "missing choices": (body_with(choices=...), "invalid_choices"),
    "missing policy_version": (body_with(policy_version=...), "invalid_policy_version"),
    "overlong policy_version": (body_with(policy_version="v" * 65), "invalid_policy_version"),
    "policy_version not a string": (body_with(policy_version=3), "invalid_policy_version"),
    "policy_version like a formula": (body_with(policy_version="-1+1"), "invalid_policy_version"),
    "missing method": (body_with(method=...), "invalid_method"),
    "unknown method": (body_with(method="withdraw"), "invalid_method"),
    "overlong page_url": (
        body_with(page_url="https://example.com/" + "a" * 2100),
        "invalid_page_url",
    ),
    "page_url not http": (body_with(page_url="javascript:alert(1)"), "invalid_page_url"),
    "bad language": (body_with(language="en_US<script>"), "invalid_language"),
    "unknown field": ({**VALID_BODY, "admin": True}, "invalid_request"),
    "accept_all that denies": (body_with(method="accept_all"), "inconsistent_method"),
    "reject_all that grants": (body_with(method="reject_all"), "inconsistent_method"),
}


@pytest.mark.parametrize("case", BAD_BODIES, ids=list(BAD_BODIES))
def test_bad_bodies_are_rejected_without_writing(client, row_count, case):
    body, code = BAD_BODIES[case]
    response = client.post(
        "/api/v1/consent", data=json.dumps(body), content_type="application/json"
    )
    assert_json_error(response, 400, code)
    assert row_count() == 0


@pytest.mark.parametrize("raw", [b"{", b'{"choices": ', b"\xff\xfe", b"", b"NaN-ish"])
def test_malformed_json_is_400(client, row_count, raw):
    response = client.post("/api/v1/consent", data=raw, content_type="application/json")
    assert_json_error(response, 400, "invalid_json")
    assert row_count() == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(client, row_count, content_type):
    response = client.post(
        "/api/v1/consent", data=json.dumps(VALID_BODY), content_type=content_type
    )
    assert_json_error(response, 415, "unsupported_media_type")
    assert row_count() == 0


def test_one_megabyte_body_is_413(client, row_count):
    huge = json.dumps({**VALID_BODY, "language": "x" * (1024 * 1024)})
    response = client.post("/api/v1/consent", data=huge, content_type="application/json")
    assert_json_error(response, 413)
    assert row_count() == 0


def test_unknown_category_with_manifest_is_400(make_app, manifest_path, row_count):
    client = make_app(MANIFEST=str(manifest_path)).test_client()
    body = body_with(choices={"analytics": True, "tracking": True}, policy_version="abc123")
    assert_json_error(post_consent(client, body), 400, "unknown_category")
    assert row_count() == 0


def test_any_well_formed_category_without_manifest_is_accepted(client):
    response = post_consent(client, body_with(choices={"video": True}))
    assert response.status_code == 201


def _forged_tokens(client) -> dict[str, str]:
    token = post_consent(client).get_json()["token"]
    payload, _, signature = token.rpartition(".")
    foreign = URLSafeTimedSerializer("f" * 40, salt=TOKEN_SALT).dumps({"cid": "someone", "seq": 1})
    other_salt = URLSafeTimedSerializer("s" * 40, salt="other").dumps({"cid": "someone", "seq": 1})
    return {
        "tampered signature": payload + "." + signature[::-1],
        "tampered payload": "x" + token[1:],
        "foreign key": foreign,
        "other salt": other_salt,
        "garbage": "not-a-token",
        "huge": "a" * 10000,
    }


@pytest.mark.parametrize(
    "kind",
    ["tampered signature", "tampered payload", "foreign key", "other salt", "garbage", "huge"],
)
def test_forged_tokens_read_as_no_consent(client, row_count, kind):
    forged = _forged_tokens(client)[kind]
    headers = {"X-Consent-Token": forged}
    assert_json_error(client.get("/api/v1/consent", headers=headers), 404, "no_consent")
    assert_json_error(client.get("/api/v1/consent/history", headers=headers), 404, "no_consent")
    assert_json_error(client.delete("/api/v1/consent/history", headers=headers), 404, "no_consent")
    assert row_count() == 1


def test_forged_token_on_post_gets_a_new_consent_id(client):
    original = post_consent(client).get_json()
    forged = "x" + original["token"][1:]
    fresh = post_consent(client, headers={"X-Consent-Token": forged}).get_json()
    assert fresh["consent_id"] != original["consent_id"]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer wrong-token",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer",
        "Bearer a b",
        "bearer x" * 200,
    ],
)
def test_admin_rejects_missing_wrong_or_malformed_tokens(client, header):
    headers = {"Authorization": header} if header else {}
    for path in ("/api/v1/admin/consents", "/api/v1/admin/verify"):
        response = client.get(path, headers=headers)
        assert_json_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_route_and_method_are_json(client):
    assert_json_error(client.get("/api/v1/nope"), 404, "not_found")
    assert_json_error(client.put("/api/v1/consent"), 405, "method_not_allowed")
