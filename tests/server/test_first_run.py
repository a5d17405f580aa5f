"""A first run that keeps the proof: the log outside the Python environment, said at start, and a
demo and a `python -m` that work without anything else to set up."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest

from consent_server import create_app, data_dir
from consent_server.cli import main
from consent_server.demo import build_example_site

from .helpers import SECRET, VALID_BODY
from .live import free_port, read_until, running_demo
from .test_demo import get

SERVER_ENV = {"CONSENT_SECRET_KEYS": SECRET}


@pytest.fixture
def home(monkeypatch, tmp_path) -> Path:
    """A user with no CONSENT_INSTANCE_PATH, whose data directory is under tmp_path."""
    monkeypatch.delenv("CONSENT_INSTANCE_PATH")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def test_the_default_log_lives_in_the_users_data_directory(home):
    app = create_app({"SECRET_KEYS": SECRET})
    app.extensions["consent"].store.ready()
    log = home / "consent-server" / "consent.sqlite3"
    assert app.instance_path == str(home / "consent-server")
    assert log.is_file(), "the log was created there"
    assert Path(sys.prefix).resolve() not in log.resolve().parents


def test_serve_refuses_a_log_inside_the_python_environment(runner, monkeypatch):
    inside = Path(sys.prefix) / "var" / f"refused-{uuid.uuid4().hex}" / "consent.sqlite3"
    monkeypatch.setenv("CONSENT_DATABASE_URL", f"sqlite:///{inside}")
    result = runner.invoke(main, ["serve"], env=SERVER_ENV)
    assert result.exit_code == 2
    assert "is inside the Python environment" in result.output
    assert (
        "--allow-log-in-prefix" in result.output and "CONSENT_ALLOW_LOG_IN_PREFIX" in result.output
    )
    assert not inside.parent.exists(), "nothing was written there"


def test_serve_refuses_to_start_afresh_beside_a_log_at_the_old_default(
    runner, home, tmp_path, monkeypatch
):
    old = tmp_path / "old-instance" / "consent.sqlite3"
    old.parent.mkdir()
    old.write_bytes(b"")
    # Where earlier versions looked depends on how the package is installed; point it here.
    monkeypatch.setattr(data_dir, "_old_default_log", lambda: old)
    result = runner.invoke(main, ["serve"], env=SERVER_ENV)
    assert result.exit_code == 2
    assert f"old default place {old}" in result.output
    assert str(home / "consent-server" / "consent.sqlite3") in result.output


def test_serve_says_where_the_log_is_and_starts_in_the_environment_when_told(tmp_path):
    folder = Path(sys.prefix) / "var" / f"allowed-{uuid.uuid4().hex}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSENT_")}
    env.update(SERVER_ENV, CONSENT_DATABASE_URL=f"sqlite:///{folder / 'consent.sqlite3'}")
    command = [
        sys.executable,
        "-m",
        "consent_server",
        "serve",
        "--port",
        str(free_port()),
        "--workers",
        "1",
    ]
    process = subprocess.Popen(
        [*command, "--allow-log-in-prefix"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        output = read_until(process.stderr, r"Booting worker")
        assert f"Consent log: SQLite file {folder.resolve() / 'consent.sqlite3'}" in output
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def test_python_dash_m_is_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "consent_server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: python -m consent_server")
    for command in ("serve", "demo", "export", "verify"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


def test_the_example_site_is_built_for_the_endpoint_asked(tmp_path):
    site = build_example_site(tmp_path / "site", "http://127.0.0.1:8123/api/v1")
    assert '"endpoint":"http://127.0.0.1:8123/api/v1"' in (site / "index.html").read_text().replace(
        " ", ""
    )
    assert (site / "consent" / "manifest.json").is_file() and (
        site / "cookie-policy" / "index.html"
    ).is_file()


@pytest.mark.slow
def test_demo_without_a_site_serves_the_example_site_and_its_own_log(tmp_path):
    with running_demo(None, tmp_path / "instance") as demo:
        front = get(demo.url)
        assert "<title>Example docs</title>" in front and 'id="consent-config"' in front
        assert "Analytics script" in get(demo.url + "second/")
        assert (
            f"Consent log: SQLite file {tmp_path / 'instance' / 'demo' / 'consent.sqlite3'}"
            in demo.output
        )
        manifest = json.loads(get(demo.url + "consent/manifest.json"))
        body = {
            **VALID_BODY,
            "policy_version": manifest["policy_version"],
            "choices": {"analytics": True, "media": False},
        }
        request = urllib.request.Request(
            demo.url + "api/v1/consent",
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 201
        demo.process.send_signal(signal.SIGINT)
        assert demo.process.wait(timeout=30) == 0
