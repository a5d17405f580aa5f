"""A log that cannot be written answers 503 and never 201."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from consent_server.store.sqlite import SQLiteStore

from ..conftest import require
from .helpers import assert_json_error, post_consent


def test_locked_database_gives_503_and_recovers(client, db_path, row_count):
    post_consent(client)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        response = post_consent(client)
        assert_json_error(response, 503, "store_unavailable")
        assert response.headers["Retry-After"] == "5"
        assert "Set-Cookie" not in response.headers
        assert_json_error(client.get("/readyz"), 503, "not_ready")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert post_consent(client).status_code == 201
    assert client.get("/readyz").status_code == 200
    assert row_count() == 2


def make_unwritable(*paths: Path) -> None:
    """Really read-only, even for root: the immutable attribute where the filesystem has it."""
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return
    result = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
    require(result.returncode == 0, f"cannot make files read-only here: {result.stderr.strip()}")


def make_writable(*paths: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=False)
    for path in paths:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture
def readonly_folder(tmp_path) -> Iterator[Path]:
    folder = tmp_path / "log"
    folder.mkdir()
    store = SQLiteStore(str(folder / "consent.sqlite3"))
    assert store.ready()
    store.close()
    assert sorted(path.name for path in folder.iterdir()) == [
        "consent.sqlite3",
        "consent.sqlite3-lock",
    ]
    paths = [*folder.iterdir(), folder]
    make_unwritable(*paths)
    yield folder
    make_writable(*paths)


def test_read_only_log_gives_503_never_201_and_recovers(make_app, readonly_folder):
    database = readonly_folder / "consent.sqlite3"
    app = make_app(DATABASE_URL=f"sqlite:///{database}")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert_json_error(post_consent(client), 503, "store_unavailable")
    assert_json_error(client.get("/readyz"), 503, "not_ready")
    make_writable(database, readonly_folder)
    assert post_consent(client).status_code == 201
    assert client.get("/readyz").status_code == 200
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM consent_log").fetchone()[0] == 1
