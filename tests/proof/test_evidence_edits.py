"""Every kind of edit to an evidence bundle is named by `verify-evidence`: an edited record, a
missing link, a hidden record, a forged signature, another key, a policy text that does not match."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from consent_server.cli import main

from .chain_format import (
    digest,
    key_id,
    public_key_line,
    record_canonical,
    record_hash,
    sign,
    without_signature,
)


@pytest.fixture
def bundle_file(visitor_log, cli, tmp_path):
    target = tmp_path / "evidence.json"
    args = ["--consent-id", visitor_log.alice, "--with-personal-data", "--output", str(target)]
    assert cli("evidence", *args).exit_code == 0
    return target


def edited(path, change: Callable[[dict], None]):
    bundle = json.loads(path.read_text())
    change(bundle)
    path.write_text(json.dumps(bundle))
    return CliRunner().invoke(main, ["verify-evidence", str(path)], env={})


def entry(bundle: dict, seq: int) -> dict:
    return next(item for item in bundle["segment"]["entries"] if item["seq"] == seq)


def assert_named(result, *phrases: str) -> None:
    assert result.exit_code == 1, result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


def test_an_unedited_bundle_verifies(bundle_file):
    result = CliRunner().invoke(main, ["verify-evidence", str(bundle_file)], env={})
    assert result.exit_code == 0, result.output


def test_an_edited_record_is_named(bundle_file):
    def grant_marketing(bundle):
        record = entry(bundle, 4)["record"]
        record["granted"].append("marketing")
        record["denied"].remove("marketing")

    assert_named(edited(bundle_file, grant_marketing), "record seq 4 was edited")


def test_an_edited_personal_field_is_named(bundle_file):
    def change_agent(bundle):
        entry(bundle, 1)["record"]["user_agent"] = "Forged/1.0"

    assert_named(edited(bundle_file, change_agent), "personal fields of record seq 1")


def test_a_missing_link_is_named(bundle_file):
    def drop_link(bundle):
        bundle["segment"]["entries"].remove(entry(bundle, 5))

    assert_named(edited(bundle_file, drop_link), "seq 5 is missing")


def test_a_record_hidden_behind_its_digest_is_named(bundle_file):
    def hide(bundle):
        item = entry(bundle, 6)
        item["digest"] = digest(record_canonical(item.pop("record")))

    assert_named(edited(bundle_file, hide), "record seq 6 of the scope is missing")


def test_a_segment_rehashed_after_an_edit_does_not_reach_the_checkpoint(bundle_file):
    def rehash(bundle):
        entry(bundle, 4)["record"]["method"] = "accept_all"
        previous = bundle["segment"]["after"]["hash"]
        for item in bundle["segment"]["entries"]:
            content = item.get("digest") or digest(record_canonical(item["record"]))
            if "record" in item:
                item["record"]["prev_hash"] = previous
            item["hash"] = record_hash(previous, item["seq"], content)
            if "record" in item:
                item["record"]["hash"] = item["hash"]
            previous = item["hash"]

    assert_named(edited(bundle_file, rehash), "does not end at the signed checkpoint")


def test_a_forged_bundle_signature_is_named(bundle_file):
    def forge(bundle):
        bundle["signature"] = bundle["signature"][::-1]

    assert_named(edited(bundle_file, forge), "the bundle's signature is not valid")


def test_an_edited_checkpoint_is_named(bundle_file):
    def move_head(bundle):
        bundle["checkpoint"]["seq"] -= 1

    assert_named(edited(bundle_file, move_head), "the checkpoint's signature is not valid")


def test_a_bundle_resigned_with_another_key_fails_against_the_published_key(bundle_file, cli):
    published = cli("public-key").output.strip()
    forger = Ed25519PrivateKey.generate()

    def resign(bundle):
        line = public_key_line(forger)
        bundle["server"] |= {"public_key": line, "key_id": key_id(line)}
        bundle["key_id"] = key_id(line)
        checkpoint = bundle["checkpoint"]
        checkpoint["key_id"] = key_id(line)
        checkpoint["signature"] = sign(forger, without_signature(checkpoint))
        bundle["signature"] = sign(forger, without_signature(bundle))

    edited(bundle_file, resign)
    runner = CliRunner()
    unchecked = runner.invoke(main, ["verify-evidence", str(bundle_file)], env={})
    assert "compare" in unchecked.output.lower()
    checked = runner.invoke(
        main, ["verify-evidence", str(bundle_file), "--public-key", published], env={}
    )
    assert_named(checked, "not the published key")


def test_a_policy_text_that_does_not_match_its_version_is_named(bundle_file, visitor_log):
    version = visitor_log.versions[0]

    def reword(bundle):
        manifest = json.loads(bundle["policies"][version]["manifest"])
        manifest["categories"][1]["description"] = "Nothing is ever counted."
        bundle["policies"][version]["manifest"] = json.dumps(manifest)

    assert_named(edited(bundle_file, reword), f"policy text of version {version} does not match")


def test_a_removed_policy_text_is_named(bundle_file, visitor_log):
    version = visitor_log.versions[1]

    def remove(bundle):
        del bundle["policies"][version]

    assert_named(edited(bundle_file, remove), f"no policy text for version {version}")


def test_a_file_that_is_not_a_bundle_is_refused(tmp_path):
    path = tmp_path / "not-a-bundle.json"
    path.write_text('{"hello": "world"}')
    result = CliRunner().invoke(main, ["verify-evidence", str(path)], env={})
    assert result.exit_code == 2
    assert "not an evidence bundle" in result.output


def test_an_earlier_checkpoint_the_auditor_holds_is_matched(visitor_log, cli, tmp_path, backend):
    earlier = tmp_path / "earlier.json"
    assert cli("checkpoint", "--output", str(earlier)).exit_code == 0
    target = tmp_path / "evidence.json"
    assert (
        cli("evidence", "--consent-id", visitor_log.alice, "--output", str(target)).exit_code == 0
    )
    runner = CliRunner()
    args = ["verify-evidence", str(target), "--checkpoint", str(earlier)]

    agreed = runner.invoke(main, args, env={})
    assert agreed.exit_code == 0, agreed.output
    assert "agrees with the segment" in agreed.output

    saved = json.loads(earlier.read_text())
    entry_hash = json.loads(target.read_text())["segment"]["entries"][-1]["hash"]
    assert saved["hash"] == entry_hash
    forged = {**saved, "hash": "f" * 64}
    earlier.write_text(json.dumps(forged))
    assert_named(runner.invoke(main, args, env={}), "not signed by the bundle's key")
