"""Attack 1, the fake purge: with write access to the database, move the purge anchor to record N
and delete every record up to N. Only a purge the server signed may move the anchor, so `verify`,
`verify --checkpoint` and the admin API must all find the cut, on both backends."""

from __future__ import annotations

import json

from ..server.helpers import ADMIN_TOKEN, post_consent
from .attacker import fake_purge

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def fill(app, count: int) -> None:
    client = app.test_client()
    for _ in range(count):
        assert post_consent(client).status_code == 201


def test_a_fake_purge_fails_verify(log_app, backend, cli):
    fill(log_app, 6)
    assert cli("verify").exit_code == 0

    fake_purge(backend, up_to=4)

    result = cli("verify")
    assert result.exit_code == 1, result.output
    assert "BROKEN" in result.output
    assert "purge" in result.output


def test_a_fake_purge_fails_a_checkpoint_taken_before_it(log_app, backend, cli, tmp_path):
    fill(log_app, 6)
    checkpoint = tmp_path / "checkpoint.json"
    assert cli("checkpoint", "--output", str(checkpoint)).exit_code == 0
    fill(log_app, 2)

    fake_purge(backend, up_to=4)

    result = cli("verify", "--checkpoint", str(checkpoint))
    assert result.exit_code == 1, result.output
    assert "only grew" not in result.output


def test_a_fake_purge_past_the_checkpoint_head_fails_it_too(log_app, backend, cli, tmp_path):
    fill(log_app, 3)
    checkpoint = tmp_path / "checkpoint.json"
    assert cli("checkpoint", "--output", str(checkpoint)).exit_code == 0
    fill(log_app, 3)

    fake_purge(backend, up_to=5)

    result = cli("verify", "--checkpoint", str(checkpoint))
    assert result.exit_code == 1, result.output
    assert json.loads(checkpoint.read_text())["seq"] == 3


def test_the_admin_api_reports_a_fake_purge(log_app, backend):
    fill(log_app, 5)
    fake_purge(backend, up_to=2)

    body = log_app.test_client().get("/api/v1/admin/verify", headers=ADMIN).get_json()

    assert body["ok"] is False
    assert body["first_broken"] is not None
