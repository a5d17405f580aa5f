"""Checkpoints are signed with the server's Ed25519 key, so anyone holding the published public key
can check them; a secret shared with the server proves nothing to a third party."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from itsdangerous import Signer

from consent_server import ConfigError, create_app

from ..server.helpers import SECRET, post_consent
from .chain_format import public_key_from, signature_valid, without_signature
from .conftest import write_signing_key


def test_public_key_prints_the_key_that_verifies_checkpoints(log_app, cli, tmp_path):
    post_consent(log_app.test_client())
    published = cli("public-key")
    assert published.exit_code == 0, published.output
    key = public_key_from(published.output)
    target = tmp_path / "checkpoint.json"

    assert cli("checkpoint", "--output", str(target)).exit_code == 0

    checkpoint = json.loads(target.read_text())
    assert (checkpoint["seq"], checkpoint["anchor_seq"]) == (1, 0)
    assert signature_valid(key, checkpoint, without_signature(checkpoint))
    forged = {**checkpoint, "seq": 2}
    assert not signature_valid(key, forged, without_signature(forged))


def test_a_checkpoint_from_another_key_is_refused(log_app, cli, tmp_path, monkeypatch):
    post_consent(log_app.test_client())
    target = tmp_path / "checkpoint.json"
    assert cli("checkpoint", "--output", str(target)).exit_code == 0
    other = write_signing_key(tmp_path / "other.pem")
    monkeypatch.setenv("CONSENT_SIGNING_KEY", str(other))

    result = cli("verify", "--checkpoint", str(target))

    assert result.exit_code == 1
    assert "signature" in result.output


def test_an_inline_raw_key_is_accepted(log_app, cli, monkeypatch):
    raw = Ed25519PrivateKey.generate()
    seed = raw.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    monkeypatch.setenv("CONSENT_SIGNING_KEY", "ed25519:" + base64.b64encode(seed).decode())

    result = cli("public-key")

    assert result.exit_code == 0, result.output
    public = raw.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert result.output.strip() == "ed25519:" + base64.b64encode(public).decode()


@pytest.mark.parametrize(
    "value",
    ["/no/such/key.pem", "ed25519:not-base64!", "ed25519:" + base64.b64encode(b"short").decode()],
)
def test_a_bad_signing_key_stops_start_up_and_names_the_setting(db_path, value):
    with pytest.raises(ConfigError, match="CONSENT_SIGNING_KEY"):
        create_app(
            {"SECRET_KEYS": SECRET, "DATABASE_URL": f"sqlite:///{db_path}", "SIGNING_KEY": value}
        )


def test_a_pem_file_that_is_not_an_ed25519_key_is_refused(db_path, tmp_path):
    other = tmp_path / "rsa.pem"
    other.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ConfigError, match=r"CONSENT_SIGNING_KEY.*Ed25519"):
        create_app(
            {
                "SECRET_KEYS": SECRET,
                "DATABASE_URL": f"sqlite:///{db_path}",
                "SIGNING_KEY": str(other),
            }
        )


def test_commands_that_sign_say_what_is_missing(cli, monkeypatch):
    monkeypatch.delenv("CONSENT_SIGNING_KEY")
    for command in (["checkpoint"], ["public-key"]):
        result = cli(*command)
        assert result.exit_code == 2
        assert "CONSENT_SIGNING_KEY" in result.output


def test_new_signing_key_writes_a_key_file_only_its_owner_reads(cli, tmp_path, monkeypatch):
    target = tmp_path / "new-key.pem"

    result = cli("new-signing-key", "--output", str(target))

    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("CONSENT_SIGNING_KEY", str(target))
    assert cli("public-key").output.startswith("ed25519:")
    assert cli("new-signing-key", "--output", str(target)).exit_code == 2


def test_an_older_hmac_checkpoint_still_verifies_and_says_what_it_lacks(log_app, cli, tmp_path):
    post_consent(log_app.test_client())
    export = json.loads(cli("export").output.splitlines()[0])
    body = {"seq": 1, "hash": export["hash"], "created_at": "2026-01-01T00:00:00.000000Z"}
    payload = json.dumps(body, sort_keys=True, separators=(",", ":"))
    signature = Signer(SECRET, salt="consent-server.checkpoint.v1").get_signature(payload)
    target = tmp_path / "hmac.json"
    target.write_text(json.dumps({**body, "signature": signature.decode()}))
    post_consent(log_app.test_client())

    result = cli("verify", "--checkpoint", str(target))

    assert result.exit_code == 0, result.output
    assert "HMAC checkpoint" in result.output and "proves nothing to a third party" in result.output


def test_after_a_key_change_the_old_public_key_keeps_old_purges_valid(
    log_app, cli, tmp_path, monkeypatch
):
    with time_machine.travel(datetime.now(UTC) - timedelta(days=40), tick=True):
        post_consent(log_app.test_client())
    post_consent(log_app.test_client())
    assert cli("purge", "--older-than", "30", "--yes").exit_code == 0
    old_public = cli("public-key").output.strip()
    monkeypatch.setenv("CONSENT_SIGNING_KEY", str(write_signing_key(tmp_path / "new.pem")))

    refused = cli("verify")
    assert refused.exit_code == 1 and "no valid signature" in refused.output

    monkeypatch.setenv("CONSENT_VERIFY_KEYS", old_public)
    accepted = cli("verify")
    assert accepted.exit_code == 0, accepted.output
    assert "purge at seq 3" in accepted.output


def test_a_bad_verify_key_stops_start_up(db_path):
    with pytest.raises(ConfigError, match="CONSENT_VERIFY_KEYS"):
        create_app(
            {"SECRET_KEYS": SECRET, "DATABASE_URL": f"sqlite:///{db_path}", "VERIFY_KEYS": "rsa:x"}
        )
