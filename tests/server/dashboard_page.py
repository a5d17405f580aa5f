"""The dashboard in Chromium: sign in, wait for the figures, check accessibility and layout facts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..conftest import require
from .helpers import ADMIN_TOKEN

AXE = Path(__file__).parents[2] / "build/axe/node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DASH = "\u2013"  # the en dash of "1-25 of 60" and of hour ranges
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}

# Every visible element that reaches past the right edge of the window, outside the few boxes
# that scroll or clip on purpose (the chart's data table, the chart canvas inside its card).
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const offenders = [];
  for (const node of document.body.querySelectorAll("*")) {
    if (node.closest(".table-scroll, .uplot, .visually-hidden")) continue;
    const box = node.getBoundingClientRect();
    if (box.width && box.right > limit) offenders.push(`${node.tagName.toLowerCase()}.${node.className}: ${Math.round(box.right)}`);
  }
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth) offenders.push("document scrolls sideways");
  return offenders;
}"""


def open_dashboard(
    chromium, base: str, viewport: str = "desktop", scheme: str = "light", query: str = ""
):
    """A fresh context, signed in, with the figures loaded; page.problems collects errors and CSP reports."""
    context = chromium.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(base + "/admin/")
    page.fill("#token", ADMIN_TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    if query:
        page.goto(base + "/admin/" + query)
    page.wait_for_selector("body[data-loaded=true]")
    return page


def axe_violations(page) -> list[dict]:
    """axe-core over the whole page; evaluated through the driver, as the page's CSP forbids inline script."""
    require(AXE.is_file(), "axe-core is not installed (make axe)")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    assert len(result["passes"]) > 10, "axe checked the page"
    return [
        {"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def overflowing(page) -> list[str]:
    return page.evaluate(OVERFLOWING)


def x_tick_labels(page) -> list[str]:
    """The labels uPlot drew under the decisions chart (kept on the chart's element by charts.js)."""
    return page.eval_on_selector("#chart-decisions", "el => JSON.parse(el.dataset.xTicks || '[]')")


def shown_day(moment: datetime) -> str:
    """A date as the dashboard writes it (Chromium's en-GB: "1 Dec 2026", "3 Sept 2026")."""
    month = "Sept" if moment.month == 9 else f"{moment:%b}"
    return f"{moment.day} {month} {moment.year}"
