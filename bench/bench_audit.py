"""Benchmark: what the privacy audit adds to the build of a 1,000-page site (goal: at most 10%).

Generates a site whose pages carry a few third-party references each, then builds it with the
plugin's `audit: warn` and with `audit: off`, alternating, each a fresh `mkdocs build` process
whose CPU time is counted (bench/mkdocs_timing.py says why), and prints the ratio of the medians.

    .venv/bin/python bench/bench_audit.py [--pages 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
from pathlib import Path

import yaml
from mkdocs_timing import build_cpu_seconds

PAGE = (
    """# Page {index}

Some text with a [link](https://example.org/{index}) and an image:

![chart](https://img.example-cdn.test/chart-{index}.png)

<iframe src="https://www.youtube.com/embed/{index}" title="video"></iframe>

"""
    + "Paragraph of documentation text that a real page would have.\n\n" * 20
)


def make_site(root: Path, pages: int, audit: str) -> Path:
    docs = root / "docs"
    if not docs.exists():
        docs.mkdir(parents=True)
        for index in range(pages):
            (docs / f"page-{index:04d}.md").write_text(PAGE.format(index=index))
        (docs / "index.md").write_text("# Home\n")
    config = {
        "site_name": "Audit benchmark",
        "theme": {"name": "mkdocs", "highlightjs": False},
        "plugins": [
            {"consent": {"audit": audit, "categories": {"analytics": {"title": "Analytics"}}}}
        ],
    }
    path = root / f"mkdocs-{audit}.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with_audit = make_site(root, arguments.pages, "warn")
        without = make_site(root, arguments.pages, "off")
        build_cpu_seconds(without, root / "warmup")
        times: dict[str, list[float]] = {"warn": [], "off": []}
        for _ in range(arguments.rounds):
            times["off"].append(build_cpu_seconds(without, root / "out-off"))
            times["warn"].append(build_cpu_seconds(with_audit, root / "out-warn"))
        off, warn = statistics.median(times["off"]), statistics.median(times["warn"])
        print(f"{arguments.pages} pages, {arguments.rounds} rounds each, alternating")
        print(f"build without audit: median {off:.2f} s; with audit: median {warn:.2f} s")
        print(f"ratio with/without audit: {warn / off:.3f} (goal: at most 1.10)")


if __name__ == "__main__":
    main()
