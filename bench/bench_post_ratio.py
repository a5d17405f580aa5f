"""Benchmark: `POST /api/v1/consent` throughput against a bare Flask endpoint, both under gunicorn.

Starts three gunicorn servers on 127.0.0.1 with the same options (2 sync workers by default; no
access log): bench/bare_app.py, whose `POST /api/v1/consent` only reads the body and answers 204;
bench/minimal_app.py, which parses, signs and inserts one row with the log's durability; and the
consent server on a fresh log. wrk (2 threads, 32 connections, 10 s, `--latency`) sends the same
valid JSON body to each in turn, round after round, after a short warm-up of each.
Prints requests/s and p99 latency per run, the medians, and the ratios consent/bare and
consent/minimal. Goals: consent/bare >= 0.55 on SQLite, >= 0.45 on PostgreSQL.

Every consent answer must be a 201: the script exits 1 when wrk reports non-2xx answers on the
consent runs or when the log holds fewer records than wrk counted answers. Socket errors are
printed per run. The machine's load average is printed before and after, since other work on
the machine skews both rates.

    .venv/bin/python bench/bench_post_ratio.py [--backend sqlite|postgres] [--rounds 3]
        [--duration 10] [--idempotency-key] [--worker-class sync|gthread] [--threads-per-worker N]
        [--sqlite-synchronous full|normal] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from logs import private_schema

BENCH = Path(__file__).parent
GOALS = {"sqlite": 0.55, "postgres": 0.45}
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
UNSTEADY = 0.15  # rounds further apart than this were disturbed by other work
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    socket_errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        p99_ms=milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        errors=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(map(int, socket_errors.groups())) if socket_errors else 0,
    )


def run_wrk(url: str, script: Path, arguments: argparse.Namespace, duration: float) -> WrkResult:
    command = [
        "wrk", f"--threads={arguments.threads}", f"--connections={arguments.connections}",
        f"--duration={duration:g}s", "--latency", f"--script={script}", url, "--", uuid.uuid4().hex[:16],
    ]  # fmt: skip
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise SystemExit(f"wrk failed on {url}: {finished.stderr.strip() or finished.stdout}")
    return parse_wrk(finished.stdout)


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], arguments: argparse.Namespace, log: Path
) -> Iterator[str]:
    """A gunicorn server on a free port; yields its base URL once the port takes connections."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(arguments.workers),
        "--worker-class", arguments.worker_class, "--threads", str(arguments.threads_per_worker),
        "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--keep-alive", "5",
        "--chdir", str(BENCH), app,
    ]  # fmt: skip
    with log.open("w") as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {app} stopped at start-up:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn {app} did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def consent_log(arguments: argparse.Namespace, folder: Path) -> Iterator[str]:
    """A fresh, empty log: a SQLite file, or a private PostgreSQL schema dropped afterwards."""
    if arguments.backend == "sqlite":
        yield f"sqlite:///{folder / 'consent.sqlite3'}?synchronous={arguments.sqlite_synchronous}"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=sorted(GOALS), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument(
        "--sqlite-synchronous",
        choices=["full", "normal"],
        default="full",
        help="the SQLite log's synchronous mode (the server's default is full)",
    )
    parser.add_argument(
        "--threads-per-worker",
        type=int,
        default=1,
        help="gunicorn --threads (gthread; `consent-server serve` uses 1 on SQLite, 4 on PostgreSQL)",
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
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    base_env = {
        name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")
    }

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        script = folder / "post.lua"
        script.write_text(
            LUA.format(body=json.dumps(BODY)) + (LUA_KEYS if arguments.idempotency_key else "")
        )
        with consent_log(arguments, folder) as database_url:
            consent_env = base_env | {
                "CONSENT_SECRET_KEYS": secrets.token_urlsafe(36),
                "CONSENT_DATABASE_URL": database_url,
                "CONSENT_RATELIMIT_ENABLED": "false",
                "CONSENT_INSTANCE_PATH": str(folder / "instance"),
            }
            minimal_env = base_env | {"MINIMAL_DATABASE_URL": minimal_url(database_url, folder)}
            with (
                gunicorn("bare_app:app", base_env, arguments, folder / "bare.log") as bare,
                gunicorn(
                    "minimal_app:app", minimal_env, arguments, folder / "minimal.log"
                ) as least,
                gunicorn(
                    "consent_server:create_app()", consent_env, arguments, folder / "consent.log"
                ) as consent,
            ):
                assert post_once(bare) == 204, "the bare app did not answer 204"
                assert post_once(least, "token") == 201, "the minimal app did not answer 201"
                assert post_once(consent) == 201, "the consent server did not answer 201"
                targets = {
                    "bare": bare + "/api/v1/consent",
                    "minimal": least + "/api/v1/consent",
                    "consent": consent + "/api/v1/consent",
                }
                answered = 1
                for name, url in targets.items():
                    warm = run_wrk(url, script, arguments, min(3.0, arguments.duration))
                    answered += warm.requests if name == "consent" else 0
                runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
                for round_number in range(1, arguments.rounds + 1):
                    for name, url in targets.items():
                        result = run_wrk(url, script, arguments, arguments.duration)
                        runs[name].append(result)
                        print(
                            f"round {round_number} {name:8} {result.per_second:8.0f} req/s  "
                            f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  "
                            f"non-2xx {result.errors}  socket errors {result.socket_errors}",
                            flush=True,
                        )
                        if name == "consent":
                            answered += result.requests
            records = count_records(database_url)

    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    consent_runs = runs["consent"]
    print(
        f"consent log: {records:,} records written; wrk counted {answered:,} consent answers "
        f"(warm-up and pre-check included)"
    )
    failures = sum(run.errors for run in consent_runs)
    if failures or records < answered:
        raise SystemExit(
            f"INVALID: {failures} consent answers were not 2xx, or the log holds fewer records "
            f"({records:,}) than answers ({answered:,}); the figures above do not measure 201s"
        )
    median = {
        name: statistics.median(run.per_second for run in results) for name, results in runs.items()
    }
    p99 = {name: statistics.median(run.p99_ms for run in results) for name, results in runs.items()}
    best = {name: max(run.per_second for run in results) for name, results in runs.items()}
    spread = {
        name: 1 - min(run.per_second for run in results) / best[name]
        for name, results in runs.items()
    }
    ratio = median["consent"] / median["bare"]
    goal = GOALS[arguments.backend]
    print(
        f"backend {arguments.backend}, gunicorn {arguments.workers} {arguments.worker_class} "
        f"workers ({arguments.threads_per_worker} thread(s) each), wrk {arguments.threads} "
        f"threads / {arguments.connections} connections / {arguments.duration:g} s, "
        f"{arguments.rounds} rounds alternating"
        + (", a fresh Idempotency-Key per request" if arguments.idempotency_key else "")
        + (f", synchronous={arguments.sqlite_synchronous}" if arguments.backend == "sqlite" else "")
    )
    for name in runs:
        print(
            f"{name:8} median {median[name]:8.0f} req/s (best {best[name]:.0f}, rounds "
            f"{spread[name]:.0%} apart), median p99 {p99[name]:6.1f} ms"
        )
    print(f"ratio of the best rounds: {best['consent'] / best['bare']:.3f}")
    print(
        f"ratio consent/minimal (medians): {median['consent'] / median['minimal']:.3f} "
        "(the intent: lose at most 10% to validation, the chain and the rest, i.e. >= 0.9)"
    )
    unsteady = [name for name, value in spread.items() if value > UNSTEADY]
    rates = [run.per_second for run in runs["consent"]]
    falling = (
        len(rates) > 1
        and all(later < earlier for earlier, later in pairwise(rates))
        and rates[-1] < (1 - UNSTEADY) * rates[0]
    )
    if falling:
        print(
            f"FALLING: the consent rate drops round after round ({rates[0]:.0f} to "
            f"{rates[-1]:.0f} req/s): an append costs more as the log grows"
        )
    elif unsteady:
        print(
            f"UNSTEADY: the {' and '.join(unsteady)} rates differ by more than {UNSTEADY:.0%} "
            "between rounds; other work on the machine skewed them: rerun on a quiet machine"
        )
    print(
        f"ratio consent/bare (medians): {ratio:.3f} (goal >= {goal}: "
        f"{'met' if ratio >= goal else f'MISSED by {goal - ratio:.3f}'}"
        f"{', falling' if falling else ', unsteady' if unsteady else ''})"
    )


if __name__ == "__main__":
    main()
