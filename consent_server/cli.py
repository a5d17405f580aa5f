"""The `consent-server` command: run the server, and keep the consent log as an admin."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click

from . import create_app, database_url, instance_path
from .admin_auth import token_hash
from .cli_common import fail, opened_log, settings, timestamp
from .cli_evidence import EVIDENCE_COMMANDS
from .cli_log import LOG_COMMANDS
from .config import ConfigError
from .demo_site import serving_site, site_settings, two_origins_problem
from .exports import MIMETYPES, export_chunks
from .serving import default_threads, default_workers, run
from .store import RecordFilter, StoreUnavailable


@click.group()
@click.version_option(package_name="mkdocs-consent")
def main() -> None:
    """Consent server: signed consent tokens and a tamper-evident consent log."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Worker processes.")
@click.option(
    "--threads",
    default=None,
    type=click.IntRange(1, 64),
    help="Threads per worker (default: 1 on SQLite, 4 on PostgreSQL).",
)
def serve(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Run the server under gunicorn with production defaults."""
    current = settings()
    try:
        create_app().extensions["consent"].store.close()
    except (ConfigError, StoreUnavailable) as error:
        fail(str(error))
    url = database_url(current, instance_path())
    run(
        create_app,
        host,
        port,
        workers or default_workers(),
        threads=threads or default_threads(url),
    )


@main.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A built MkDocs site to serve next to the API.",
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
    """Run a local demo: SQLite log, the example site, and a fresh admin token."""
    url = f"http://{host}:{port}/"
    problem = site_port and two_origins_problem(site_dir, port, site_port, url + "api/v1")
    if problem:
        fail(problem)
    instance = Path(instance_path())
    instance.mkdir(parents=True, exist_ok=True)
    secret_file = instance / "demo-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    admin_token = secrets.token_urlsafe(32)
    os.environ.update(
        {
            "CONSENT_DEMO": "true",
            "CONSENT_SECRET_KEYS": secret_file.read_text().strip(),
            "CONSENT_COOKIE_SECURE": "false",
            "CONSENT_ADMIN_TOKENS": _token_line(admin_token),
        }
    )
    if site_dir:
        os.environ.update(site_settings(site_dir, host, site_port))
    try:
        create_app().extensions["consent"].store.close()
    except (ConfigError, StoreUnavailable) as error:
        fail(str(error))
    with serving_site(site_dir, host, site_port) as site_url:
        site_line = f"Site (another origin) at {site_url}\n" if site_url else ""
        click.echo(
            f"\nConsent demo running at {url}\n{site_line}"
            f"Admin token (valid for this run): {admin_token}\n"
            f"Pull the log:  curl -H 'Authorization: Bearer {admin_token}' "
            f"'{url}api/v1/admin/consents?format=jsonl'\n"
            "Stop with Ctrl-C.\n",
            err=True,
        )
        run(create_app, host, port, 2, accesslog=None)


def _token_line(token: str) -> str:
    return token_hash(token)


@main.command("new-admin-token")
def new_admin_token() -> None:
    """Print a new admin token and the line to add to CONSENT_ADMIN_TOKENS."""
    token = secrets.token_urlsafe(32)
    click.echo(f"Admin token (give it to the admin, it is not stored): {token}")
    click.echo(f"Add to CONSENT_ADMIN_TOKENS: {_token_line(token)}")


@main.command()
@click.option("--format", "export_format", type=click.Choice(sorted(MIMETYPES)), default="jsonl")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
@click.option("--since", help="Only records created at or after this ISO 8601 time.")
@click.option("--until", help="Only records created before this ISO 8601 time.")
@click.option("--consent-id", help="Only this consent id.")
@click.option("--policy-version", help="Only this policy version.")
def export(
    export_format: str,
    output: Path | None,
    since: str | None,
    until: str | None,
    consent_id: str | None,
    policy_version: str | None,
) -> None:
    """Export the consent log as CSV or JSON Lines."""
    record_filter = RecordFilter(
        timestamp(since, "since"), timestamp(until, "until"), consent_id, policy_version
    )
    with opened_log() as store:
        if output is None:
            for chunk in export_chunks(store, record_filter, export_format):
                sys.stdout.write(chunk)
            return
        total = store.count(record_filter)
        partial = output.with_name(output.name + ".partial")
        with (
            partial.open("w", encoding="utf-8", newline="") as handle,
            click.progressbar(length=total, label=f"Exporting to {output}", file=sys.stderr) as bar,
        ):
            chunks = export_chunks(store, record_filter, export_format, progress=bar.update)
            handle.writelines(chunks)
        partial.replace(output)
        click.echo(f"Exported {total} records to {output}", err=True)


for command in (*LOG_COMMANDS, *EVIDENCE_COMMANDS):
    main.add_command(command)


if __name__ == "__main__":
    main()
