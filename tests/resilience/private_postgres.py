"""A PostgreSQL cluster of the test's own, on a free port, that the test may stop and start.

PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the `postgres` OS user, in a
temporary folder that user owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from ..conftest import require
from .harness import free_port


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: from PATH, else Debian's versioned folders."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


@dataclass
class PrivatePostgres:
    bin: Path
    root: Path
    port: int
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"\n{self.log_tail()}"
            )
        return result

    def log_tail(self) -> str:
        with suppress(OSError):
            return (self.root / "postgres.log").read_text(errors="replace")[-2000:]
        return ""

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.root / "postgres.log"),
            "-o", options, "-w", "-t", "60",
        )  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def kill(self) -> None:
        """The last resort of a teardown: SIGKILL to the postmaster named in its pid file."""
        with suppress(OSError, ValueError):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A fresh cluster, started; stopped (immediately) and removed afterwards."""
    folder = postgres_bin()
    require(folder is not None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    run_as = None
    root = Path(tempfile.mkdtemp(prefix="consent-pg-"))
    if os.geteuid() == 0:
        run_as = "postgres"
        try:
            owner = pwd.getpwnam(run_as)
        except KeyError:
            shutil.rmtree(root)
            require(False, "running as root and there is no `postgres` user to run PostgreSQL")
            raise
        os.chown(root, owner.pw_uid, owner.pw_gid)
    cluster = PrivatePostgres(folder, root, free_port(), run_as)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            try:
                cluster.stop()
            except (AssertionError, subprocess.TimeoutExpired):
                cluster.kill()
        shutil.rmtree(root, ignore_errors=True)
