"""A purge is an event of the chain: `consent-server purge` appends a signed record naming the cut,
`verify` lists the purges it accepted, and a checkpoint taken before a signed purge still holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine

from ..server.helpers import ADMIN_TOKEN, post_consent
from .attacker import fake_purge, hash_of, tamper
from .chain_format import digest, public_key_from, record_canonical, record_hash, signature_valid

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


def test_purge_records_are_not_counted_as_decisions(log_app, cli):
    fill(log_app, 3, days_ago=40)
    fill(log_app, 2)
    purge(cli)
    client = log_app.test_client()
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    recently = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")

    for query in ("", f"?since={recently}"):
        stats = client.get(f"/api/v1/admin/stats{query}", headers=headers).get_json()
        assert stats["total"] == 2, (query, stats)


def test_a_purge_record_forged_without_the_key_is_found(log_app, backend, cli):
    """The attacker writes a purge record by the documented format, hashes it correctly, moves
    the anchor to its cut and deletes the records: only the signature is beyond reach."""
    fill(log_app, 4)
    head_seq, head_hash = backend.query("SELECT seq, hash FROM chain_head")[0]
    cut = {
        "cutoff": "2026-01-01T00:00:00.000000Z", "retention_days": 30,
        "from_seq": 0, "from_hash": "0" * 64,
        "first_kept_seq": 4, "links_to": hash_of(backend, 3), "previous_purge": None,
    }  # fmt: skip
    detail = {"purge": cut, "key_id": "0" * 16, "signature": "A" * 88}
    record = {
        "consent_id": "", "created_at": "2026-01-02T00:00:00.000000Z", "method": "purge",
        "granted": [], "denied": [], "granted_services": [], "denied_services": [],
        "policy_version": "", "language": "", "gpc": False, "origin": "", "schema_version": 2,
        "request_id": "", "personal_digest": "", "detail": detail,
    }  # fmt: skip
    seq = head_seq + 1
    hashed = record_hash(head_hash, seq, digest(record_canonical(record)))
    detail_text = json.dumps(detail, sort_keys=True, separators=(",", ":")).replace("'", "''")
    tamper(
        backend,
        "INSERT INTO consent_log (seq, consent_id, created_at, method, granted, denied, "
        "granted_services, denied_services, policy_version, language, page_url, gpc, ip, "
        "user_agent, origin, schema_version, request_id, personal_salt, personal_digest, detail, "
        f"prev_hash, hash) VALUES ({seq}, '', '{record['created_at']}', 'purge', '', '', '', '', "
        f"'', '', '', false, '', '', '', 2, '', '', '', '{detail_text}', '{head_hash}', "
        f"'{hashed}');"
        f"UPDATE chain_head SET seq = {seq}, hash = '{hashed}';"
        "INSERT INTO chain_anchor (id, seq, hash, updated_at, purge_seq) "
        f"VALUES (1, 3, '{cut['links_to']}', '2026-01-02T00:00:00.000000Z', {seq}) "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
        "purge_seq = excluded.purge_seq;"
        "DELETE FROM consent_log WHERE seq <= 3;",
    )

    result = cli("verify")

    assert result.exit_code == 1, result.output
    assert f"purge record at seq {seq} has no valid signature" in result.output
