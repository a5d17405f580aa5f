"""How many bytes the banner costs a visitor: consent.js + consent.css as shipped, gzipped.

Goal: at most 5 KB (5,120 bytes) together. Run: .venv/bin/python bench/bench_banner_weight.py
"""

from __future__ import annotations

import gzip

from mkdocs_privacy_plugin.assets import BANNER_FILES, shipped

GOAL = 5 * 1024


def gzipped(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def main() -> None:
    texts = {name: shipped(name) for name in BANNER_FILES}
    for name, text in texts.items():
        print(f"{name:12} {len(text.encode()):6} bytes minified, {gzipped(text):5} bytes gzipped")
    separate = sum(gzipped(text) for text in texts.values())
    together = gzipped("".join(texts.values()))
    print(f"{'both':12} {separate:6} bytes gzipped one by one, {together:5} bytes gzipped together")
    for label, size in (("together", together), ("one by one", separate)):
        verdict = "met" if size <= GOAL else "MISSED"
        print(f"goal <= {GOAL} bytes ({label}): {verdict}, {size / 1024:.2f} KB")


if __name__ == "__main__":
    main()
