"""Timing `mkdocs build` for the build benchmarks: each build in a fresh process, CPU time counted.

Builds in one long-lived process grow slower round after round (both with and without the plugin),
which skews a ratio towards whichever build runs later. A fresh `mkdocs build` per measurement is
also what a site owner runs. CPU time (user + system of the child) is not inflated by other work
on the machine the way wall time is.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path


def build_cpu_seconds(config_file: Path, site_dir: Path) -> float:
    """CPU seconds of one `mkdocs build` of `config_file` into `site_dir`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(config_file),
            "-d",
            str(site_dir),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
