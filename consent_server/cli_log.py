"""The admin's commands that prove and keep the log: verify it, checkpoint it, purge it by signed
records, scrub erased values from its files."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import TextIO

import click

from .checkpoints import check_checkpoint, make_checkpoint
from .cli_common import admin_settings, fail, opened_log, public_keys, signing_key
from .purges import describe
from .scrubber import SCRUB_ATTEMPTS, Scrubber
from .signing import PublicKey
from .store import ConsentStore, RecordFilter
from .timestamps import format_timestamp


@click.command()
@click.option(
    "--checkpoint",
    type=click.File("r"),
    help="Also check that the log still holds this signed checkpoint and only grew since.",
)
def verify(checkpoint: TextIO | None) -> None:
    """Check the whole hash chain and every purge; exit 1 naming the first broken record."""
    keys = public_keys()
    with opened_log() as store:
        if checkpoint is not None:
            _verify_checkpoint(store, keys, checkpoint)
        result = store.verify(keys)
    if not result.ok:
        click.echo(
            f"BROKEN: first broken record is seq {result.first_broken} ({result.reason}); "
            f"{result.checked} records before it verified",
            err=True,
        )
        sys.exit(1)
    click.echo(f"OK: {result.checked} records, chain intact")
    if result.purges:
        click.echo("Purges accepted, oldest first:")
        for purge in result.purges:
            click.echo(f"  {describe(purge)}")


def _verify_checkpoint(store: ConsentStore, keys: list[PublicKey], source: TextIO) -> None:
    try:
        data = json.load(source)
    except ValueError:
        fail(f"{source.name} is not a checkpoint (not JSON)")
    result = check_checkpoint(store, keys, admin_settings()["SECRET_KEYS"], data)
    if not result.ok:
        click.echo(f"BROKEN: {result.message}", err=True)
        sys.exit(1)
    click.echo(f"Checkpoint OK: {result.message}")


@click.command()
@click.option("--output", "-o", type=click.File("w"), default="-", help="File (default: stdout).")
def checkpoint(output: TextIO) -> None:
    """Write the chain head and the purge anchor, signed with the server's Ed25519 key."""
    key = signing_key()
    with opened_log() as store:
        data = make_checkpoint(store, key)
    output.write(json.dumps(data, indent=2) + "\n")
    if output is not sys.stdout:
        click.echo(f"Checkpoint at seq {data['seq']} written to {output.name}", err=True)


@click.command()
@click.option(
    "--older-than",
    type=click.IntRange(1),
    default=None,
    help="Delete records older than this many days (default: CONSENT_RETENTION_DAYS).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def purge(older_than: int | None, yes: bool) -> None:
    """Cut the records past their retention period with a signed purge record, then delete them."""
    days = older_than or admin_settings()["RETENTION_DAYS"]
    if not days:
        fail("give --older-than DAYS or set CONSENT_RETENTION_DAYS")
    key, keys = signing_key(), public_keys()
    cutoff = format_timestamp(datetime.now(UTC) - timedelta(days=days))
    with opened_log() as store:
        count = store.count(RecordFilter(until=cutoff))
        if count == 0:
            click.echo(f"Nothing to purge: no record is older than {days} days")
            return
        if not yes:
            click.confirm(f"Delete {count} records created before {cutoff}?", abort=True)
        with click.progressbar(length=count, label="Purging", file=sys.stderr) as bar:
            done = [0]

            def advance(deleted: int) -> None:
                bar.update(deleted - done[0])
                done[0] = deleted

            deleted = store.purge(cutoff, key, retention_days=days, keys=keys, progress=advance)
    click.echo(
        f"Purged {deleted} records created before {cutoff} by a signed purge record; "
        "the chain still verifies"
    )


@click.command()
@click.option(
    "--tries",
    type=click.IntRange(1, 20),
    default=SCRUB_ATTEMPTS,
    show_default=True,
    help="Tries while older readers hold it back, after 0.5, 1, 2, 4... seconds.",
)
def scrub(tries: int) -> None:
    """Scrub erased values from the database's files now (the server does so after erasures);
    exit 1 when readers older than an erasure kept them through every try."""
    with opened_log() as store:
        result = Scrubber(store.scrub, attempts=tries).scrub_now()
    if not result.completed:
        click.echo(
            f"NOT COMPLETE: {result.method} was held back by readers older than an erasure "
            "(a long export?); run it again once they are done",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Scrubbed: {result.method} completed")


LOG_COMMANDS = (verify, checkpoint, purge, scrub)
