"""A purge is an event of the chain: `consent-server purge` appends a signed record naming the cut,
`verify` lists the purges it accepted, and a checkpoint taken before a signed purge still holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine

from ..server.helpers import post_consent
from .attacker import fake_purge, hash_of, tamper
from .chain_format import public_key_from, signature_valid

OLD = datetime.now(UTC) - timedelta(days=40)


def fill(app, count: int, *, days_ago: int = 0) -> None:
    with time_machine.travel(datetime.now(UTC) - timedelta(days=days_ago), tick=True):
        client = app.test_client()
        for _ in range(count):
            assert post_consent(client).status_code == 201


def exported(cli) -> list[dict]:
    result = cli("export", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def purge(cli, days: int = 30):
    result = cli("purge", "--older-than", str(days), "--yes")
    assert result.exit_code == 0, result.output
    return result


def test_purge_appends_a_signed_record_that_names_the_cut(log_app, backend, cli):
    fill(log_app, 3, days_ago=40)
    fill(log_app, 2)
    links_to = hash_of(backend, 3)

    purge(cli)

    records = exported(cli)
    kept = [record["seq"] for record in records if record["method"] != "purge"]
    assert kept == [4, 5]
    (record,) = [record for record in records if record["method"] == "purge"]
    assert record["seq"] == 6
    cut = record["detail"]["purge"]
    assert (cut["first_kept_seq"], cut["links_to"], cut["retention_days"]) == (4, links_to, 30)
    assert (cut["from_seq"], cut["previous_purge"]) == (0, None)
    assert cut["cutoff"] < datetime.now(UTC).isoformat()
    public_key = public_key_from(cli("public-key").output)
    payload = {
        "purge": cut,
        "key_id": record["detail"]["key_id"],
        "seq": record["seq"],
        "prev_hash": record["prev_hash"],
        "created_at": record["created_at"],
    }
    assert signature_valid(public_key, record["detail"], payload)


def test_verify_lists_the_purges_it_accepted(log_app, cli):
    fill(log_app, 3, days_ago=40)
    fill(log_app, 1)
    purge(cli)

    result = cli("verify")

    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "purge at seq 5" in result.output
    assert "removed seq 1-3" in result.output
    assert "30 days" in result.output


def test_a_checkpoint_taken_before_a_signed_purge_still_verifies(log_app, cli, tmp_path):
    fill(log_app, 3, days_ago=40)
    fill(log_app, 2)
    checkpoint = tmp_path / "checkpoint.json"
    assert cli("checkpoint", "--output", str(checkpoint)).exit_code == 0
    purge(cli)
    fill(log_app, 1)

    result = cli("verify", "--checkpoint", str(checkpoint))

    assert result.exit_code == 0, result.output
    assert "Checkpoint OK" in result.output


def test_purges_chain_to_each_other_and_every_one_is_listed(log_app, cli):
    fill(log_app, 2, days_ago=60)
    fill(log_app, 2, days_ago=40)
    fill(log_app, 1)
    purge(cli, days=50)
    purge(cli, days=30)

    records = exported(cli)
    purges = [record for record in records if record["method"] == "purge"]
    assert [record["seq"] for record in purges] == [6, 7]
    second = purges[1]["detail"]["purge"]
    assert second["previous_purge"] == {"seq": 6, "hash": purges[0]["hash"]}
    assert (second["from_seq"], second["first_kept_seq"]) == (2, 5)
    result = cli("verify")
    assert result.exit_code == 0, result.output
    assert "purge at seq 6" in result.output and "purge at seq 7" in result.output


def test_a_fake_purge_after_a_signed_one_is_found(log_app, backend, cli):
    fill(log_app, 2, days_ago=40)
    fill(log_app, 4)
    purge(cli)

    fake_purge(backend, up_to=4)

    result = cli("verify")
    assert result.exit_code == 1, result.output


def test_deleting_a_purge_record_is_found(log_app, backend, cli):
    fill(log_app, 2, days_ago=60)
    fill(log_app, 2, days_ago=40)
    fill(log_app, 1)
    purge(cli, days=50)
    purge(cli, days=30)

    tamper(backend, "DELETE FROM consent_log WHERE seq = 6")

    result = cli("verify")
    assert result.exit_code == 1, result.output
    assert "seq 6" in result.output


def test_editing_a_purge_record_is_found(log_app, backend, cli):
    fill(log_app, 3, days_ago=40)
    fill(log_app, 1)
    purge(cli)

    tamper(
        backend, "UPDATE consent_log SET created_at = '2020-01-01T00:00:00.000000Z' WHERE seq = 5"
    )

    assert cli("verify").exit_code == 1


def test_purge_needs_the_signing_key(log_app, cli, monkeypatch):
    fill(log_app, 2, days_ago=40)
    monkeypatch.delenv("CONSENT_SIGNING_KEY")

    result = cli("purge", "--older-than", "30", "--yes")

    assert result.exit_code == 2
    assert "CONSENT_SIGNING_KEY" in result.output
    assert len(exported(cli)) == 2
