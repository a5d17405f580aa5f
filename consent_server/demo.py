"""`consent-server demo`: the server on SQLite with a site, a fresh admin token, in one command.

Without --site-dir it serves the example site shipped with the server (example_site/), built on
the fly into the data folder by MkDocs run as a separate program (the server never imports
MkDocs), so `/` is a page with the banner, not a 404. The demo keeps its own log, secret and
site in `demo/` under the data folder (data_dir.py): trying it out never writes into the log
`serve` keeps as proof.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click

from . import create_app, instance_path
from .admin_auth import token_hash
from .cli_common import fail
from .config import ConfigError, load_settings
from .data_dir import default_database_url, describe_log
from .demo_site import serving_site, site_settings, two_origins_problem
from .serving import PortUnavailable, check_port_free, run
from .store import StoreUnavailable

EXAMPLE_SITE = "example_site"
BUILD_SECONDS = 300


def build_example_site(target: Path, endpoint: str) -> Path:
    """The example site, built into `target` with its banner reporting to `endpoint`."""
    config = Path(str(resources.files(__package__).joinpath(EXAMPLE_SITE, "mkdocs.yml")))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    try:
        built = subprocess.run(
            [*command, "-f", str(config), "-d", str(target)],
            env={**os.environ, "MKDOCS_CONSENT_ENDPOINT": endpoint},
            capture_output=True, text=True, timeout=BUILD_SECONDS, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        fail(f"could not build the example site ({error}); give --site-dir")
    if built.returncode != 0:
        reason = (built.stderr.strip().splitlines() or ["mkdocs failed"])[-1]
        fail(f"could not build the example site: {reason}. Give a built site with --site-dir")
    return target


def _demo_secret(instance: Path) -> str:
    """One signing secret per data folder, so tokens survive restarts of the demo."""
    secret_file = instance / "demo-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()


@click.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A built MkDocs site to serve next to the API (default: the example site, built now).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--site-port",
    type=click.IntRange(1, 65535),
    help="Serve the site on this port and the server on --port: two origins, as in production "
    "(CORS is set up for the site). The site must be built with endpoint: http://HOST:PORT/api/v1.",
)
def demo(site_dir: Path | None, host: str, port: int, site_port: int | None) -> None:
    """Run a local demo: SQLite log, a site with the banner, and a fresh admin token."""
    url = f"http://{host}:{port}/"
    try:
        check_port_free(host, port)
    except PortUnavailable as error:
        fail(f"{error}; give another --port")
    instance = Path(instance_path()) / "demo"
    instance.mkdir(parents=True, exist_ok=True)
    site_note = ""
    if site_dir is None:
        endpoint = f"{url}api/v1" if site_port else "/api/v1"
        site_dir = build_example_site(instance / "site", endpoint)
        site_note = f"Site: the example site, built into {site_dir}\n"
    problem = site_port and two_origins_problem(site_dir, port, site_port, url + "api/v1")
    if problem:
        fail(problem)
    admin_token = secrets.token_urlsafe(32)
    os.environ.update(
        {
            "CONSENT_DEMO": "true",
            "CONSENT_DATABASE_URL": default_database_url(str(instance)),
            "CONSENT_SECRET_KEYS": _demo_secret(instance),
            "CONSENT_COOKIE_SECURE": "false",
            "CONSENT_ADMIN_TOKENS": token_hash(admin_token),
            **site_settings(site_dir, host, site_port),
        }
    )
    try:
        log = describe_log(load_settings()["DATABASE_URL"])
        create_app().extensions["consent"].store.close()
    except (ConfigError, StoreUnavailable) as error:
        fail(str(error))
    with serving_site(site_dir, host, site_port) as site_url:
        site_line = f"Site (another origin) at {site_url}\n" if site_url else ""
        click.echo(
            f"\nConsent demo running at {url}\n{site_line}{site_note}"
            f"Consent log: {log}\n"
            f"Admin token (valid for this run): {admin_token}\n"
            f"Dashboard: {url}admin/ (sign in with the admin token)\n"
            f"Pull the log:  curl -H 'Authorization: Bearer {admin_token}' "
            f"'{url}api/v1/admin/consents?format=jsonl'\n"
            "Stop with Ctrl-C.\n",
            err=True,
        )
        try:
            run(create_app, host, port, 2, accesslog=None)
        except PortUnavailable as error:
            fail(str(error))
