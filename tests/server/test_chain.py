"""The hash chain: every change, deletion or reordering of stored records is found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from consent_server.chain import seal_personal_fields
from consent_server.records import Record
from consent_server.store import ConsentStore

from .helpers import PUBLIC_KEYS, SIGNING_KEY

FIELDS_TO_TAMPER = {
    "consent_id": "'someone-else'",
    "created_at": "'2020-01-01T00:00:00.000000Z'",
    "method": "'accept_all'",
    "granted": '\'["analytics","marketing"]\'',
    "denied": "'[]'",
    "policy_version": "'v0'",
    "language": "'de'",
    "page_url": "'https://evil.example/'",
    "gpc": "NOT gpc",
    "ip": "'198.51.100.0/24'",
    "user_agent": "'Forged/1.0'",
    "origin": "'https://evil.example'",
    "schema_version": "schema_version + 1",
    "personal_digest": "'f' || personal_digest",
    "prev_hash": "'f' || prev_hash",
    "hash": "'f' || hash",
}


def make_record(index: int) -> Record:
    record = Record(
        consent_id=f"visitor-{index % 3}",
        created_at="",
        method="custom",
        granted=["necessary"],
        denied=["analytics"],
        policy_version="v1",
        language="en",
        page_url=f"https://docs.example.com/{index}",
        ip="203.0.113.0/24",
        user_agent="Agent/1",
        origin="https://docs.example.com",
    )
    seal_personal_fields(record)
    return record


@pytest.fixture
def store(backend) -> ConsentStore:
    store = backend.open()
    for index in range(6):
        store.append(make_record(index))
    return store


def test_intact_chain_verifies(store):
    result = store.verify()
    assert (result.ok, result.checked, result.first_broken) == (True, 6, None)


@pytest.mark.parametrize("field", FIELDS_TO_TAMPER)
def test_every_field_change_is_found(store, backend, field):
    backend.tamper(f"UPDATE consent_log SET {field} = {FIELDS_TO_TAMPER[field]} WHERE seq = 4")
    result = store.verify()
    assert result.ok is False
    assert result.first_broken == 4
    assert result.checked == 3


def test_deleted_record_is_found(store, backend):
    backend.tamper("DELETE FROM consent_log WHERE seq = 3")
    assert store.verify().first_broken == 4


def test_deleted_first_record_is_found(store, backend):
    backend.tamper("DELETE FROM consent_log WHERE seq = 1")
    assert store.verify().first_broken == 2


def test_deleted_last_record_is_found(store, backend):
    backend.tamper("DELETE FROM consent_log WHERE seq = 6")
    result = store.verify()
    assert (result.ok, result.first_broken) == (False, 6)
    assert "recorded head" in result.reason


def test_reordered_records_are_found(store, backend):
    backend.tamper(
        "UPDATE consent_log SET seq = -1 WHERE seq = 2;"
        "UPDATE consent_log SET seq = 2 WHERE seq = 5;"
        "UPDATE consent_log SET seq = 5 WHERE seq = -1;",
    )
    assert store.verify().first_broken == 2


def test_faking_an_erasure_to_hide_a_change_is_found(store, backend):
    backend.tamper("UPDATE consent_log SET personal_salt = '', ip = '1.2.3.0/24' WHERE seq = 2")
    result = store.verify()
    assert result.first_broken == 2 and "without their salt" in result.reason


def test_guards_refuse_updates_and_deletes(store, backend):
    for sql in (
        "UPDATE consent_log SET method = 'accept_all' WHERE seq = 1",
        "DELETE FROM consent_log WHERE seq = 1",
    ):
        with pytest.raises(Exception, match="append-only"):
            backend.raw_sql(sql)
    backend.raw_sql("UPDATE consent_log SET ip = '' WHERE seq = 1")


def test_erasure_keeps_chain_verifiable(store):
    erase = Record("visitor-1", "", "erase", [], [], "")
    store.erase("visitor-1", erase)
    erased = [record for record in store.records() if record.consent_id == "visitor-1"]
    assert all(record.ip == record.user_agent == record.page_url == "" for record in erased)
    assert store.verify().ok is True


BLANK_BY_HAND = (
    "UPDATE consent_log SET ip = '', user_agent = '', page_url = '', personal_salt = '' "
    "WHERE seq = {seq}"
)


def test_personal_fields_blanked_without_an_erasure_are_found(store, backend):
    backend.raw_sql(BLANK_BY_HAND.format(seq=2))

    result = store.verify()

    assert (result.ok, result.first_broken, result.checked) == (False, 2, 1)
    assert "erased without a later erase record" in result.reason


def test_a_record_blanked_after_its_visitors_erasure_is_found(store, backend):
    store.erase("visitor-1", Record("visitor-1", "", "erase", [], [], ""))
    store.append(make_record(1))
    assert store.verify().ok

    backend.raw_sql(BLANK_BY_HAND.format(seq=8))

    assert (store.verify().ok, store.verify().first_broken) == (False, 8)


def test_purge_deletes_old_records_and_the_chain_goes_on(store):
    cutoff = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    progress: list[int] = []
    assert store.purge(cutoff, SIGNING_KEY, progress=progress.append) == 6
    assert progress[-1] == 6
    assert [record.method for record in store.records()] == ["purge"]
    assert store.append(make_record(7)).seq == 8
    result = store.verify(PUBLIC_KEYS)
    assert (result.ok, result.checked, len(result.purges)) == (True, 2, 1)


def test_purge_keeps_newer_records(backend):
    store = backend.open()
    for index in range(3):
        store.append(make_record(index))
    cutoff = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for index in range(3, 5):
        store.append(make_record(index))
    assert store.purge(cutoff, SIGNING_KEY) == 3
    assert [record.seq for record in store.records()] == [4, 5, 6]
    assert store.verify(PUBLIC_KEYS).ok is True


def test_removing_records_past_the_purge_anchor_is_found(backend):
    store = backend.open()
    for index in range(4):
        store.append(make_record(index))
    cutoff = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for index in range(4, 7):
        store.append(make_record(index))
    store.purge(cutoff, SIGNING_KEY)
    backend.tamper("DELETE FROM consent_log WHERE seq = 5")
    assert store.verify(PUBLIC_KEYS).first_broken == 6


def test_purge_refuses_a_broken_chain(store, backend):
    from consent_server.store import StoreUnavailable

    backend.tamper("UPDATE consent_log SET method = 'accept_all' WHERE seq = 2")
    with pytest.raises(StoreUnavailable, match="broken chain"):
        store.purge("2999-01-01T00:00:00.000000Z", SIGNING_KEY)


def test_service_choices_are_covered_by_the_hash(store, backend):
    backend.tamper("UPDATE consent_log SET granted_services = '[\"youtube\"]' WHERE seq = 3")
    assert store.verify().first_broken == 3


def test_append_leaves_the_callers_record_as_it_was(backend):
    record = make_record(0)
    stored = backend.open().append(record)
    assert stored.seq == 1 and stored.created_at and stored.hash
    assert (record.seq, record.created_at, record.prev_hash, record.hash) == (0, "", "", "")
