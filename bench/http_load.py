"""wrk runs against gunicorn servers for bench_post_ratio.py: start a server, load it, read wrk's
figures, and count what the consent server's committer wrote to its debug log."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from servers import free_port, port_open, wait_until_ready

BENCH = Path(__file__).parent
# gunicorn's own messages and one line per committed batch, to stderr (the server's log file).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(process)d %(name)s %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "consent_server.store.group_commit": {
            "level": "DEBUG",
            "handlers": ["stderr"],
            "propagate": False,
        },
    },
}
BATCH_LINE = re.compile(r"group commit: (\d+) record\(s\) in one transaction")
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    socket_errors: int


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
    """A gunicorn server on a free port; yields its base URL once the port takes connections.
    Its error log, with the committer's debug lines, goes to `log`."""
    port = free_port()
    config = log.with_suffix(".conf.py")
    config.write_text(f"logconfig_dict = {LOGGING!r}\n")
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(arguments.workers),
        "--worker-class", arguments.worker_class, "--threads", str(arguments.threads_per_worker),
        "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--keep-alive", "5",
        "--config", str(config), "--chdir", str(BENCH),
        *(["--reuse-port"] if arguments.reuse_port else []), app,
    ]  # fmt: skip
    with log.open("w") as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, f"gunicorn {app}", log, lambda: port_open(port), 30, 0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Batches:
    """What the consent server's committers wrote during one run: transactions and records."""

    transactions: int = 0
    records: int = 0
    largest: int = 0

    @property
    def mean(self) -> float:
        return self.records / self.transactions if self.transactions else 0.0


class BatchLog:
    """Reads the committer's lines a server's log gained since the last look."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.offset = 0

    def since_last(self) -> Batches:
        with self.log.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode(errors="replace")
            self.offset = handle.tell()
        sizes = [int(size) for size in BATCH_LINE.findall(text)]
        return Batches(len(sizes), sum(sizes), max(sizes, default=0))
