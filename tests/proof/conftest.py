"""Fixtures for attacking the log's proof: a log on each backend filled through the visitor API,
the admin's commands pointed at it, and the database as an attacker with the file holds it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from consent_server.cli import main
from mkdocs_privacy_plugin.manifest import AGREED_TEXT_KEYS, policy_version

from ..server import conftest as server_fixtures
from ..server.conftest import Backend
from ..server.helpers import SECRET, VALID_BODY, post_consent

# The server tests' fixtures, shared: a fresh log per backend, the app factory, the CLI runner.
backend = server_fixtures.backend
clean_environment = server_fixtures.clean_environment
db_path = server_fixtures.db_path
make_app = server_fixtures.make_app
runner = server_fixtures.runner
settings = server_fixtures.settings


def write_signing_key(path: Path) -> Path:
    """An Ed25519 private key as an unencrypted PKCS#8 PEM file, readable by its owner only."""
    key = Ed25519PrivateKey.generate()
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    return path


@pytest.fixture
def signing_key(tmp_path: Path) -> Path:
    return write_signing_key(tmp_path / "signing-key.pem")


@pytest.fixture
def admin_env(monkeypatch: pytest.MonkeyPatch, backend: Backend, signing_key: Path) -> None:
    """The environment an admin runs `consent-server` in, on the backend under test."""
    monkeypatch.setenv("CONSENT_DATABASE_URL", backend.url)
    monkeypatch.setenv("CONSENT_SECRET_KEYS", SECRET)
    monkeypatch.setenv("CONSENT_SIGNING_KEY", str(signing_key))


@pytest.fixture
def log_app(make_app: Callable[..., Flask], backend: Backend, signing_key: Path) -> Iterator[Flask]:
    """The server on the backend under test; its connections are closed afterwards."""
    app = make_app(DATABASE_URL=backend.url, SIGNING_KEY=str(signing_key))
    yield app
    app.extensions["consent"].store.close()


@pytest.fixture
def cli(runner: CliRunner, admin_env: None) -> Callable[..., Result]:
    """Run one `consent-server` command as the admin would."""

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def site_manifest(title: str = "Analytics") -> dict:
    """A manifest as `mkdocs build` writes it, its policy version the plugin's own content hash."""
    categories = [
        {"id": "necessary", "title": "Necessary", "description": "", "required": True},
        {"id": "analytics", "title": title, "description": "Counts visits.", "required": False},
        {"id": "marketing", "title": "Marketing", "description": "Ads.", "required": False},
    ]
    texts = {
        "en": {key: f"{key} text" for key in AGREED_TEXT_KEYS},
        "de": {key: f"{key} Text" for key in AGREED_TEXT_KEYS},
    }
    translations = {"de": {"categories": [{**categories[1], "title": "Statistik"}], "services": []}}
    return {
        "schema_version": 1,
        "policy_version": policy_version(categories, [], texts, translations),
        "site_name": "Docs",
        "site_url": "https://docs.example.com/",
        "categories": categories,
        "services": [],
        "translations": translations,
        "texts": texts,
    }


@dataclass
class VisitorLog:
    """A log with two visitors' decisions interleaved, under two policy versions."""

    app: Flask
    alice: str
    bob: str
    versions: list[str]


BOB_AGENT = "BobBrowser/7.1 (unique-bob-agent)"
BOB_PAGE = "https://docs.example.com/bob-only-page/"


def decide(client, version: str, token: str | None, bob: bool = False) -> str:
    body = {**VALID_BODY, "policy_version": version}
    headers = {"X-Consent-Token": token} if token else {}
    if bob:
        body["page_url"] = BOB_PAGE
        headers["User-Agent"] = BOB_AGENT
    response = post_consent(client, body, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


@pytest.fixture
def visitor_log(make_app, backend, signing_key, tmp_path) -> Iterator[VisitorLog]:
    """Alice decides, Bob decides twice; the policy changes; both decide again, Alice withdraws."""
    apps, versions = [], []
    for title in ("Analytics", "Statistics"):
        manifest = site_manifest(title)
        path = tmp_path / f"manifest-{title}.json"
        path.write_text(json.dumps(manifest))
        versions.append(manifest["policy_version"])
        apps.append(
            make_app(DATABASE_URL=backend.url, SIGNING_KEY=str(signing_key), MANIFEST=str(path))
        )
    # One browser per visitor and server version, so cookies never cross visitors.
    alice_old, bob_old = apps[0].test_client(), apps[0].test_client()
    alice_new, bob_new = apps[1].test_client(), apps[1].test_client()
    alice = decide(alice_old, versions[0], None)
    bob = decide(bob_old, versions[0], None, bob=True)
    decide(bob_old, versions[0], bob, bob=True)
    alice = decide(alice_new, versions[1], alice)
    decide(bob_new, versions[1], bob, bob=True)
    withdrawn = alice_new.delete("/api/v1/consent", headers={"X-Consent-Token": alice})
    assert withdrawn.status_code == 200
    decide(bob_new, versions[1], bob, bob=True)
    signer = apps[1].extensions["consent"].signer
    yield VisitorLog(apps[1], signer.read(alice)["cid"], signer.read(bob)["cid"], versions)
    for app in apps:
        app.extensions["consent"].store.close()
