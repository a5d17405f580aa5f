"""The commands around the server's signing key and the evidence an auditor takes away.

`verify-evidence` reads no setting and opens no database: an auditor runs it on a machine of
their own with the bundle and the controller's published public key.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .cli_common import fail, opened_log, public_keys, signing_key, timestamp
from .evidence import NoEvidence, Scope, build_bundle
from .evidence_check import EvidenceReport, NotABundle, check_bundle
from .signing import PublicKey, new_key_pem


@click.command("public-key")
@click.option("--pem", is_flag=True, help="Print it as a PEM file instead of ed25519:BASE64.")
def public_key(pem: bool) -> None:
    """Print the public key of CONSENT_SIGNING_KEY, for the admin to publish."""
    key = signing_key().public
    click.echo(key.pem().rstrip() if pem else key.text)


@click.command("new-signing-key")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path))
def new_signing_key(output: Path) -> None:
    """Write a new Ed25519 private key (PEM, readable by its owner only) for CONSENT_SIGNING_KEY."""
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fail(f"{output} exists: a signing key is never overwritten")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(new_key_pem())
    click.echo(f"Signing key written to {output}; set CONSENT_SIGNING_KEY={output}", err=True)


@click.command()
@click.option("--consent-id", help="The visitor whose records the bundle proves.")
@click.option("--since", help="Only records created at or after this ISO 8601 time.")
@click.option("--until", help="Only records created before this ISO 8601 time.")
@click.option(
    "--with-personal-data",
    is_flag=True,
    help="Include the records' IP prefix, user agent and page URL (default: their digest only).",
)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path))
def evidence(
    consent_id: str | None,
    since: str | None,
    until: str | None,
    with_personal_data: bool,
    output: Path,
) -> None:
    """Write a signed evidence bundle that an auditor checks offline with verify-evidence."""
    if not (consent_id or since or until):
        fail("say what the bundle proves: --consent-id ID, and/or --since and --until")
    scope = Scope(consent_id, timestamp(since, "since"), timestamp(until, "until"))
    key, retired = signing_key(), public_keys()[1:]
    with opened_log() as store:
        try:
            bundle = build_bundle(
                store, key, scope, personal_data=with_personal_data, retired_keys=retired
            )
        except NoEvidence as error:
            fail(str(error))
    report = check_bundle(bundle, key.public)
    if not report.ok:
        fail("the log does not verify, so no bundle was written: " + "; ".join(report.problems))
    partial = output.with_name(output.name + ".partial")
    partial.write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(output)
    click.echo(
        f"Evidence for {len(report.records)} records, linked by {report.linked} hashes to the "
        f"checkpoint at seq {bundle['checkpoint']['seq']}, written to {output}",
        err=True,
    )


@click.command("verify-evidence")
@click.argument("bundle_file", type=click.File("r", encoding="utf-8"))
@click.option("--public-key", "published", help="The published key: ed25519:BASE64, or a file.")
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.File("r"),
    help="An earlier checkpoint you hold; the bundle must agree with it. May be repeated.",
)
def verify_evidence(bundle_file, published: str | None, checkpoint_files: tuple) -> None:
    """Check an evidence bundle offline; exit 1 naming each problem."""
    key = _published_key(published) if published else None
    try:
        bundle = json.load(bundle_file)
        earlier = [json.load(handle) for handle in checkpoint_files]
    except ValueError as error:
        fail(f"not JSON: {error}")
    try:
        report = check_bundle(bundle, key, earlier)
    except NotABundle as error:
        fail(f"{bundle_file.name} is {error}")
    if not report.ok:
        for problem in report.problems:
            click.echo(f"BROKEN: {problem}", err=True)
        sys.exit(1)
    _print_report(bundle, report, key)


def _published_key(value: str) -> PublicKey:
    text = value
    if not value.startswith("ed25519:"):
        try:
            text = Path(value).read_text().strip()
        except OSError as error:
            fail(f"--public-key: cannot read {value!r}: {error.strerror}")
    try:
        return PublicKey.from_text(text)
    except ValueError as error:
        fail(f"--public-key: {error}")


def _print_report(bundle: dict, report: EvidenceReport, published: PublicKey | None) -> None:
    scope, checkpoint = bundle["scope"], report.checkpoint
    about = f"consent id {scope['consent_id']}" if scope["consent_id"] else "the time range"
    seqs = ", ".join(str(record.seq) for record in report.records)
    click.echo(
        f"OK: evidence for {about}, {len(report.records)} records (seq {seqs}), linked by "
        f"{report.linked} hashes to the checkpoint at seq {checkpoint['seq']} of "
        f"{checkpoint['created_at']}, signed by key {report.key.key_id}"
    )
    for record in report.records:
        click.echo(
            f"  seq {record.seq}  {record.created_at}  {record.method:<10} "
            f"granted: {' '.join(record.granted) or '-'}  denied: {' '.join(record.denied) or '-'}"
            f"  policy {record.policy_version or '-'}"
        )
    for version in bundle["policies"]:
        click.echo(f"Policy text of version {version}: matches its version")
    for note in report.notes:
        click.echo(f"Note: {note}")
    if published is None:
        click.echo(
            f"Compare key {report.key.key_id} ({report.key.text}) with the key the controller "
            "published, or give it with --public-key."
        )
    else:
        click.echo("Signed by the published key.")


EVIDENCE_COMMANDS = (public_key, new_signing_key, evidence, verify_evidence)
