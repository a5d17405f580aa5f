"""Properties of the record's canonical form, the bytes its hash covers: one spelling per record,
blind to list order and to personal fields, different for any other change, unchanged through the
store, and pinned for records already written."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from consent_server.chain import canonical, chain_hash, personal_digest
from consent_server.records import Record
from consent_server.store.rows import record_from_row, row_values

from .chain_format import record_canonical, record_hash

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
IDS = st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True), max_size=5, unique=True)
HASHED_TEXT_FIELDS = ("consent_id", "created_at", "method", "policy_version", "language", "origin")
PERSONAL_FIELDS = ("ip", "user_agent", "page_url", "personal_salt")
ANY_SCHEMA = st.sampled_from([1, 2])
DETAILS = st.dictionaries(
    st.text(max_size=8),
    st.one_of(st.integers(), TEXT, st.none(), st.lists(st.integers(), max_size=3)),
    max_size=4,
)


@st.composite
def records(draw, schema_version=ANY_SCHEMA) -> Record:
    version = draw(schema_version)
    record = Record(
        consent_id=draw(TEXT),
        created_at=draw(TEXT),
        method=draw(st.sampled_from(["accept_all", "reject_all", "custom", "withdraw", "erase"])),
        granted=draw(IDS),
        denied=draw(IDS),
        policy_version=draw(TEXT),
        granted_services=draw(IDS),
        denied_services=draw(IDS),
        language=draw(TEXT),
        page_url=draw(TEXT),
        gpc=draw(st.booleans()),
        ip=draw(TEXT),
        user_agent=draw(TEXT),
        origin=draw(TEXT),
        schema_version=version,
        request_id=draw(TEXT),
        personal_salt=draw(st.text("0123456789abcdef", min_size=32, max_size=32)),
        detail=draw(DETAILS) if version >= 2 else {},
        seq=draw(st.integers(1, 2**53)),
    )
    record.personal_digest = personal_digest(record)
    return record


@given(records())
def test_the_canonical_form_is_canonical_json(record):
    form = canonical(record)
    parsed = json.loads(form)
    assert json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == (
        form.decode()
    )
    assert ("detail" in parsed) == (record.schema_version >= 2)


@given(records(), st.randoms(use_true_random=False))
def test_the_order_of_id_lists_does_not_matter(record, random):
    shuffled = dataclasses.replace(record)
    for name in ("granted", "denied", "granted_services", "denied_services"):
        items = list(getattr(record, name))
        random.shuffle(items)
        setattr(shuffled, name, items)
    assert canonical(shuffled) == canonical(record)


@given(records(), st.sampled_from(PERSONAL_FIELDS), TEXT)
def test_personal_fields_reach_the_hash_only_through_their_digest(record, name, value):
    changed = dataclasses.replace(record, **{name: value})
    assert canonical(changed) == canonical(record)
    if value != getattr(record, name):
        assert personal_digest(changed) != personal_digest(record)


@given(records(), st.sampled_from(HASHED_TEXT_FIELDS), TEXT)
def test_any_change_to_a_hashed_field_changes_the_form(record, name, value):
    changed = dataclasses.replace(record, **{name: value})
    assert (canonical(changed) == canonical(record)) == (value == getattr(record, name))


@given(records(), st.sampled_from(["granted", "denied", "granted_services", "denied_services"]))
def test_moving_an_id_between_lists_changes_the_form(record, name):
    changed = dataclasses.replace(record, **{name: [*getattr(record, name), "moved-id"]})
    if "moved-id" not in getattr(record, name):
        assert canonical(changed) != canonical(record)


@given(records(schema_version=st.just(2)), DETAILS)
def test_the_detail_of_a_schema_2_record_is_hashed(record, detail):
    changed = dataclasses.replace(record, detail=detail)
    assert (canonical(changed) == canonical(record)) == (detail == record.detail)


@given(records(), st.integers(1, 2**53), st.text("0123456789abcdef", min_size=64, max_size=64))
def test_the_hash_covers_the_place_in_the_chain(record, seq, prev_hash):
    base = chain_hash(record, "0" * 64)
    moved = dataclasses.replace(record, seq=seq)
    assert (chain_hash(moved, "0" * 64) == base) == (seq == record.seq)
    assert (chain_hash(record, prev_hash) == base) == (prev_hash == "0" * 64)


@given(records())
def test_a_stored_record_reads_back_with_the_same_form(record):
    assert canonical(record_from_row(row_values(record))) == canonical(record)


@settings(max_examples=50)
@given(records(schema_version=st.just(2)), st.text("0123456789abcdef", min_size=64, max_size=64))
def test_a_schema_2_hash_is_the_one_the_auditors_guide_documents(record, prev_hash):
    documented = record_canonical(dataclasses.asdict(record))
    assert documented == canonical(record)
    content_digest = hashlib.sha256(documented).hexdigest()
    assert chain_hash(record, prev_hash) == record_hash(prev_hash, record.seq, content_digest)


def golden_record(schema_version: int) -> Record:
    record = Record(
        consent_id="5f0c9a3e-0000-4000-8000-000000000001",
        created_at="2026-03-01T09:30:00.000000Z",
        method="custom",
        granted=["necessary", "analytics"],
        denied=["marketing"],
        policy_version="a1b2c3d4e5f6",
        granted_services=["video"],
        language="de-CH",
        page_url="https://docs.example.com/ü/",
        gpc=True,
        ip="203.0.113.0/24",
        user_agent="Agent/1",
        origin="https://docs.example.com",
        schema_version=schema_version,
        request_id="retry-key-000000001",
        personal_salt="00112233445566778899aabbccddeeff",
        seq=7,
    )
    record.personal_digest = personal_digest(record)
    return record


def test_records_written_before_schema_2_keep_their_hash():
    """A schema-1 record hashed by an earlier server must verify forever."""
    record = golden_record(1)
    assert record.personal_digest == (
        "2a3650771b2119cc9c5ac6d2e1b808c5f45374fbc9303afa1d91621d2bd81c8a"
    )
    assert chain_hash(record, "ab" * 32) == (
        "f7706bacd9f4f8866024b602575726f97907c9713921c9051b8de7d18924ad1e"
    )


def test_a_schema_2_hash_is_pinned():
    """Computed once by the auditors' guide's rules (chain_format.py), then frozen."""
    record = golden_record(2)
    assert chain_hash(record, "ab" * 32) == (
        "23cbbb7865141d0e185ea8619bba52257d2ea9557e6126a3a3ec00193abf7873"
    )
