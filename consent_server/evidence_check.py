"""The offline check of an evidence bundle: no database, no setting, only the file and a public key.

Every check runs, whatever failed before it, so the report names each thing that is wrong: an
edited record, a missing link, a hidden record, a forged signature, another key, a policy text that
does not match its version. The format is documented in site/docs/auditing.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from .chain import canonical, content_for, link_hash, personal_digest
from .policy_text import text_matches_version
from .purges import signing_key_of
from .records import PURGE_METHOD, Record
from .signing import PublicKey, verifying_document

FORMAT = "consent-evidence/1"
RECORD_FIELDS = {item.name for item in fields(Record)} - {"policy"}


class NotABundle(ValueError):
    """The file is not an evidence bundle this version can read."""


@dataclass
class EvidenceReport:
    """What the check found: problems (each a reason to reject) and what holds."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    key: PublicKey | None = None
    checkpoint: dict[str, Any] = field(default_factory=dict)
    linked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def record_from_bundle(data: Any) -> Record:
    """A record as a bundle gives it in full."""
    if not isinstance(data, dict):
        raise NotABundle("a segment entry's record is not an object")
    return Record(**{name: value for name, value in data.items() if name in RECORD_FIELDS})


def check_bundle(
    bundle: Any, published: PublicKey | None = None, checkpoints: Sequence[Any] = ()
) -> EvidenceReport:
    """Check everything a bundle claims; NotABundle when it is not one at all."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise NotABundle(f'not an evidence bundle (no "format": "{FORMAT}")')
    try:
        return _check(bundle, published, checkpoints)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise NotABundle(
            f"not an evidence bundle: a part is missing or malformed ({error})"
        ) from None


def _check(
    bundle: dict[str, Any], published: PublicKey | None, checkpoints: Sequence[Any]
) -> EvidenceReport:
    report = EvidenceReport(checkpoint=bundle["checkpoint"])
    key = PublicKey.from_text(bundle["server"]["public_key"])
    report.key = key
    keys = [key, *map(PublicKey.from_text, bundle["server"].get("retired_public_keys", []))]
    if published is not None and published.raw != key.raw:
        report.problems.append(
            f"the bundle is signed by key {key.key_id}, not the published key {published.key_id}"
        )
    if verifying_document(bundle, [key]) is None:
        report.problems.append(
            "the bundle's signature is not valid (forged, or the bundle was altered after signing)"
        )
    if verifying_document(report.checkpoint, keys) is None:
        report.problems.append("the checkpoint's signature is not valid (forged or altered)")
    hashes = _check_segment(bundle["segment"], keys, report)
    _check_scope(bundle["scope"], report)
    _check_policies(bundle, report)
    for earlier in checkpoints:
        _check_earlier_checkpoint(earlier, keys, hashes, report)
    erased = sum(1 for entry in bundle["segment"]["entries"] if _erased(entry))
    if erased:
        report.notes.append(
            f"{erased} record(s) had their personal data erased; they still verify by their digest"
        )
    return report


def _erased(entry: dict[str, Any]) -> bool:
    record = entry.get("record")
    return isinstance(record, dict) and record.get("erased") is True


def _entry_content(entry: dict[str, Any]) -> tuple[bytes, Record | None]:
    """The bytes an entry's hash covers after its place, and its record when given in full."""
    if "record" in entry:
        record = record_from_bundle(entry["record"])
        return content_for(canonical(record), record.schema_version), record
    if "digest" in entry:
        return str(entry["digest"]).encode(), None
    return content_for(str(entry["canonical"]).encode(), 1), None


def _check_segment(
    segment: dict[str, Any], keys: list[PublicKey], report: EvidenceReport
) -> dict[int, str]:
    """Walk the segment; return each seq's stated hash."""
    previous, expected = str(segment["after"]["hash"]), int(segment["after"]["seq"]) + 1
    hashes: dict[int, str] = {}
    for entry in segment["entries"]:
        seq, stated = int(entry["seq"]), str(entry["hash"])
        content, record = _entry_content(entry)
        gap = seq != expected
        if seq > expected:
            missing = f"seq {expected}" if seq == expected + 1 else f"seq {expected}-{seq - 1}"
            report.problems.append(f"{missing} is missing from the segment")
        elif seq < expected:
            report.problems.append(f"seq {seq} appears out of order in the segment")
        if record is not None:
            _check_record(record, seq, stated, previous, gap, keys, report)
        link = record.prev_hash if record is not None and gap else previous
        if link_hash(seq, link, content) != stated and not (gap and record is None):
            if record is not None:
                report.problems.append(
                    f"record seq {seq} was edited: its content does not match its hash"
                )
            else:
                report.problems.append(f"the hash of seq {seq} does not follow from its content")
        hashes[seq] = stated
        previous, expected = stated, seq + 1
    report.linked = len(hashes)
    checkpoint = report.checkpoint
    last = max(hashes) if hashes else int(segment["after"]["seq"])
    if hashes.get(checkpoint["seq"]) != checkpoint["hash"] or last != checkpoint["seq"]:
        report.problems.append(
            f"the segment does not end at the signed checkpoint (seq {checkpoint['seq']})"
        )
    if int(checkpoint.get("anchor_seq", 0)) > int(segment["after"]["seq"]):
        report.problems.append("the segment starts before the log's purge anchor")
    return hashes


def _check_record(
    record: Record,
    seq: int,
    stated: str,
    previous: str,
    gap: bool,
    keys: list[PublicKey],
    report: EvidenceReport,
) -> None:
    if record.seq != seq or (record.hash and record.hash != stated):
        report.problems.append(f"record seq {seq} was edited: its seq or hash field was changed")
    if not gap and record.prev_hash != previous:
        report.problems.append(f"link broken at seq {seq}: it does not link to seq {seq - 1}")
    if _personal_fields_changed(record):
        report.problems.append(f"personal fields of record seq {seq} were changed")
    if record.method == PURGE_METHOD:
        if signing_key_of(record, keys) is None:
            report.problems.append(f"purge record at seq {seq} has no valid signature")
        return
    report.records.append(record)


def _personal_fields_changed(record: Record) -> bool:
    """Given fields that do not match their digest, or fields shown without their salt."""
    if record.personal_salt:
        return personal_digest(record) != record.personal_digest
    return bool(record.ip or record.user_agent or record.page_url)


def _check_scope(scope: dict[str, Any], report: EvidenceReport) -> None:
    seqs = [int(seq) for seq in scope["seqs"]]
    given = {record.seq for record in report.records}
    for seq in sorted(set(seqs) - given):
        report.problems.append(f"record seq {seq} of the scope is missing from the bundle")
    for record in report.records:
        if record.seq not in seqs:
            report.problems.append(f"record seq {record.seq} is not one of the scope's records")
        elif scope.get("consent_id") and record.consent_id != scope["consent_id"]:
            report.problems.append(f"record seq {record.seq} belongs to another consent id")
        elif not _within(record.created_at, scope.get("since"), scope.get("until")):
            report.problems.append(f"record seq {record.seq} lies outside the scope's time range")


def _within(moment: str, since: str | None, until: str | None) -> bool:
    return (since is None or moment >= since) and (until is None or moment < until)


def _check_policies(bundle: dict[str, Any], report: EvidenceReport) -> None:
    policies, unarchived = bundle["policies"], set(bundle["unarchived_policies"])
    for version in sorted({record.policy_version for record in report.records} - {""}):
        if version not in policies and version not in unarchived:
            report.problems.append(f"no policy text for version {version} in the bundle")
        elif version in unarchived:
            report.notes.append(f"policy version {version} was never archived by the server")
    for version, archived in sorted(policies.items()):
        if not text_matches_version(archived["manifest"], version):
            report.problems.append(
                f"policy text of version {version} does not match its version (it was altered)"
            )


def _check_earlier_checkpoint(
    checkpoint: Any, keys: list[PublicKey], hashes: dict[int, str], report: EvidenceReport
) -> None:
    if not isinstance(checkpoint, dict) or verifying_document(checkpoint, keys) is None:
        report.problems.append("an earlier checkpoint given is not signed by the bundle's key")
        return
    seq = checkpoint.get("seq")
    if seq not in hashes:
        report.notes.append(f"the earlier checkpoint at seq {seq} lies outside this segment")
    elif hashes[seq] != checkpoint.get("hash"):
        report.problems.append(
            f"record seq {seq} has changed since the checkpoint of {checkpoint.get('created_at')}"
        )
    else:
        report.notes.append(f"the earlier checkpoint at seq {seq} agrees with the segment")
