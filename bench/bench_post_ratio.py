"""Benchmark: `POST /api/v1/consent` throughput against a bare Flask endpoint, both under gunicorn.

Starts gunicorn servers on 127.0.0.1 with the same options (2 gthread workers of `consent-server
serve`'s threads per worker by default, or `--serve-defaults` for serve's workers and threads too;
no access log): bench/bare_app.py, whose `POST /api/v1/consent` only reads the body and answers
204; bench/minimal_app.py, which parses, signs and inserts one row with the log's durability; the
consent server on a fresh log; and with `--compare-normal` a second consent server whose SQLite
log runs `synchronous=normal`. wrk (2 threads, 32 connections, 10 s, `--latency`) sends the same
valid JSON body to each in turn, round after round, after a short warm-up of each.
Prints requests/s, p99 latency and, for the consent servers, the records per committed
transaction (from the committer's debug lines in the server's log) per run, then the medians,
the ratios and the goals: consent/bare >= 0.55 on SQLite, >= 0.45 on PostgreSQL; on SQLite
consent/minimal >= 1.2 and consent/normal >= 0.9; p99 <= 30 ms at 32 connections.

Every consent answer must be a 201: the script exits 1 when wrk reports non-2xx answers on the
consent runs or when a log holds fewer records than wrk counted answers. Socket errors are
printed per run. The machine's load average is printed before and after, since other work on
the machine skews both rates.

    .venv/bin/python bench/bench_post_ratio.py [--backend sqlite|postgres] [--rounds 3]
        [--duration 10] [--connections 32] [--idempotency-key] [--serve-defaults]
        [--workers 2] [--worker-class sync|gthread] [--threads-per-worker N] [--compare-normal]
        [--reuse-port | --no-reuse-port]
        [--sqlite-synchronous full|normal] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from http_load import Batches, BatchLog, WrkResult, gunicorn, run_wrk
from logs import private_schema
from post_ratio_report import GOALS, report

from consent_server.serving import default_reuse_port, default_threads, default_workers

BODY = {
    "choices": {"analytics": True},
    "policy_version": "v1",
    "language": "en",
    "page_url": "https://docs.example.com/",
    "method": "custom",
}
LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
wrk.body = '{body}'
"""
# With --idempotency-key: every request carries a fresh Idempotency-Key, as the banner sends;
# the key is unique across runs (the run's id comes in as the script's argument).
LUA_KEYS = """local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local run, counter = "", 0
function init(args)
  run = args[1]
end
function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("%s-%04d-%016d", run, id, counter)
  return wrk.format()
end
"""


@contextmanager
def consent_log(
    arguments: argparse.Namespace, folder: Path, name: str, synchronous: str
) -> Iterator[str]:
    """A fresh, empty log: a SQLite file, or a private PostgreSQL schema dropped afterwards."""
    if arguments.backend == "sqlite":
        yield f"sqlite:///{folder / name}.sqlite3?synchronous={synchronous}"
        return
    with private_schema(arguments.postgres_url) as url:
        yield url


def count_records(url: str) -> int:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///").partition("?")[0]) as connection:
            return connection.execute("SELECT COUNT(*) FROM consent_log").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SELECT COUNT(*) FROM consent_log").fetchone()[0]


def minimal_url(consent_url: str, folder: Path) -> str:
    """The minimal app's database: a file beside the log with the same synchronous mode, or the
    same PostgreSQL schema (its table is its own)."""
    if consent_url.startswith("sqlite:///"):
        return f"sqlite:///{folder / 'minimal.sqlite3'}?{consent_url.partition('?')[2]}"
    return consent_url


def post_once(url: str, field: str = "consent_id") -> int:
    request = urllib.request.Request(
        url + "/api/v1/consent",
        data=json.dumps(BODY).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status == 201:
            assert field in json.load(response)
        return response.status


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=sorted(GOALS), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument(
        "--threads-per-worker",
        type=int,
        default=None,
        help="gunicorn --threads (default: what `consent-server serve` runs for the backend)",
    )
    parser.add_argument(
        "--reuse-port",
        action=argparse.BooleanOptionalAction,
        default=default_reuse_port(),
        help="a listening socket per worker (default: as `consent-server serve` chooses, on "
        "where net.ipv4.tcp_migrate_req=1); --no-reuse-port shares one socket",
    )
    parser.add_argument(
        "--serve-defaults",
        action="store_true",
        help="run every server with `consent-server serve`'s workers, worker class and threads",
    )
    parser.add_argument(
        "--sqlite-synchronous",
        choices=["full", "normal"],
        default="full",
        help="the SQLite log's synchronous mode (the server's default is full)",
    )
    parser.add_argument(
        "--compare-normal",
        action="store_true",
        help="add a consent server on a SQLite log with synchronous=normal, same options",
    )
    parser.add_argument(
        "--idempotency-key",
        action="store_true",
        help="send a fresh Idempotency-Key with every request (to both servers), as the banner does",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    arguments = parser.parse_args()
    scheme = "sqlite:///" if arguments.backend == "sqlite" else "postgresql://"
    if arguments.serve_defaults:
        arguments.workers, arguments.worker_class = default_workers(scheme), "gthread"
    if arguments.serve_defaults or arguments.threads_per_worker is None:
        arguments.threads_per_worker = default_threads(scheme)
    if arguments.compare_normal and arguments.backend != "sqlite":
        parser.error("--compare-normal compares SQLite logs")
    return arguments


def consent_env(base_env: dict[str, str], folder: Path, database_url: str, name: str) -> dict:
    return base_env | {
        "CONSENT_SECRET_KEYS": secrets.token_urlsafe(36),
        "CONSENT_DATABASE_URL": database_url,
        "CONSENT_RATELIMIT_ENABLED": "false",
        "CONSENT_INSTANCE_PATH": str(folder / f"instance-{name}"),
    }


def run_rounds(
    targets: dict[str, str],
    batch_logs: dict[str, BatchLog],
    script: Path,
    arguments: argparse.Namespace,
) -> tuple[dict[str, list[WrkResult]], dict[str, list[Batches]], dict[str, int]]:
    """A warm-up of each target, then the rounds, alternating; answers counted per consent log."""
    answered = dict.fromkeys(batch_logs, 1)  # the pre-check's answer
    for name, url in targets.items():
        warm = run_wrk(url, script, arguments, min(3.0, arguments.duration))
        if name in batch_logs:
            answered[name] += warm.requests
            batch_logs[name].since_last()
    runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
    batches: dict[str, list[Batches]] = {name: [] for name in batch_logs}
    for round_number in range(1, arguments.rounds + 1):
        for name, url in targets.items():
            result = run_wrk(url, script, arguments, arguments.duration)
            runs[name].append(result)
            line = (
                f"round {round_number} {name:8} {result.per_second:8.0f} req/s  "
                f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  "
                f"non-2xx {result.errors}  socket errors {result.socket_errors}"
            )
            if name in batch_logs:
                answered[name] += result.requests
                made = batch_logs[name].since_last()
                batches[name].append(made)
                line += f"  records/transaction {made.mean:5.2f} (largest {made.largest})"
            print(line, flush=True)
    return runs, batches, answered


def main() -> None:
    arguments = parse_arguments()
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    base_env = {
        name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")
    }
    with tempfile.TemporaryDirectory() as name, ExitStack() as stack:
        folder = Path(name)
        script = folder / "post.lua"
        script.write_text(
            LUA.format(body=json.dumps(BODY)) + (LUA_KEYS if arguments.idempotency_key else "")
        )
        logs = {"consent": arguments.sqlite_synchronous}
        if arguments.compare_normal:
            logs["normal"] = "normal"
        urls = {
            name: stack.enter_context(consent_log(arguments, folder, name, synchronous))
            for name, synchronous in logs.items()
        }
        servers = stack.enter_context(ExitStack())  # stopped before the logs are counted
        minimal_env = base_env | {"MINIMAL_DATABASE_URL": minimal_url(urls["consent"], folder)}
        targets = {
            "bare": servers.enter_context(
                gunicorn("bare_app:app", base_env, arguments, folder / "bare.log")
            ),
            "minimal": servers.enter_context(
                gunicorn("minimal_app:app", minimal_env, arguments, folder / "minimal.log")
            ),
        }
        for name, url in urls.items():
            env = consent_env(base_env, folder, url, name)
            targets[name] = servers.enter_context(
                gunicorn("consent_server:create_app()", env, arguments, folder / f"{name}.log")
            )
        assert post_once(targets["bare"]) == 204, "the bare app did not answer 204"
        assert post_once(targets["minimal"], "token") == 201, "the minimal app did not answer 201"
        for name in urls:
            assert post_once(targets[name]) == 201, f"the {name} server did not answer 201"
        batch_logs = {name: BatchLog(folder / f"{name}.log") for name in urls}
        runs, batches, answered = run_rounds(
            {name: url + "/api/v1/consent" for name, url in targets.items()},
            batch_logs,
            script,
            arguments,
        )
        servers.close()
        records = {name: count_records(url) for name, url in urls.items()}
    report(arguments, runs, batches, answered, records)


if __name__ == "__main__":
    main()
