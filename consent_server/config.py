"""Settings: defaults, then a file named by CONSENT_CONFIG, then CONSENT_* variables, then overrides.

Everything is validated once at start-up so that a misconfigured server refuses to start with a clear
message instead of failing on the first visitor.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from limits import parse_many

from .signing import PublicKey, SigningKey, load_signing_key
from .store.urls import check_database_url

PREFIX = "CONSENT_"
MIN_SECRET_LENGTH = 32
IP_MODES = ("truncate", "drop", "hmac")
SAMESITE_VALUES = ("Lax", "Strict", "None")
ADMIN_TOKEN_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")

DEFAULTS: dict[str, Any] = {
    "SECRET_KEYS": [],
    "DATABASE_URL": None,
    # `serve` refuses a SQLite log inside the Python environment unless this is true (data_dir.py).
    "ALLOW_LOG_IN_PREFIX": False,
    "ALLOWED_ORIGINS": [],
    "ADMIN_TOKENS": [],
    "MANIFEST": None,
    "IP_MODE": "truncate",
    "COOKIE_NAME": "consent",
    "COOKIE_DOMAIN": None,
    "COOKIE_SECURE": True,
    "COOKIE_SAMESITE": "Lax",
    "MAX_AGE_DAYS": 180,
    "RETENTION_DAYS": None,
    "DB_TIMEOUT": 5.0,
    "PROXY_HOPS": 0,
    "SITE_DIR": None,
    "DEMO": False,
    "MAX_CONTENT_LENGTH": 16 * 1024,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_VISITOR": "120 per minute",
    "RATELIMIT_ADMIN": "60 per minute",
    "RATELIMIT_STORAGE_URL": "memory://",
    "SIGNING_KEY": None,
    "VERIFY_KEYS": [],
}

LIST_SETTINGS = ("SECRET_KEYS", "ALLOWED_ORIGINS", "ADMIN_TOKENS", "VERIFY_KEYS")
BOOL_SETTINGS = ("COOKIE_SECURE", "DEMO", "RATELIMIT_ENABLED", "ALLOW_LOG_IN_PREFIX")
INT_SETTINGS = ("MAX_AGE_DAYS", "RETENTION_DAYS", "PROXY_HOPS", "MAX_CONTENT_LENGTH")


class ConfigError(ValueError):
    """A setting is missing or invalid; the message names it and says what is expected."""


def load_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Collect settings from every source, later sources winning, and validate them."""
    settings = dict(DEFAULTS)
    settings.update(_read_config_file(os.environ.get(PREFIX + "CONFIG")))
    settings.update(_read_environment(os.environ))
    settings.update(overrides or {})
    return validate(settings)


def _read_config_file(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise ConfigError(f"CONSENT_CONFIG: cannot read {path!r}: {error.strerror}") from None
    try:
        data = json.loads(raw) if path.endswith(".json") else tomllib.loads(raw.decode())
    except (ValueError, UnicodeDecodeError) as error:
        raise ConfigError(f"CONSENT_CONFIG: {path!r} is not valid TOML or JSON: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"CONSENT_CONFIG: {path!r} must hold a table of settings")
    return {str(key).upper().removeprefix(PREFIX): value for key, value in data.items()}


def _read_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        key.removeprefix(PREFIX): value
        for key, value in environ.items()
        if key.startswith(PREFIX) and key != PREFIX + "CONFIG"
    }


def _as_list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise ConfigError(f"CONSENT_{name}: expected a comma-separated string or a list of strings")


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"CONSENT_{name}: expected true or false, got {value!r}")


def _as_int(name: str, value: Any, minimum: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"CONSENT_{name}: expected a whole number, got {value!r}") from None
    if number < minimum:
        raise ConfigError(f"CONSENT_{name}: must be at least {minimum}, got {number}")
    return number


def validate(settings: dict[str, Any]) -> dict[str, Any]:
    """Normalise types and refuse settings that would make the server unsafe or broken."""
    for name in LIST_SETTINGS:
        settings[name] = _as_list(name, settings.get(name))
    for name in BOOL_SETTINGS:
        settings[name] = _as_bool(name, settings.get(name))
    for name in INT_SETTINGS:
        minimum = 0 if name == "PROXY_HOPS" else 1
        settings[name] = _as_int(name, settings.get(name), minimum)
    if settings["MAX_AGE_DAYS"] is None:
        raise ConfigError("CONSENT_MAX_AGE_DAYS: expected a whole number of days")
    if settings["MAX_CONTENT_LENGTH"] is None:
        settings["MAX_CONTENT_LENGTH"] = DEFAULTS["MAX_CONTENT_LENGTH"]
    settings["PROXY_HOPS"] = settings["PROXY_HOPS"] or 0
    try:
        settings["DB_TIMEOUT"] = float(settings["DB_TIMEOUT"])
    except (TypeError, ValueError):
        raise ConfigError("CONSENT_DB_TIMEOUT: expected a number of seconds") from None

    _check_secrets(settings)
    if settings["IP_MODE"] not in IP_MODES:
        raise ConfigError(f"CONSENT_IP_MODE: expected one of {', '.join(IP_MODES)}")
    samesite = str(settings["COOKIE_SAMESITE"]).capitalize()
    if samesite not in SAMESITE_VALUES:
        raise ConfigError(f"CONSENT_COOKIE_SAMESITE: expected one of {', '.join(SAMESITE_VALUES)}")
    if samesite == "None" and not settings["COOKIE_SECURE"]:
        raise ConfigError("CONSENT_COOKIE_SAMESITE: None requires CONSENT_COOKIE_SECURE=true")
    settings["COOKIE_SAMESITE"] = samesite
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", str(settings["COOKIE_NAME"])):
        raise ConfigError("CONSENT_COOKIE_NAME: letters, digits, '_', '.', '-' only")
    settings["ADMIN_TOKENS"] = [token.lower() for token in settings["ADMIN_TOKENS"]]
    for token in settings["ADMIN_TOKENS"]:
        if not ADMIN_TOKEN_PATTERN.fullmatch(token):
            raise ConfigError(
                "CONSENT_ADMIN_TOKENS: each entry must be sha256:<64 hex digits> "
                "(run `consent-server new-admin-token`)"
            )
    for name in ("RATELIMIT_VISITOR", "RATELIMIT_ADMIN"):
        settings[name] = _check_rate_limit(name, str(settings[name]))
    if not re.match(
        r"^(memory|redis|rediss|redis\+sentinel|memcached)://",
        str(settings["RATELIMIT_STORAGE_URL"]),
    ):
        raise ConfigError("CONSENT_RATELIMIT_STORAGE_URL: expected memory:// or redis://host:port")
    if settings["DATABASE_URL"] is not None:
        try:
            check_database_url(str(settings["DATABASE_URL"]))
        except ValueError as error:
            raise ConfigError(f"CONSENT_DATABASE_URL: {error}") from None
    _load_signing_keys(settings)
    return settings


def _load_signing_keys(settings: dict[str, Any]) -> None:
    """The Ed25519 key that signs proof, read now so a bad one stops start-up, and the public
    keys of earlier signing keys whose signatures still count."""
    key = settings["SIGNING_KEY"]
    if key is not None and not isinstance(key, SigningKey) and str(key).strip():
        try:
            settings["SIGNING_KEY"] = load_signing_key(str(key))
        except ValueError as error:
            raise ConfigError(
                f"CONSENT_SIGNING_KEY: {error} (`consent-server new-signing-key` writes one)"
            ) from None
    elif not isinstance(key, SigningKey):
        settings["SIGNING_KEY"] = None
    try:
        settings["VERIFY_KEYS"] = [PublicKey.from_text(text) for text in settings["VERIFY_KEYS"]]
    except ValueError as error:
        raise ConfigError(
            f"CONSENT_VERIFY_KEYS: {error}, as `consent-server public-key` prints it"
        ) from None


def verifying_keys(settings: Mapping[str, Any]) -> list[PublicKey]:
    """Every public key whose signatures on purges and checkpoints are accepted."""
    key = settings["SIGNING_KEY"]
    return ([key.public] if key is not None else []) + list(settings["VERIFY_KEYS"])


def _check_rate_limit(name: str, value: str) -> str:
    """A limit Flask-Limiter understands (parsed by `limits`, the library it builds on)."""
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(
            f"CONSENT_{name}: {value!r} is not a rate limit like '120 per minute' or '10/second'"
        ) from None
    return value


def _check_secrets(settings: dict[str, Any]) -> None:
    keys = settings["SECRET_KEYS"]
    if settings["DEMO"]:
        return
    if not keys:
        raise ConfigError(
            "CONSENT_SECRET_KEYS is not set: give at least one random secret of "
            f"{MIN_SECRET_LENGTH}+ characters, e.g. from `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`"
        )
    short = [index for index, key in enumerate(keys) if len(key) < MIN_SECRET_LENGTH]
    if short:
        raise ConfigError(
            f"CONSENT_SECRET_KEYS: every key must be at least {MIN_SECRET_LENGTH} characters "
            f"(key number {short[0] + 1} is shorter)"
        )
