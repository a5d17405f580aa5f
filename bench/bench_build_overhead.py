"""What the plugin adds to `mkdocs build`: a generated 1,000-page site built with and without it.

Builds alternate (without, with, without, ...) in one process, so both see the same machine state;
the ratio of the medians is printed. Goal: at most 1.05.
Run: .venv/bin/python bench/bench_build_overhead.py [--pages 1000] [--rounds 5] [--theme mkdocs]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

GOAL = 1.05
PLUGIN = {
    "categories": {
        "analytics": {"title": "Analytics", "description": "Counts visits."},
        "marketing": {"title": "Marketing", "description": "Measures campaigns."},
    },
    "services": [
        {
            "name": "Example Analytics",
            "provider": "Example Ltd",
            "category": "analytics",
            "hosts": ["analytics.example.com"],
            "cookies": [
                {"name": "_ea_id", "purpose": "Tells visits apart", "duration": "13 months"}
            ],
        }
    ],
    "privacy_notice": {"controller": {"name": "Example Ltd", "email": "privacy@example.com"}},
}


def page(number: int) -> str:
    """A documentation page of typical length: headings, prose, a list, code and a table."""
    prose = "MkDocs turns Markdown into a static site; this paragraph stands for real prose. " * 6
    return (
        f"# Page {number}\n\n{prose}\n\n## Section\n\n- one\n- two\n- [next](page{number + 1}.md)\n\n"
        f"```python\ndef page_{number}():\n    return {number}\n```\n\n"
        f"| key | value |\n| --- | --- |\n| page | {number} |\n\n## More\n\n{prose}\n"
    )


def write_site(root: Path, pages: int, theme: str) -> tuple[Path, Path]:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for number in range(pages):
        target = "index.md" if number == 0 else f"section{number % 20}/page{number}.md"
        (docs / target).parent.mkdir(parents=True, exist_ok=True)
        (docs / target).write_text(page(number).replace(f"page{number + 1}.md", "index.md"))
    paths = []
    for name, plugins in (("without", ["search"]), ("with", ["search", {"consent": PLUGIN}])):
        config = {"site_name": "Benchmark", "theme": {"name": theme}, "plugins": plugins}
        path = root / f"mkdocs-{name}.yml"
        path.write_text(yaml.safe_dump(config))
        paths.append(path)
    return paths[0], paths[1]


def timed_build(config_file: Path, site_dir: Path) -> float:
    config = load_config(str(config_file), site_dir=str(site_dir))
    start = time.process_time()
    build(config)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--theme", default="mkdocs")
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        without, with_plugin = write_site(root, args.pages, args.theme)
        timed_build(without, root / "warm-up")
        times: dict[str, list[float]] = {"without": [], "with": []}
        for round_number in range(args.rounds):
            for name, config_file in (("without", without), ("with", with_plugin)):
                times[name].append(timed_build(config_file, root / f"out-{name}"))
            print(
                f"round {round_number + 1}: without {times['without'][-1]:.2f} s, "
                f"with {times['with'][-1]:.2f} s"
            )
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["with"] / medians["without"]
    print(
        f"{args.pages} pages, theme {args.theme}, {args.rounds} rounds: median without "
        f"{medians['without']:.2f} s, with {medians['with']:.2f} s, ratio {ratio:.3f} "
        f"(goal <= {GOAL}: {'met' if ratio <= GOAL else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
