"""No module of either package grows past 300 lines: one module, one job."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("consent_server", "mkdocs_privacy_plugin")
MAX_LINES = 300


def source_files() -> list[str]:
    return [
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*"))
        if path.suffix in (".py", ".js") and "__pycache__" not in path.parts
    ]


@pytest.mark.parametrize("name", source_files())
def test_module_is_at_most_300_lines(name):
    lines = len((ROOT / name).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES})"
