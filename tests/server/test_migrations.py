"""Schema upgrades: applied once and in order, even by several instances starting together."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from consent_server.store import StoreUnavailable, migrations

from .helpers import assert_json_error, post_consent
from .test_chain import make_record

PROBE_STEP = (
    "CREATE TABLE upgrade_probe (n INTEGER NOT NULL);\nINSERT INTO upgrade_probe VALUES (1);\n"
)


def schema_version(backend) -> int:
    return backend.query("SELECT version FROM schema_version WHERE id = 1")[0][0]


def test_a_new_log_is_at_the_latest_version(backend):
    backend.open().append(make_record(0))
    assert schema_version(backend) == migrations.latest_version()


def test_a_new_step_is_applied_once_by_instances_starting_together(backend, monkeypatch):
    first = backend.open()
    first.append(make_record(0))
    first.close()

    real_step_sql = migrations.step_sql
    probe = migrations.latest_version() + 1
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, ("probe",)))
    monkeypatch.setattr(
        migrations,
        "step_sql",
        lambda version, name: PROBE_STEP if version == probe else real_step_sql(version, name),
    )

    def start_instance(index: int) -> int:
        store = backend.open(timeout=10)
        return store.append(make_record(index)).seq

    with ThreadPoolExecutor(max_workers=6) as pool:
        seqs = list(pool.map(start_instance, range(1, 7)))

    assert sorted(seqs) == [2, 3, 4, 5, 6, 7]
    assert schema_version(backend) == probe
    assert backend.query("SELECT COUNT(*) FROM upgrade_probe")[0][0] == 1
    assert backend.open().verify().ok


def test_a_schema_newer_than_the_server_is_left_alone(backend):
    backend.open().append(make_record(0))
    backend.raw_sql("UPDATE schema_version SET version = version + 1")

    with pytest.raises(StoreUnavailable, match="newer than this server knows"):
        backend.open().append(make_record(1))
    assert backend.query("SELECT COUNT(*) FROM consent_log")[0][0] == 1


def test_the_api_answers_503_on_a_newer_schema(make_app, row_count, db_path):
    client = make_app().test_client()
    assert post_consent(client).status_code == 201
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE schema_version SET version = version + 1")

    newer = make_app().test_client()
    assert_json_error(post_consent(newer), 503, "store_unavailable")
    assert newer.get("/readyz").status_code == 503
    assert row_count() == 1
