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
import json
import os
import random
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from logs import log_row, move_sqlite_head, private_schema
from servers import free_port, wait_until_ready

from consent_server.chain import GENESIS_HASH, link, seal_personal_fields
from consent_server.records import Record
from consent_server.store import open_store
from consent_server.store.rollup import count_into_rollup
from consent_server.store.rows import COLUMN_NAMES

GOAL_ROWS_PER_SECOND = 300_000
GOAL_PEAK_MB = 100
GOAL_FIRST_BYTE_MS = 100
CONSENT_SERVER = str(Path(sys.executable).with_name("consent-server"))
ADMIN_TOKEN = secrets.token_urlsafe(32)
BATCH = 20_000
ROLLUP_REBUILD = count_into_rollup("consent_log")
# The head is guarded to move one linked record at a time (signed_purges_*.sql); a bulk load
# moves it once, as the database's owner: the guards are set aside for the one statement.
POSTGRES_HEAD = "UPDATE chain_head SET seq = %s, hash = %s WHERE id = 1"
POSTGRES_GUARD = "ALTER TABLE chain_head {} TRIGGER chain_head_moves_forward"
CHOICES = {
    "accept_all": (["analytics", "marketing", "necessary"], []),
    "reject_all": (["necessary"], ["analytics", "marketing"]),
    "custom": (["analytics", "necessary"], ["marketing"]),
}
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
]
PAGES = ["", "getting-started/", "guide/install/", "guide/configuration/", "reference/api/", "faq/"]


def records(count: int) -> Iterator[tuple]:
    """`count` chained rows in COLUMN_NAMES order, spread over 60 days; a third are returning visitors."""
    generator = random.Random(1)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    visitors: list[str] = []
    prev = GENESIS_HASH
    for seq in range(1, count + 1):
        if visitors and generator.random() < 0.33:
            consent_id = generator.choice(visitors)
        else:
            consent_id = str(uuid.UUID(int=generator.getrandbits(128), version=4))
            visitors.append(consent_id)
        method = generator.choice(list(CHOICES))
        granted, denied = CHOICES[method]
        record = Record(
            consent_id=consent_id,
            created_at="",
            method=method,
            granted=granted,
            denied=denied,
            policy_version=generator.choice(["a1b2c3d4", "e5f6a7b8"]),
            language=generator.choice(["en", "de", "fr"]),
            page_url="https://docs.example.com/" + generator.choice(PAGES),
            gpc=seq % 9 == 0,
            ip=f"203.0.{generator.randrange(256)}.0/24",
            user_agent=generator.choice(USER_AGENTS),
            origin="https://docs.example.com",
            request_id=f"{generator.getrandbits(128):032x}",
        )
        moment = start + timedelta(microseconds=seq * 60 * 86_400_000_000 // count)
        record.created_at = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        seal_personal_fields(record)
        link(record, seq, prev)
        prev = record.hash
        yield log_row(record)


def batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(url: str, count: int) -> tuple[int, str]:
    """Write the rows straight into the log's tables, move the chain head, rebuild the rollup."""
    store = open_store(url)
    assert store.ready()
    store.close()
    head = (0, GENESIS_HASH)
    columns = ", ".join(COLUMN_NAMES)
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            marks = ", ".join("?" * len(COLUMN_NAMES))
            for batch in batches(records(count)):
                connection.executemany(
                    f"INSERT INTO consent_log ({columns}) VALUES ({marks})", batch
                )
                head = (batch[-1][0], batch[-1][-1])
            move_sqlite_head(connection, *head)
            connection.execute("DELETE FROM consent_rollup")
            connection.execute(ROLLUP_REBUILD)
    else:
        import psycopg

        with psycopg.connect(url) as connection:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY consent_log ({columns}) FROM STDIN") as copy,
            ):
                for batch in batches(records(count)):
                    for row in batch:
                        copy.write_row(row)
                    head = (batch[-1][0], batch[-1][-1])
            connection.execute(POSTGRES_GUARD.format("DISABLE"))
            connection.execute(POSTGRES_HEAD, head)
            connection.execute(POSTGRES_GUARD.format("ENABLE"))
            connection.execute("DELETE FROM consent_rollup")
            connection.execute(ROLLUP_REBUILD)
            connection.execute("ANALYZE consent_log")
    store = open_store(url)
    assert store.ready()
    assert store.head() == head
    store.close()
    return head


@contextmanager
def consent_log(backend: str, folder: Path, postgres_url: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'consent.sqlite3'}"
        return
    with private_schema(postgres_url) as url:
        yield url


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


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


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


@dataclass
class Export:
    rows: int
    seconds: float
    first_byte_ms: float
    size: int
    last_line: bytes
    header: bytes


class MemoryWatch:
    """The peak resident memory of a process: its VmHWM, read every 20 ms while it runs, so that a
    process that is gone before the end (gunicorn replaces a worker that overruns its timeout, a
    command exits) still has a figure."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self, field: str) -> None:
        with suppress(OSError, LookupError):
            self.peak_kb = max(self.peak_kb, memory_kb(self.pid, field))

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self._read("VmHWM")

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read("VmHWM")


def count_stream(chunks: Iterator[bytes]) -> tuple[int, int, bytes, bytes]:
    """Lines, bytes, the first line and the last line of a byte stream."""
    lines = size = 0
    head = tail = b""
    for chunk in chunks:
        if not head:
            head = chunk
        lines += chunk.count(b"\n")
        size += len(chunk)
        tail = (tail + chunk)[-4096:]
    last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    return lines, size, head.split(b"\n", 1)[0].rstrip(b"\r"), last


def export_over_http(port: int, export_format: str) -> Export:
    request = (
        f"GET /api/v1/admin/consents?format={export_format} HTTP/1.0\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {ADMIN_TOKEN}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        started = time.perf_counter()
        connection.sendall(request)
        first = connection.recv(1 << 16)
        first_byte = time.perf_counter() - started
        while b"\r\n\r\n" not in first:
            more = connection.recv(1 << 16)
            assert more, "the connection closed inside the headers"
            first += more
        head, body = first.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        assert b" 200 " in status, status

        def chunks() -> Iterator[bytes]:
            yield body
            while data := connection.recv(1 << 18):
                yield data

        lines, size, header, last = count_stream(chunks())
        seconds = time.perf_counter() - started
    rows = lines - 1 if export_format == "csv" else lines
    return Export(rows, seconds, first_byte * 1000, size, last, header)


def export_with_cli(env: dict[str, str], export_format: str) -> tuple[Export, int]:
    """`consent-server export` to a pipe; returns the export and the command's peak RSS in KB.

    The peak is sampled from /proc: ru_maxrss of a child forked from this (large) process would
    count this process's own memory, which Linux carries across exec.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        [CONSENT_SERVER, "export", "--format", export_format], env=env, stdout=subprocess.PIPE
    )
    first_byte = None

    def chunks() -> Iterator[bytes]:
        nonlocal first_byte
        while data := process.stdout.read1(1 << 18):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            yield data

    with MemoryWatch(process.pid) as watch:
        lines, size, header, last = count_stream(chunks())
        status = process.wait()
    seconds = time.perf_counter() - started
    assert status == 0, f"consent-server export exited with {status}"
    rows = lines - 1 if export_format == "csv" else lines
    return Export(rows, seconds, (first_byte or 0) * 1000, size, last, header), watch.peak_kb


def problem(export: Export, export_format: str, head: tuple[int, str]) -> str | None:
    """What is wrong with an export: a wrong header, missing rows or a wrong last record."""
    count, last_hash = head
    try:
        if export_format == "csv":
            if not (export.header.startswith(b"seq,") and export.header.endswith(b",hash")):
                return f"unexpected header {export.header[:80]!r}"
            last_fields = export.last_line.decode().split(",")
            last_seq, hash_ = int(last_fields[0]), last_fields[-1]
        else:
            last = json.loads(export.last_line)
            last_seq, hash_ = last["seq"], last["hash"]
    except (ValueError, KeyError, UnicodeDecodeError):
        last_seq, hash_ = None, None
    if export.rows != count or last_seq != count or hash_ != last_hash:
        return (
            f"INCOMPLETE: {export.rows:,} of {count:,} rows, last line "
            f"{export.last_line[:60]!r}, after {export.seconds:.1f} s"
        )
    return None


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
