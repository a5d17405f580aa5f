"""Consent tokens: signing, expiry and key rotation."""

from __future__ import annotations

import itsdangerous
import itsdangerous.timed

from consent_server.tokens import TOKEN_SALT, TokenSigner

from .helpers import OLD_SECRET, SECRET, assert_json_error, post_consent


def test_round_trip():
    signer = TokenSigner([SECRET], max_age_seconds=60)
    assert signer.read(signer.sign({"cid": "abc", "seq": 3})) == {"cid": "abc", "seq": 3}


def test_expired_token_reads_as_none(monkeypatch):
    signer = TokenSigner([SECRET], max_age_seconds=60)
    token = signer.sign({"cid": "abc"})
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 61)
    assert signer.read(token) is None


def test_newest_key_signs_and_every_listed_key_verifies():
    old = TokenSigner([OLD_SECRET], max_age_seconds=60)
    rotated = TokenSigner([OLD_SECRET, SECRET], max_age_seconds=60)
    new_only = TokenSigner([SECRET], max_age_seconds=60)
    old_token = old.sign({"cid": "a"})
    assert rotated.read(old_token) == {"cid": "a"}
    assert new_only.read(rotated.sign({"cid": "b"})) == {"cid": "b"}
    assert new_only.read(old_token) is None


def test_rotation_keeps_visitors_and_retirement_ends_old_tokens(make_app):
    before = make_app(SECRET_KEYS=OLD_SECRET)
    token = post_consent(before.test_client()).get_json()["token"]
    headers = {"X-Consent-Token": token}
    during = make_app(SECRET_KEYS=f"{OLD_SECRET},{SECRET}").test_client()
    assert during.get("/api/v1/consent", headers=headers).status_code == 200
    after = make_app(SECRET_KEYS=SECRET).test_client()
    assert_json_error(after.get("/api/v1/consent", headers=headers), 404, "no_consent")


def test_token_expires_with_configured_lifetime(make_app, monkeypatch):
    client = make_app(MAX_AGE_DAYS=1).test_client()
    token = post_consent(client).get_json()["token"]
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 86401)
    response = client.get("/api/v1/consent", headers={"X-Consent-Token": token})
    assert_json_error(response, 404, "no_consent")


def test_tokens_are_plain_itsdangerous_tokens_both_ways():
    """Deriving each key once changes no byte: tokens signed by itsdangerous's own serializer
    read back, and ours read back through it."""
    ours = TokenSigner([OLD_SECRET, SECRET], max_age_seconds=60)
    plain = itsdangerous.URLSafeTimedSerializer([OLD_SECRET, SECRET], salt=TOKEN_SALT)
    old_plain = itsdangerous.URLSafeTimedSerializer([OLD_SECRET], salt=TOKEN_SALT)
    assert ours.read(plain.dumps({"cid": "a"})) == {"cid": "a"}
    assert ours.read(old_plain.dumps({"cid": "b"})) == {"cid": "b"}
    assert plain.loads(ours.sign({"cid": "c", "seq": 1})) == {"cid": "c", "seq": 1}
    assert ours.read(ours.sign({"cid": "d"})[:-2] + "xx") is None
