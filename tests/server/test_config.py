"""Settings are validated at start-up: a server that would be unsafe refuses to start."""

from __future__ import annotations

import pytest

from consent_server import ConfigError, create_app

from .helpers import SECRET


@pytest.fixture
def base(db_path) -> dict:
    return {"SECRET_KEYS": SECRET, "DATABASE_URL": f"sqlite:///{db_path}"}


def test_missing_secret_refuses_to_start(db_path):
    with pytest.raises(ConfigError, match="CONSENT_SECRET_KEYS is not set"):
        create_app({"DATABASE_URL": f"sqlite:///{db_path}"})


def test_short_secret_refuses_to_start(base):
    with pytest.raises(ConfigError, match="at least 32 characters"):
        create_app({**base, "SECRET_KEYS": f"{SECRET},short"})


def test_demo_mode_runs_without_secret(db_path):
    app = create_app({"DEMO": True, "DATABASE_URL": f"sqlite:///{db_path}"})
    assert len(app.config["CONSENT_SECRET_KEYS"][0]) >= 32


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"IP_MODE": "keep"}, "CONSENT_IP_MODE"),
        ({"ADMIN_TOKENS": "plaintext-token"}, "CONSENT_ADMIN_TOKENS"),
        ({"ALLOWED_ORIGINS": "docs.example.com"}, "CONSENT_ALLOWED_ORIGINS"),
        ({"ALLOWED_ORIGINS": "https://docs.example.com/path"}, "CONSENT_ALLOWED_ORIGINS"),
        ({"MAX_AGE_DAYS": "soon"}, "CONSENT_MAX_AGE_DAYS"),
        ({"MAX_AGE_DAYS": "0"}, "CONSENT_MAX_AGE_DAYS"),
        ({"COOKIE_SECURE": "maybe"}, "CONSENT_COOKIE_SECURE"),
        ({"COOKIE_SAMESITE": "None", "COOKIE_SECURE": "false"}, "requires CONSENT_COOKIE_SECURE"),
        ({"COOKIE_NAME": "bad name;"}, "CONSENT_COOKIE_NAME"),
        ({"DATABASE_URL": "mysql://x"}, "CONSENT_DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///x.db?synchronous=off"}, "synchronous must be one of"),
        ({"DATABASE_URL": "sqlite:///x.db?journal=delete"}, "unknown SQLite option 'journal'"),
        ({"MANIFEST": "/nonexistent/manifest.json"}, "CONSENT_MANIFEST"),
    ],
)
def test_invalid_settings_name_the_setting(base, overrides, message):
    with pytest.raises(ConfigError, match=message):
        create_app({**base, **overrides})


def test_environment_variables_are_read(monkeypatch, db_path):
    monkeypatch.setenv("CONSENT_SECRET_KEYS", SECRET)
    monkeypatch.setenv("CONSENT_DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CONSENT_ALLOWED_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("CONSENT_COOKIE_SECURE", "False")
    monkeypatch.setenv("CONSENT_MAX_AGE_DAYS", "30")
    app = create_app()
    assert app.config["CONSENT_ALLOWED_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert app.config["CONSENT_COOKIE_SECURE"] is False
    assert app.config["CONSENT_MAX_AGE_DAYS"] == 30


def test_config_file_is_read_and_environment_wins(monkeypatch, tmp_path, db_path):
    config_file = tmp_path / "consent.toml"
    config_file.write_text(
        f'secret_keys = ["{SECRET}"]\ndatabase_url = "sqlite:///{db_path}"\nmax_age_days = 90\n'
        'cookie_name = "from_file"\n'
    )
    monkeypatch.setenv("CONSENT_CONFIG", str(config_file))
    monkeypatch.setenv("CONSENT_COOKIE_NAME", "from_env")
    app = create_app()
    assert app.config["CONSENT_MAX_AGE_DAYS"] == 90
    assert app.config["CONSENT_COOKIE_NAME"] == "from_env"


def test_unreadable_config_file_is_a_clear_error(monkeypatch, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("secret_keys = [")
    monkeypatch.setenv("CONSENT_CONFIG", str(broken))
    with pytest.raises(ConfigError, match="not valid TOML"):
        create_app()


def test_default_database_lives_in_instance_folder(tmp_path):
    app = create_app({"SECRET_KEYS": SECRET})
    assert app.test_client().get("/readyz").status_code == 200
    assert (tmp_path / "instance" / "consent.sqlite3").exists()
    assert app.instance_path == str(tmp_path / "instance")


@pytest.mark.parametrize(("query", "expected"), [("", 2), ("?synchronous=normal", 1)])
def test_sqlite_durability_follows_the_database_url(base, db_path, query, expected):
    store = (
        create_app({**base, "DATABASE_URL": f"sqlite:///{db_path}{query}"})
        .extensions["consent"]
        .store
    )
    assert store.ready()
    assert store._connection().execute("PRAGMA synchronous").fetchone()[0] == expected
    assert db_path.exists()
