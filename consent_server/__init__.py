"""Consent server: signed consent tokens and a tamper-evident consent log.

`create_app` is the application factory: it validates the settings (config.py), builds the shared
services (context.py), registers the blueprints (api.py for visitors, admin.py and dashboard.py for
admins, ops.py, site.py), the JSON error handlers (errors.py), the rate limits (ratelimits.py) and
CORS for the visitor API. README.md's Layout section maps every module to its job.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

try:
    from flask import Flask, Response
except ModuleNotFoundError as missing:  # `pip install mkdocs-consent` brings the plugin alone
    raise ModuleNotFoundError(
        f"the consent server needs {missing.name!r}: pip install 'mkdocs-consent[server]'",
        name=missing.name,
    ) from None
from werkzeug.middleware.proxy_fix import ProxyFix

from . import admin, api, dashboard, ops, site
from .admin_auth import DashboardSessions
from .config import ConfigError, load_settings, verifying_keys
from .context import Services
from .cors import init_visitor_cors
from .data_dir import default_database_url, instance_path
from .errors import register_error_handlers
from .manifest import ManifestSource
from .origins import parse_rules
from .ratelimits import init_rate_limits
from .readiness import init_readiness
from .scrubber import Scrubber
from .store import open_store
from .tokens import TokenSigner

__all__ = ["ConfigError", "create_app", "database_url", "instance_path"]


def database_url(settings: Mapping[str, Any], instance: str) -> str:
    """CONSENT_DATABASE_URL, or the SQLite log in the data folder (data_dir.py)."""
    return settings["DATABASE_URL"] or default_database_url(instance)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; every setting is validated here, so a bad one stops start-up."""
    app = Flask(__name__, instance_path=instance_path(), static_folder=None)
    settings = load_settings(config)
    origin_rules = parse_rules(settings["ALLOWED_ORIGINS"])
    if not settings["SECRET_KEYS"]:
        settings["SECRET_KEYS"] = [secrets.token_urlsafe(48)]
    app.config.update({"CONSENT_" + name: value for name, value in settings.items()})
    app.config.update(
        MAX_CONTENT_LENGTH=settings["MAX_CONTENT_LENGTH"],
        SECRET_KEY=settings["SECRET_KEYS"][-1],
        SECRET_KEY_FALLBACKS=settings["SECRET_KEYS"][:-1],
        SESSION_COOKIE_NAME="consent_admin",
        SESSION_COOKIE_PATH="/admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings["COOKIE_SECURE"],
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=30),
    )

    app.session_interface = DashboardSessions()
    store = open_store(database_url(settings, app.instance_path), timeout=settings["DB_TIMEOUT"])
    app.extensions["consent"] = Services(
        store=store,
        signer=TokenSigner(settings["SECRET_KEYS"], settings["MAX_AGE_DAYS"] * 86400),
        manifest=ManifestSource(settings["MANIFEST"]),
        ip_key=hmac.new(settings["SECRET_KEYS"][0].encode(), b"ip", hashlib.sha256).digest(),
        scrubber=Scrubber(store.scrub),
        public_keys=verifying_keys(settings),
    )
    _register_blueprints(app, settings)
    init_visitor_cors(app, origin_rules)
    init_readiness(app, app.extensions["consent"].store)
    init_rate_limits(app, settings, [api.bp], [admin.bp, dashboard.bp])
    if settings["PROXY_HOPS"]:
        hops = settings["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response

    return app


def _register_blueprints(app: Flask, settings: Mapping[str, Any]) -> None:
    register_error_handlers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(ops.bp)
    if settings["SITE_DIR"]:
        app.register_blueprint(site.bp)
