"""The `consent-server` commands an admin runs."""

from __future__ import annotations

import json
import re
import socket
import sqlite3

import pytest

from consent_server.cli import main

from .helpers import SECRET, SIGNING_KEY_TEXT, VALID_BODY, post_consent


@pytest.fixture
def cli_env(monkeypatch, db_path):
    monkeypatch.setenv("CONSENT_DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CONSENT_SIGNING_KEY", SIGNING_KEY_TEXT)


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
    from consent_server.store import appending

    with monkeypatch.context() as past:
        past.setattr(appending, "utc_now", lambda: "2020-01-01T00:00:00.000000Z")
        for _ in range(3):
            post_consent(app.test_client())
    post_consent(app.test_client())
    result = runner.invoke(main, ["purge", "--older-than", "30", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Purged 3 records" in result.output
    verify = runner.invoke(main, ["verify"])
    assert verify.exit_code == 0 and "OK: 2 records" in verify.output
    assert "purge at seq 5" in verify.output and "removed seq 1-3" in verify.output


def test_purge_needs_a_period(runner, cli_env):
    result = runner.invoke(main, ["purge", "--yes"])
    assert result.exit_code == 2
    assert "--older-than" in result.output


def test_serve_refuses_to_start_without_a_secret(runner, cli_env):
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 2
    assert "CONSENT_SECRET_KEYS is not set" in result.output


def test_serve_names_a_taken_port_instead_of_sharing_it(runner, cli_env, monkeypatch):
    monkeypatch.setenv("CONSENT_SECRET_KEYS", SECRET)
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.output


def test_checkpoint_then_growth_verifies_and_rewrite_is_found(
    runner, logged, db_path, tmp_path, monkeypatch
):
    monkeypatch.setenv("CONSENT_SECRET_KEYS", SECRET)
    target = tmp_path / "checkpoint.json"
    result = runner.invoke(main, ["checkpoint", "--output", str(target)])
    assert result.exit_code == 0, result.output
    saved = json.loads(target.read_text())
    assert saved["seq"] == 3 and len(saved["signature"]) > 20
    post_consent(logged.test_client())
    grown = runner.invoke(main, ["verify", "--checkpoint", str(target)])
    assert grown.exit_code == 0, grown.output
    assert "Checkpoint OK" in grown.output and "OK: 4 records" in grown.output
    forged = {**saved, "seq": 2}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    assert (
        runner.invoke(main, ["verify", "--checkpoint", str(tmp_path / "forged.json")]).exit_code
        == 1
    )
    rewrite_log_from(db_path, seq=2)
    rewritten = runner.invoke(main, ["verify", "--checkpoint", str(target)])
    assert rewritten.exit_code == 1
    assert "record 3 changed since the checkpoint" in rewritten.output


def rewrite_log_from(db_path, seq: int) -> None:
    """An attacker who changes a record and recomputes every hash after it, head included."""
    from consent_server.chain import chain_hash
    from consent_server.store.rows import join_ids, record_from_row

    with sqlite3.connect(db_path) as connection:
        connection.row_factory = sqlite3.Row
        connection.execute("DROP TRIGGER consent_log_append_only")
        connection.execute("DROP TRIGGER chain_head_moves_forward")
        rows = connection.execute("SELECT * FROM consent_log ORDER BY seq").fetchall()
        prev = rows[seq - 2]["hash"] if seq > 1 else "0" * 64
        for row in rows[seq - 1 :]:
            record = record_from_row(row)
            if record.seq == seq:
                record.granted = []
            record.prev_hash, record.hash = prev, chain_hash(record, prev)
            connection.execute(
                "UPDATE consent_log SET granted = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (join_ids(record.granted), record.prev_hash, record.hash, record.seq),
            )
            prev = record.hash
        connection.execute("UPDATE chain_head SET hash = ?", (prev,))
