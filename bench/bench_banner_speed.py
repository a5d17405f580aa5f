"""Benchmark: how soon after DOMContentLoaded the banner is visible, and the layout shift it causes.

Builds the project's own documentation (site/) with the plugin, serves it on 127.0.0.1 and loads
the front page in headless Chromium, a fresh profile each time. Goals: visible within 50 ms of
DOMContentLoaded; cumulative layout shift caused by the banner: 0.

    .venv/bin/python bench/bench_banner_speed.py [--runs 20]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).parents[1]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PROBE = """
window.__bench = {dcl: null, visible: null, shifts: []};
document.addEventListener("DOMContentLoaded", () => { window.__bench.dcl = performance.now(); });
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.__bench.shifts.push({
    value: entry.value,
    sources: (entry.sources || []).map(s => s.node ? (s.node.className || s.node.nodeName) + "" : "?"),
  });
}).observe({type: "layout-shift", buffered: true});
(function watch() {
  const banner = document.querySelector("[data-consent-banner]");
  const style = document.getElementById("consent-style");
  if (banner && banner.getBoundingClientRect().height > 0 && getComputedStyle(banner).position === "fixed") {
    window.__bench.visible = performance.now();
  } else requestAnimationFrame(watch);
})();
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "site/mkdocs.yml"), "-d", str(site)],
            check=True,
        )  # fmt: skip
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/"
        delays, shifts = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            for _ in range(arguments.runs):
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(PROBE)
                page.goto(url)
                page.wait_for_function("window.__bench.visible !== null", timeout=10000)
                page.wait_for_timeout(300)
                result = page.evaluate("window.__bench")
                delays.append(result["visible"] - result["dcl"])
                shifts.append(result["shifts"])
                context.close()
            browser.close()
        server.shutdown()
    delays.sort()
    print(f"runs: {arguments.runs}")
    print(
        f"banner visible after DOMContentLoaded: median {statistics.median(delays):.1f} ms, "
        f"p90 {delays[int(len(delays) * 0.9) - 1]:.1f} ms, max {delays[-1]:.1f} ms (goal: 50 ms)"
    )
    banner = [
        sum(
            shift["value"]
            for shift in run
            if any("consent" in source for source in shift["sources"])
        )
        for run in shifts
    ]
    page_total = [sum(shift["value"] for shift in run) for run in shifts]
    print(f"layout shift caused by the banner: max {max(banner):.4f} over all runs (goal: 0)")
    print(f"layout shift of the page from all causes: max {max(page_total):.4f}")
    sources = sorted({source for run in shifts for shift in run for source in shift["sources"]})
    print(f"elements that moved: {', '.join(sources) or 'none'}")


if __name__ == "__main__":
    main()
