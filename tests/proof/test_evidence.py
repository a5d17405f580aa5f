"""`consent-server evidence` writes one file an auditor takes away; `verify-evidence` checks it
offline. It holds one visitor's records in full, the policy texts behind them and the hashes that
tie them to a signed checkpoint, and nothing that would disclose another visitor."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from consent_server.cli import main

from .chain_format import (
    digest,
    public_key_from,
    record_canonical,
    record_hash,
    signature_valid,
    without_signature,
)
from .conftest import BOB_AGENT, BOB_PAGE


def write_bundle(cli, tmp_path, *args: str) -> dict:
    target = tmp_path / "evidence.json"
    result = cli("evidence", *args, "--output", str(target))
    assert result.exit_code == 0, result.output
    return json.loads(target.read_text())


def verify_offline(path, *args: str):
    """With no setting at all: no database, no key, only the file."""
    return CliRunner().invoke(main, ["verify-evidence", str(path), *args], env={})


def test_a_bundle_about_one_visitor_verifies_offline(visitor_log, cli, tmp_path, backend):
    bundle = write_bundle(cli, tmp_path, "--consent-id", visitor_log.alice)
    away = tmp_path / "auditor" / "alice.json"
    away.parent.mkdir()
    shutil.copy(tmp_path / "evidence.json", away)
    if backend.name == "sqlite":
        for path in tmp_path.glob("consent.sqlite3*"):
            path.unlink()

    result = verify_offline(away)

    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "3 records" in result.output
    assert bundle["scope"]["consent_id"] == visitor_log.alice
    assert bundle["scope"]["seqs"] == [1, 4, 6]
    if backend.name == "sqlite":
        assert not (tmp_path / "consent.sqlite3").exists()


def test_the_bundle_discloses_no_other_visitor(visitor_log, cli, tmp_path):
    write_bundle(cli, tmp_path, "--consent-id", visitor_log.alice, "--with-personal-data")
    text = (tmp_path / "evidence.json").read_text()
    bundle = json.loads(text)

    for secret in (visitor_log.bob, BOB_AGENT, BOB_PAGE):
        assert secret not in text
    others = [entry for entry in bundle["segment"]["entries"] if "record" not in entry]
    assert [entry["seq"] for entry in others] == [2, 3, 5, 7]
    assert all(set(entry) == {"seq", "hash", "digest"} for entry in others)


def test_personal_fields_are_withheld_unless_asked_for(visitor_log, cli, tmp_path):
    withheld = write_bundle(cli, tmp_path, "--consent-id", visitor_log.alice)
    first = withheld["segment"]["entries"][0]["record"]
    assert "user_agent" not in first and "personal_salt" not in first
    assert withheld["scope"]["personal_data"] is False

    included = write_bundle(
        cli, tmp_path, "--consent-id", visitor_log.alice, "--with-personal-data"
    )
    first = included["segment"]["entries"][0]["record"]
    assert first["user_agent"] and first["personal_salt"]
    assert verify_offline(tmp_path / "evidence.json").exit_code == 0


def test_the_bundle_holds_each_policy_text_its_records_name(visitor_log, cli, tmp_path):
    bundle = write_bundle(cli, tmp_path, "--consent-id", visitor_log.alice)

    assert sorted(bundle["policies"]) == sorted(visitor_log.versions)
    for version, archived in bundle["policies"].items():
        assert json.loads(archived["manifest"])["policy_version"] == version


def test_an_outsider_can_check_the_bundle_from_the_documentation(visitor_log, cli, tmp_path):
    """The hashes, the checkpoint and the signature, by the rules in the auditors' guide."""
    bundle = write_bundle(cli, tmp_path, "--consent-id", visitor_log.alice)
    key = public_key_from(cli("public-key").output)
    assert bundle["server"]["public_key"] == cli("public-key").output.strip()

    previous = bundle["segment"]["after"]["hash"]
    for entry in bundle["segment"]["entries"]:
        content = entry.get("digest") or digest(record_canonical(entry["record"]))
        assert record_hash(previous, entry["seq"], content) == entry["hash"]
        previous = entry["hash"]
    checkpoint = bundle["checkpoint"]
    assert (checkpoint["seq"], checkpoint["hash"]) == (7, previous)
    assert signature_valid(key, checkpoint, without_signature(checkpoint))
    assert signature_valid(key, bundle, without_signature(bundle))


def test_an_erased_visitor_still_has_verifiable_evidence(visitor_log, cli, tmp_path):
    client = visitor_log.app.test_client()
    token = visitor_log.app.extensions["consent"].signer.sign({"cid": visitor_log.bob})
    assert (
        client.delete("/api/v1/consent/history", headers={"X-Consent-Token": token}).status_code
        == 200
    )

    bundle = write_bundle(cli, tmp_path, "--consent-id", visitor_log.bob, "--with-personal-data")

    records = [entry["record"] for entry in bundle["segment"]["entries"] if "record" in entry]
    assert [record["method"] for record in records][-1] == "erase"
    assert all(record["erased"] for record in records[:-1])
    assert BOB_AGENT not in (tmp_path / "evidence.json").read_text()
    result = verify_offline(tmp_path / "evidence.json")
    assert result.exit_code == 0, result.output
    assert "erased" in result.output


def test_a_bundle_by_time_range_holds_every_record_in_it(visitor_log, cli, tmp_path):
    records = [json.loads(line) for line in cli("export").output.splitlines()]
    since, until = records[3]["created_at"], records[6]["created_at"]

    bundle = write_bundle(cli, tmp_path, "--since", since, "--until", until)

    assert bundle["scope"]["seqs"] == [4, 5, 6]
    assert verify_offline(tmp_path / "evidence.json").exit_code == 0


@pytest.mark.parametrize("args", [[], ["--consent-id", "nobody-has-this-id"]])
def test_evidence_without_records_is_refused_with_a_reason(visitor_log, cli, args):
    result = cli("evidence", *args, "--output", "unused.json")
    assert result.exit_code == 2
    assert "--consent-id" in result.output or "no record" in result.output
