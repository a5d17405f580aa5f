"""Real servers, real load and direct database reads for the resilience tests.

Servers are `consent-server serve` processes (gunicorn master and workers) in a process group of
their own, so that one `kill -9` reaches all of them. Load goes to 127.0.0.1 only, from a few client
threads, and every loop is bounded in requests and in time. Records are read back straight from
the database (sqlite3, psycopg), never through the code under test.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from ..server.helpers import ADMIN_TOKEN, SECRET, VALID_BODY, admin_hash

CONSENT_PATH = "/api/v1/consent"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def consent_server_command() -> list[str]:
    """The installed `consent-server` script next to this Python, or the module if it is absent."""
    script = Path(sys.executable).with_name("consent-server")
    return [str(script)] if script.exists() else [sys.executable, "-m", "consent_server.cli"]


def server_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment a site owner would set, and nothing from the developer's CONSENT_*."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSENT_")}
    env.update(
        CONSENT_SECRET_KEYS=SECRET,
        CONSENT_DATABASE_URL=database_url,
        CONSENT_ADMIN_TOKENS=admin_hash(ADMIN_TOKEN),
        CONSENT_COOKIE_SECURE="false",
        CONSENT_RATELIMIT_ENABLED="false",
    )
    env.update({"CONSENT_" + name: value for name, value in settings.items()})
    return env


@dataclass
class Server:
    """One `consent-server serve` (gunicorn master and its workers) on 127.0.0.1."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, characters: int = 3000) -> str:
        with suppress(OSError):
            return self.log.read_text(errors="replace")[-characters:]
        return ""

    def kill(self) -> None:
        """`kill -9` of the whole process group, master and workers at once; waits until gone."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        wait_group_gone(self.process.pid)

    def stop(self) -> None:
        """A graceful stop (SIGTERM to the master), then whatever is left of the group is killed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        self.kill()


def live_group_members(pgid: int) -> list[int]:
    """Processes of a process group that are still running (zombies have already let go)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def wait_group_gone(pgid: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while live_group_members(pgid):
        if time.monotonic() > deadline:
            raise AssertionError(f"processes of group {pgid} still running after SIGKILL")
        time.sleep(0.05)


def start_server(
    database_url: str, log: Path, workers: int = 2, options: tuple[str, ...] = (), **settings: str
) -> Server:
    """Start the server as an operator does (`options`: more of serve's options); the caller must
    `kill()` or `stop()` it."""
    port = free_port()
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [*consent_server_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), *options],
            env=server_env(database_url, **settings), stdout=handle, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    return Server(f"http://127.0.0.1:{port}", process, log)


def wait_until_up(server: Server, seconds: float = 30) -> None:
    """Until /healthz answers; fail with the server's log if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(
                f"server exited ({server.process.returncode}):\n{server.log_tail()}"
            )
        try:
            urllib.request.urlopen(server.url + "/healthz", timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server not up within {seconds}s:\n{server.log_tail()}")


@contextmanager
def running_server(
    database_url: str, log: Path, workers: int = 2, options: tuple[str, ...] = (), **settings: str
):
    server = start_server(database_url, log, workers, options, **settings)
    try:
        wait_until_up(server)
        yield server
    finally:
        server.stop()


@dataclass
class Reply:
    """What one client request got back: an HTTP status (or an exception name) and its body."""

    started: float
    ended: float
    status: int | str
    content_type: str = ""
    body: object = None


def request(
    url: str, method: str = "GET", body: object = None, timeout: float = 10
) -> tuple[int, str, object]:
    """(status, content type, parsed JSON body or text); HTTP errors are answers, not exceptions."""
    data = None if body is None else json.dumps(body).encode()
    headers = {} if body is None else {"Content-Type": "application/json"}
    req = urllib.request.Request(url, data, headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, content_type, raw = (
                response.status,
                response.headers.get_content_type(),
                response.read(),
            )
    except urllib.error.HTTPError as error:
        status, content_type, raw = error.code, error.headers.get_content_type(), error.read()
    text = raw.decode("utf-8", "replace")
    if content_type == "application/json":
        try:
            return status, content_type, json.loads(text)
        except ValueError:
            pass
    return status, content_type, text


def token_payload(token: str) -> dict:
    """The payload of an itsdangerous token, read without the code under test."""
    compressed = token.startswith(".")
    data = token.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


@dataclass(frozen=True)
class Ack:
    """A 201 the client received: the consent id in the body and the seq its token names."""

    consent_id: str
    seq: int
    url: str


@dataclass
class Load:
    """Client threads POSTing consent decisions to one or more servers until stopped.

    Each thread stops by itself after `per_thread` requests or `seconds`, whichever comes first.
    """

    urls: list[str]
    threads: int = 6
    per_thread: int = 10_000
    seconds: float = 60
    timeout: float = 10
    replies: list[Reply] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        deadline = time.monotonic() + self.seconds
        for index in range(self.threads):
            thread = threading.Thread(target=self._run, args=(index, deadline), daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=self.timeout + 5)
        assert not any(thread.is_alive() for thread in self._workers), "client threads hang"

    def wait(self, seconds: float) -> None:
        """Until every thread is done by itself (request count or time), at most `seconds`."""
        deadline = time.monotonic() + seconds
        for thread in self._workers:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in self._workers), "client threads hang"

    def _run(self, index: int, deadline: float) -> None:
        url = self.urls[index % len(self.urls)]
        for _ in range(self.per_thread):
            if self._stop.is_set() or time.monotonic() > deadline:
                return
            started = time.monotonic()
            ack = None
            try:
                status, content_type, body = request(
                    url + CONSENT_PATH, "POST", VALID_BODY, self.timeout
                )
            except (OSError, ValueError, http.client.HTTPException) as error:
                reply = Reply(started, time.monotonic(), type(error).__name__)
                time.sleep(0.02)
            else:
                reply = Reply(started, time.monotonic(), status, content_type, body)
                if status == 201:
                    try:
                        ack = Ack(body["consent_id"], token_payload(body["token"])["seq"], url)
                    except (TypeError, KeyError, ValueError):
                        reply.status = "201 without consent_id and token"
            with self._lock:
                self.replies.append(reply)
                if ack is not None:
                    self.acks.append(ack)

    def count(self) -> int:
        with self._lock:
            return len(self.acks)

    def snapshot(self) -> list[Reply]:
        with self._lock:
            return list(self.replies)

    def wait_for_201_started_after(self, moment: float, seconds: float) -> float:
        """Until a request started after `moment` gets a 201; the time it was answered."""
        deadline = time.monotonic() + seconds
        while True:
            done = [r.ended for r in self.snapshot() if r.status == 201 and r.started >= moment]
            if done:
                return min(done)
            if time.monotonic() > deadline:
                raise AssertionError(f"no 201 within {seconds}s: {self.statuses()}")
            time.sleep(0.05)

    def wait_for_acks(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while self.count() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} 201 within {seconds}s: {self.statuses()}")
            time.sleep(0.01)

    def statuses(self) -> Counter:
        with self._lock:
            return Counter(reply.status for reply in self.replies)


def sqlite_rows(path: Path) -> list[tuple[int, str]]:
    """(seq, consent_id) of every stored record, read with sqlite3 itself."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT seq, consent_id FROM consent_log ORDER BY seq").fetchall()
    finally:
        connection.close()


def postgres_rows(url: str) -> list[tuple[int, str]]:
    """(seq, consent_id) of every stored record, read with psycopg itself."""
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as connection:
        return connection.execute("SELECT seq, consent_id FROM consent_log ORDER BY seq").fetchall()


def missing_acks(acks: list[Ack], rows: list[tuple[int, str]]) -> list[Ack]:
    """Acknowledged records that are not stored at the seq their token names."""
    stored = dict(rows)
    return [ack for ack in acks if stored.get(ack.seq) != ack.consent_id]


def run_verify(database_url: str, seconds: float = 120) -> subprocess.CompletedProcess:
    """`consent-server verify` as an auditor runs it, on the given database."""
    env = server_env(database_url)
    del env["CONSENT_SECRET_KEYS"]
    return subprocess.run(
        [*consent_server_command(), "verify"],
        env=env, capture_output=True, text=True, timeout=seconds, stdin=subprocess.DEVNULL,
    )  # fmt: skip
