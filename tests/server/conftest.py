"""Fixtures for the server: an app on a fresh SQLite log, its client, CLI runner and admin token."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from consent_server import create_app

from .helpers import ADMIN_TOKEN, SECRET, admin_hash


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests see only the settings they give, never the developer's CONSENT_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith("CONSENT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONSENT_INSTANCE_PATH", str(tmp_path / "instance"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "consent.sqlite3"


@pytest.fixture
def settings(db_path: Path) -> dict:
    return {
        "SECRET_KEYS": SECRET,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "ADMIN_TOKENS": admin_hash(ADMIN_TOKEN),
        "COOKIE_SECURE": True,
        "DB_TIMEOUT": 0.2,
    }


@pytest.fixture
def make_app(settings: dict) -> Callable[..., Flask]:
    def make(**overrides: object) -> Flask:
        app = create_app({**settings, **overrides})
        app.testing = True
        return app

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def manifest_path(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "policy_version": "abc123",
                "categories": [
                    {"id": "necessary", "title": "Necessary", "required": True},
                    {"id": "analytics", "title": "Analytics", "required": False},
                    {"id": "marketing", "title": "Marketing", "required": False},
                ],
                "services": [],
            }
        )
    )
    return path


@pytest.fixture
def row_count(db_path: Path) -> Callable[[], int]:
    """Counts rows straight from the database file, not through the code under test."""

    def count() -> int:
        if not db_path.exists():
            return 0
        with sqlite3.connect(db_path) as connection:
            return connection.execute("SELECT COUNT(*) FROM consent_log").fetchone()[0]

    return count
