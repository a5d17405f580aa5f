"""The anchor and the head are guarded like the log itself: with the guards in place, a plain
UPDATE, INSERT or DELETE cannot move them, and a purge record cannot be deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from ..server.helpers import post_consent
from .attacker import hash_of

REFUSALS = {
    "anchor_moved": "INSERT INTO chain_anchor (id, seq, hash, updated_at) "
    "VALUES (1, 5, '{hash5}', '2026-01-01T00:00:00.000000Z') "
    "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    "anchor_deleted": "DELETE FROM chain_anchor",
    "head_moved_back": "UPDATE chain_head SET seq = 5, hash = '{hash5}'",
    "head_deleted": "DELETE FROM chain_head",
    "purge_record_deleted": "DELETE FROM consent_log WHERE method = 'purge'",
    "purge_record_edited": "UPDATE consent_log SET detail = '{{}}' WHERE method = 'purge'",
}


@pytest.fixture
def purged(log_app, cli):
    with time_machine.travel(datetime.now(UTC) - timedelta(days=40), tick=True):
        client = log_app.test_client()
        for _ in range(3):
            assert post_consent(client).status_code == 201
    for _ in range(3):
        assert post_consent(log_app.test_client()).status_code == 201
    result = cli("purge", "--older-than", "30", "--yes")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("change", REFUSALS)
def test_a_plain_change_to_the_anchor_head_or_purges_is_refused(purged, backend, cli, change):
    sql = REFUSALS[change].format(hash5=hash_of(backend, 5))
    before = (
        backend.query("SELECT seq, hash FROM chain_anchor"),
        backend.query("SELECT seq, hash FROM chain_head"),
    )

    with pytest.raises(Exception, match=r"append-only|only by a purge|chain_head|chain_anchor"):
        backend.raw_sql(sql)

    after = (
        backend.query("SELECT seq, hash FROM chain_anchor"),
        backend.query("SELECT seq, hash FROM chain_head"),
    )
    assert after == before
    assert cli("verify").exit_code == 0


def test_the_head_cannot_be_replaced_by_a_second_insert(purged, backend, cli):
    """SQLite's INSERT OR REPLACE deletes the old row without firing its DELETE guard; on
    PostgreSQL the same reset is an upsert, which meets the UPDATE guard."""
    values = f"(1, 5, '{hash_of(backend, 5)}')"
    reset = (
        f"INSERT OR REPLACE INTO chain_head (id, seq, hash) VALUES {values}"
        if backend.name == "sqlite"
        else f"INSERT INTO chain_head (id, seq, hash) VALUES {values} "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
    )
    before = backend.query("SELECT seq, hash FROM chain_head")

    with pytest.raises(Exception, match=r"append-only"):
        backend.raw_sql(reset)

    assert backend.query("SELECT seq, hash FROM chain_head") == before
    assert cli("verify").exit_code == 0


def test_records_past_the_anchor_cannot_be_deleted_even_after_a_purge(purged, backend):
    with pytest.raises(Exception, match=r"append-only"):
        backend.raw_sql("DELETE FROM consent_log WHERE seq = 5")
