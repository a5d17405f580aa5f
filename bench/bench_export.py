"""Benchmark: exporting a 1,000,000-record consent log as CSV through the admin endpoint.

Fills a fresh log (a SQLite file, or a private PostgreSQL schema dropped afterwards) with a valid
hash chain of realistic records, starts `consent-server serve --workers 1` on 127.0.0.1 (gunicorn
with the production defaults: worker class, threads, 30 s worker timeout) and pulls
`GET /api/v1/admin/consents?format=csv` over a plain HTTP/1.0 socket, several times. Every export
is checked: the header row, the number of rows, the last row's seq and hash; an export cut short
(for instance by gunicorn's WORKER TIMEOUT, which is looked for in the server log) is reported and
makes the script exit 1 after printing its figures. Then `consent-server export` to stdout is
timed once as a child process.

Figures: rows/s (request sent to last byte), time to first byte (request sent to the first byte
of the answer; the server sends its headers with the first rows), and the peak resident memory of
the gunicorn worker that served the exports (VmHWM in /proc/PID/status) or of the export command
(sampled from /proc as well). Goals: >= 300,000 rows/s, <= 100 MB peak, <= 100 ms to first byte.

    .venv/bin/python bench/bench_export.py [--backend sqlite|postgres] [--records 1000000]
        [--rounds 3] [--format csv|jsonl] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from export_client import (
    ADMIN_TOKEN,
    CONSENT_SERVER,
    MemoryWatch,
    export_over_http,
    export_with_cli,
    memory_kb,
    problem,
)
from export_fill import consent_log, fill
from servers import free_port, wait_until_ready

GOAL_ROWS_PER_SECOND = 300_000
GOAL_PEAK_MB = 100
GOAL_FIRST_BYTE_MS = 100


def readyz(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
        return answer.status == 200


def server_env(url: str, folder: Path) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")
    }
    return environment | {
        "CONSENT_SECRET_KEYS": secrets.token_urlsafe(36),
        "CONSENT_DATABASE_URL": url,
        "CONSENT_ADMIN_TOKENS": "sha256:" + hashlib.sha256(ADMIN_TOKEN.encode()).hexdigest(),
        "CONSENT_INSTANCE_PATH": str(folder / "instance"),
    }


@contextmanager
def live_server(env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """`consent-server serve` with one worker; yields (port, worker pid) once /readyz answers 200."""
    port = free_port()
    command = [
        CONSENT_SERVER,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    with log.open("w") as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        wait_until_ready(process, "consent-server", log, lambda: readyz(port), 60, 0.2)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(children) == 1, f"expected one gunicorn worker, found {children}"
        yield port, int(children[0])
    finally:
        process.terminate()
        process.wait(timeout=30)


def verdict(met: bool, text: str) -> str:
    return "met" if met else f"MISSED ({text})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--format", dest="export_format", choices=["csv", "jsonl"], default="csv")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    arguments = parser.parse_args()
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with consent_log(arguments.backend, folder, arguments.postgres_url) as url:
            started = time.perf_counter()
            head = fill(url, arguments.records)
            print(
                f"filled {arguments.records:,} chained records ({arguments.backend}) in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
            env = server_env(url, folder)
            exports, problems = [], []
            with live_server(env, folder / "server.log") as (port, worker):
                idle_kb = memory_kb(worker, "VmRSS")
                with MemoryWatch(worker) as watch:
                    for round_number in range(1, arguments.rounds + 1):
                        export = export_over_http(port, arguments.export_format)
                        exports.append(export)
                        found = problem(export, arguments.export_format, head)
                        print(
                            f"round {round_number}: {export.rows:,} rows, "
                            f"{export.size / 1e6:.0f} MB in {export.seconds:.2f} s = "
                            f"{export.rows / export.seconds:,.0f} rows/s, first byte after "
                            f"{export.first_byte_ms:.1f} ms" + (f"; {found}" if found else ""),
                            flush=True,
                        )
                        if found:
                            problems.append(found)
                            break
                timeouts = (folder / "server.log").read_text().count("WORKER TIMEOUT")
            cli, cli_peak_kb = export_with_cli(env, arguments.export_format)
            cli_problem = problem(cli, arguments.export_format, head)

    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    rate = statistics.median(export.rows / export.seconds for export in exports)
    first_byte = statistics.median(export.first_byte_ms for export in exports)
    worst_first_byte = max(export.first_byte_ms for export in exports)
    peak_mb = watch.peak_kb / 1024
    print(
        f"\n{arguments.backend}, {arguments.records:,} records, format {arguments.export_format}, "
        f"{len(exports)} exports through GET /api/v1/admin/consents (consent-server serve --workers 1)"
    )
    if problems:
        print(
            f"EXPORT CUT SHORT: {problems[0]}"
            + (f" (gunicorn logged WORKER TIMEOUT {timeouts}x)" if timeouts else "")
        )
    rate_met = rate >= GOAL_ROWS_PER_SECOND and not problems
    print(
        f"rows/s: median {rate:,.0f} (goal >= {GOAL_ROWS_PER_SECOND:,}: "
        f"{verdict(rate_met, f'{rate / GOAL_ROWS_PER_SECOND:.0%} of the goal')})"
    )
    print(
        f"time to first byte: median {first_byte:.1f} ms, max {worst_first_byte:.1f} ms "
        f"(goal <= {GOAL_FIRST_BYTE_MS} ms: "
        f"{verdict(worst_first_byte <= GOAL_FIRST_BYTE_MS, f'{worst_first_byte - GOAL_FIRST_BYTE_MS:.0f} ms over')})"
    )
    print(
        f"server worker memory: {idle_kb / 1024:.1f} MB before the exports, peak {peak_mb:.1f} MB "
        f"(goal <= {GOAL_PEAK_MB} MB: "
        f"{verdict(peak_mb <= GOAL_PEAK_MB, f'{peak_mb - GOAL_PEAK_MB:.1f} MB over')})"
    )
    print(
        f"consent-server export to stdout: {cli.rows:,} rows in {cli.seconds:.2f} s = "
        f"{cli.rows / cli.seconds:,.0f} rows/s (start-up included), first byte after "
        f"{cli.first_byte_ms:.0f} ms from process start, peak memory {cli_peak_kb / 1024:.1f} MB"
        + (f"; {cli_problem}" if cli_problem else "")
    )
    if problems or cli_problem:
        sys.exit(1)


if __name__ == "__main__":
    main()
