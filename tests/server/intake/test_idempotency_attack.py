"""Attack: an Idempotency-Key replayed by someone else, or for another operation.

A key is scoped to its requester, the way payment APIs scope keys to an account: the consent id
when the request carries a valid token, otherwise the client's fingerprint (truncated address and
user agent) with the request body. Anyone else reusing a key makes a decision of their own.
"""

from __future__ import annotations

from ..helpers import VALID_BODY, assert_json_error
from .helpers import STRANGER, VISITOR, decide, log_methods

KEY = "k3y-0f-the-v1ct1m-0123456789"
OTHER_BODY = {**VALID_BODY, "method": "reject_all", "choices": {"analytics": False}}


def test_a_stranger_reusing_a_key_never_gets_the_visitors_id_or_a_token_for_it(backend_app):
    victim = decide(backend_app.test_client(), **{"Idempotency-Key": KEY}).get_json()
    stranger = backend_app.test_client()

    answer = decide(stranger, environ=STRANGER, **{"Idempotency-Key": KEY, "User-Agent": "Evil/1"})

    assert answer.status_code in (201, 409, 422)
    body = answer.get_json()
    assert victim["consent_id"] not in answer.get_data(as_text=True)
    if answer.status_code == 201:
        assert body["token"] != victim["token"]
    history = stranger.get("/api/v1/consent/history")
    assert victim["consent_id"] not in history.get_data(as_text=True)
    assert "198.51.100.0/24" not in history.get_data(as_text=True)


def test_a_stranger_with_a_token_of_their_own_keeps_their_own_id(backend_app):
    victim = decide(backend_app.test_client(), **{"Idempotency-Key": KEY}).get_json()
    stranger = backend_app.test_client()
    own = decide(stranger, environ=STRANGER).get_json()

    answer = decide(stranger, environ=STRANGER, **{"Idempotency-Key": KEY})

    assert victim["consent_id"] not in answer.get_data(as_text=True)
    if answer.status_code == 201:
        assert answer.get_json()["consent_id"] == own["consent_id"]


def test_the_same_visitor_gets_the_original_answer_back_once(backend_app):
    first = decide(backend_app.test_client(), **{"Idempotency-Key": KEY})
    again = decide(backend_app.test_client(), **{"Idempotency-Key": KEY})

    assert first.status_code == again.status_code == 201
    original, replayed = first.get_json(), again.get_json()
    assert replayed["consent_id"] == original["consent_id"]
    assert replayed["created_at"] == original["created_at"]
    assert log_methods(backend_app) == ["custom"]


def test_the_same_key_with_another_body_is_refused(backend_app):
    decide(backend_app.test_client(), **{"Idempotency-Key": KEY})

    answer = decide(backend_app.test_client(), OTHER_BODY, **{"Idempotency-Key": KEY})

    assert_json_error(answer, 422, "idempotency_key_reused")
    assert log_methods(backend_app) == ["custom"]


def test_a_withdrawal_reusing_the_decisions_key_is_never_a_silent_200(backend_app):
    client = backend_app.test_client()
    decide(client, **{"Idempotency-Key": KEY})

    answer = client.delete(
        "/api/v1/consent", headers={"Idempotency-Key": KEY}, environ_base=VISITOR
    )

    assert_json_error(answer, 422, "idempotency_key_reused")
    assert log_methods(backend_app) == ["custom"]
    fresh = client.delete(
        "/api/v1/consent",
        headers={"Idempotency-Key": "w1thdraw-0123456789abc"},
        environ_base=VISITOR,
    )
    assert fresh.status_code == 200 and fresh.get_json()["method"] == "withdraw"
    assert log_methods(backend_app) == ["custom", "withdraw"]


def test_an_erasure_reusing_the_decisions_key_is_never_a_silent_200(backend_app):
    client = backend_app.test_client()
    decide(client, **{"Idempotency-Key": KEY})

    answer = client.delete(
        "/api/v1/consent/history", headers={"Idempotency-Key": KEY}, environ_base=VISITOR
    )

    assert_json_error(answer, 422, "idempotency_key_reused")
    assert log_methods(backend_app) == ["custom"]
    assert client.get("/api/v1/consent/history").get_json()["records"][0]["ip"] != ""


def test_a_replayed_withdrawal_is_logged_once_and_answered_alike(backend_app):
    client = backend_app.test_client()
    token = decide(client).get_json()["token"]
    headers = {"Idempotency-Key": "w1thdraw-0123456789abc", "X-Consent-Token": token}

    first = client.delete("/api/v1/consent", headers=headers, environ_base=VISITOR)
    again = client.delete("/api/v1/consent", headers=headers, environ_base=VISITOR)

    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert log_methods(backend_app) == ["custom", "withdraw"]


def test_another_visitors_withdrawal_with_the_same_key_is_their_own(backend_app):
    victim = backend_app.test_client()
    decide(victim)
    victim.delete("/api/v1/consent", headers={"Idempotency-Key": KEY}, environ_base=VISITOR)
    stranger = backend_app.test_client()
    decide(stranger, environ=STRANGER)

    answer = stranger.delete(
        "/api/v1/consent", headers={"Idempotency-Key": KEY}, environ_base=STRANGER
    )

    assert answer.status_code in (200, 409, 422)
    if answer.status_code == 200:
        assert log_methods(backend_app).count("withdraw") == 2
    owners = {record.consent_id for record in backend_app.extensions["consent"].store.records()}
    assert len(owners) == 2
