"""The `consent-server` command: run the server, and keep the consent log as an admin."""

from __future__ import annotations

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
from .data_dir import describe_log, log_problem
from .demo import demo
from .exports import MIMETYPES, export_chunks
from .serving import PortUnavailable, default_threads, default_workers, run
from .store import RecordFilter, StoreUnavailable


@click.group()
@click.version_option(package_name="mkdocs-consent")
def main() -> None:
    """Consent server: signed consent tokens and a tamper-evident consent log."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Worker processes (default: cores + 1 on SQLite, 2 x cores + 1 on PostgreSQL).",
)
@click.option(
    "--threads",
    default=None,
    type=click.IntRange(1, 64),
    help="Threads per worker (default: 16 on SQLite, 4 on PostgreSQL).",
)
@click.option(
    "--reuse-port/--no-reuse-port",
    default=None,
    help="A listening socket per worker, so the kernel spreads connections evenly (default: on "
    "where net.ipv4.tcp_migrate_req=1 hands a recycled worker's queued connections to the "
    "others; without it they are reset). --no-reuse-port shares one socket.",
)
@click.option(
    "--allow-log-in-prefix",
    is_flag=True,
    help="Start even with the SQLite log inside the Python environment "
    "(also CONSENT_ALLOW_LOG_IN_PREFIX=true).",
)
def serve(
    host: str,
    port: int,
    workers: int | None,
    threads: int | None,
    reuse_port: bool | None,
    allow_log_in_prefix: bool,
) -> None:
    """Run the server under gunicorn with production defaults."""
    current = settings()
    url = database_url(current, instance_path())
    allowed = allow_log_in_prefix or current["ALLOW_LOG_IN_PREFIX"]
    problem = log_problem(url, chosen=bool(current["DATABASE_URL"]), allow_in_prefix=allowed)
    if problem:
        fail(problem)
    try:
        create_app().extensions["consent"].store.close()
    except (ConfigError, StoreUnavailable) as error:
        fail(str(error))
    click.echo(f"Consent log: {describe_log(url)}", err=True)
    try:
        run(
            create_app,
            host,
            port,
            workers or default_workers(url),
            reuse_port=reuse_port,
            threads=threads or default_threads(url),
        )
    except PortUnavailable as error:
        fail(str(error))


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


for command in (demo, *LOG_COMMANDS, *EVIDENCE_COMMANDS):
    main.add_command(command)


if __name__ == "__main__":
    main()
