"""What the plugin adds to `mkdocs build`: a generated 1,000-page site built with and without it.

Builds alternate (without, with, with the audit off, without, ...), each a fresh `mkdocs build`
process whose CPU time is counted (bench/mkdocs_timing.py says why); the ratios of the medians
are printed. Goal: with/without at most 1.03 (the plugin's defaults, audit included).

On a busy machine the builds' CPU times scatter by more than the plugin costs, so one more build
(with the plugin) times the plugin's own events from inside the process, CPU time against the
whole build's, and prints that share too: both figures come from the same build, at the same
moment, so other work on the machine moves them together.
Run: .venv/bin/python bench/bench_build_overhead.py [--pages 1000] [--rounds 5] [--theme mkdocs]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from mkdocs_timing import build_cpu_seconds

GOAL = 1.03
EVENT_SHARE = """
import json, sys, time, logging
from mkdocs.commands.build import build
from mkdocs.config import load_config
import mkdocs.config.defaults, mkdocs.plugins  # loaded by every build, plugin or not
started = time.process_time()
from mkdocs_privacy_plugin import plugin
imported = time.process_time() - started
spent = {"import": imported}
def timed(name, method):
    def wrapper(self, *args, **kwargs):
        before = time.process_time()
        try:
            return method(self, *args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - before
    return wrapper
for name in ("on_config", "on_files", "on_page_markdown", "on_post_page", "on_post_template",
             "on_post_build"):
    setattr(plugin.ConsentPlugin, name, timed(name, getattr(plugin.ConsentPlugin, name)))
logging.getLogger("mkdocs").setLevel(logging.ERROR)
config = load_config(sys.argv[1], site_dir=sys.argv[2])
before = time.process_time()
build(config)
total = time.process_time() - before + imported
print(json.dumps({"total": total, "events": spent}))
"""
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


BUILDS = {
    "without": ["search"],
    "with": ["search", {"consent": PLUGIN}],
    "with, audit off": ["search", {"consent": {**PLUGIN, "audit": "off"}}],
}


def write_site(root: Path, pages: int, theme: str) -> dict[str, Path]:
    """The pages, and one mkdocs.yml per build that is measured."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    for number in range(pages):
        target = "index.md" if number == 0 else f"section{number % 20}/page{number}.md"
        (docs / target).parent.mkdir(parents=True, exist_ok=True)
        (docs / target).write_text(page(number).replace(f"page{number + 1}.md", "index.md"))
    configs = {}
    for index, (name, plugins) in enumerate(BUILDS.items()):
        config = {"site_name": "Benchmark", "theme": {"name": theme}, "plugins": plugins}
        configs[name] = root / f"mkdocs-{index}.yml"
        configs[name].write_text(yaml.safe_dump(config))
    return configs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--theme", default="mkdocs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        configs = write_site(root, args.pages, args.theme)
        build_cpu_seconds(configs["without"], root / "warm-up")
        times: dict[str, list[float]] = {name: [] for name in configs}
        for round_number in range(args.rounds):
            for index, (name, config_file) in enumerate(configs.items()):
                times[name].append(build_cpu_seconds(config_file, root / f"out-{index}"))
            print(
                f"round {round_number + 1}: "
                + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in times.items())
            )
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.pages} pages, theme {args.theme}, {args.rounds} rounds, CPU time per build:")
    for name, median in medians.items():
        print(f"  {name:16s} median {median:.2f} s, ratio {median / medians['without']:.3f}")
    ratio = medians["with"] / medians["without"]
    print(
        f"ratio with/without: {ratio:.3f} (goal <= {GOAL}: {'met' if ratio <= GOAL else 'MISSED'})"
    )
    share = plugin_share(args.pages, args.theme)
    plugin_seconds = sum(share["events"].values())
    without = share["total"] - plugin_seconds
    print(
        f"inside one build: plugin {plugin_seconds:.3f} s of {share['total']:.2f} s CPU, "
        f"ratio {share['total'] / without:.3f} ("
        + ", ".join(f"{name} {value:.3f} s" for name, value in share["events"].items())
        + ")"
    )


def plugin_share(pages: int, theme: str) -> dict:
    """CPU seconds of the plugin's events (and its import) inside one build with the plugin."""
    with tempfile.TemporaryDirectory() as folder:
        configs = write_site(Path(folder), pages, theme)
        result = subprocess.run(
            [sys.executable, "-c", EVENT_SHARE, str(configs["with"]), str(Path(folder) / "out")],
            check=True, capture_output=True, text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
