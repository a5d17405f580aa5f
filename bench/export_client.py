"""Pulling an export for bench_export.py: over a plain HTTP/1.0 socket from the admin endpoint,
or from `consent-server export` to a pipe, counting rows and bytes as they arrive and watching
the peak memory of the process that produces them.
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

CONSENT_SERVER = str(Path(sys.executable).with_name("consent-server"))
ADMIN_TOKEN = secrets.token_urlsafe(32)


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


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
