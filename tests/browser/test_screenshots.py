"""The documentation's screenshots of the banner, taken on this project's own site (site/), served
with the consent server as `make demo` serves it. They are pictures, not assertions: the test
asserts that the banner and the dialog fit the screen, then saves what it sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import expect

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser
ROOT = Path(__file__).parents[2]
BANNER = "[data-consent-banner]"


@pytest.fixture(scope="module")
def own_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("own-site") / "out"
    build(load_config(str(ROOT / "site/mkdocs.yml"), site_dir=str(out), strict=True))
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("device", "viewport"), [("desktop", (1280, 800)), ("phone", (360, 740))])
def test_banner_and_dialog_on_this_projects_site(
    chromium, serve_site, own_site, scheme, device, viewport
):
    journey = serve_site(own_site)
    width, height = viewport
    context = chromium.new_context(color_scheme=scheme, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(journey.url + "/getting-started/")
    assert page.title().endswith("mkdocs-consent"), "the project's own site"
    banner = page.locator(BANNER)
    expect(banner).to_be_visible()
    box = banner.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the banner fits the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"banner-{device}-{scheme}.png")
    page.click(f"{BANNER} [data-consent-action=customize]")
    dialog = page.locator("[data-consent-dialog] .consent-box")
    expect(dialog).to_be_visible()
    dialog_box = dialog.bounding_box()
    assert dialog_box["x"] >= 0 and dialog_box["x"] + dialog_box["width"] <= width
    page.screenshot(path=SCREENSHOTS / f"dialog-{device}-{scheme}.png")
    context.close()
