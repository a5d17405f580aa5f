"""The `consent-server` commands an admin runs."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from consent_server.cli import main

from .helpers import VALID_BODY, post_consent


@pytest.fixture
def cli_env(monkeypatch, db_path):
    monkeypatch.setenv("CONSENT_DATABASE_URL", f"sqlite:///{db_path}")


@pytest.fixture
def logged(app, cli_env):
    for index in range(3):
        post_consent(app.test_client(), {**VALID_BODY, "policy_version": f"v{index}"})
    return app


def test_new_admin_token_prints_a_token_whose_line_configures_admin_access(runner, make_app):
    result = runner.invoke(main, ["new-admin-token"])
    assert result.exit_code == 0
    token = re.search(r"Admin token .*: (\S+)", result.output).group(1)
    line = re.search(r"CONSENT_ADMIN_TOKENS: (sha256:[0-9a-f]{64})", result.output).group(1)
    client = make_app(ADMIN_TOKENS=line).test_client()
    response = client.get("/api/v1/admin/verify", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_verify_passes_on_intact_log(runner, logged):
    result = runner.invoke(main, ["verify"])
    assert result.exit_code == 0
    assert "OK: 3 records" in result.output


def test_verify_fails_and_names_first_broken_record(runner, logged, db_path):
    with sqlite3.connect(db_path) as connection:
        connection.execute("DROP TRIGGER consent_log_append_only")
        connection.execute("UPDATE consent_log SET granted = '[]' WHERE seq = 2")
    result = runner.invoke(main, ["verify"])
    assert result.exit_code == 1
    assert "first broken record is seq 2" in result.output


def test_export_to_stdout_and_to_file_with_progress(runner, logged, tmp_path):
    stdout = runner.invoke(main, ["export", "--format", "jsonl", "--policy-version", "v1"])
    assert stdout.exit_code == 0
    assert [json.loads(line)["policy_version"] for line in stdout.output.splitlines()] == ["v1"]
    target = tmp_path / "out.csv"
    result = runner.invoke(main, ["export", "--format", "csv", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exporting to" in result.output and "Exported 3 records" in result.output
    lines = target.read_text().splitlines()
    assert lines[0].startswith("seq,consent_id,created_at")
    assert len(lines) == 4
    assert not (tmp_path / "out.csv.partial").exists()


def test_export_rejects_bad_dates(runner, cli_env):
    result = runner.invoke(main, ["export", "--since", "last week"])
    assert result.exit_code == 2
    assert "--since must be an ISO 8601" in result.output


def test_purge_deletes_old_records_and_keeps_chain(runner, app, cli_env, monkeypatch):
    from consent_server.store import sql as sqlite_store

    with monkeypatch.context() as past:
        past.setattr(sqlite_store, "utc_now", lambda: "2020-01-01T00:00:00.000000Z")
        for _ in range(3):
            post_consent(app.test_client())
    post_consent(app.test_client())
    result = runner.invoke(main, ["purge", "--older-than", "30", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Purged 3 records" in result.output
    verify = runner.invoke(main, ["verify"])
    assert verify.exit_code == 0 and "OK: 1 records" in verify.output


def test_purge_needs_a_period(runner, cli_env):
    result = runner.invoke(main, ["purge", "--yes"])
    assert result.exit_code == 2
    assert "--older-than" in result.output


def test_serve_refuses_to_start_without_a_secret(runner, cli_env):
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 2
    assert "CONSENT_SECRET_KEYS is not set" in result.output
