"""The documentation's screenshots, taken on this project's own site (site/) served with the consent
server as `make demo` serves it: the banner and its dialog, and the dashboard over two months of
decisions under the site's policy. They are pictures, not assertions: the tests assert that what
they show fits the screen, then save what they see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import expect

from consent_server import create_app
from tests.server.dashboard_page import open_dashboard, overflowing
from tests.server.helpers import ADMIN_TOKEN, SECRET, admin_hash
from tests.server.live import serve
from tests.server.seeding import seed_history

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


@pytest.fixture(scope="module")
def own_dashboard(own_site, tmp_path_factory):
    """The server for the project's own site, with two months of decisions, the last weeks under
    the site's current policy version."""
    manifest = own_site / "consent" / "manifest.json"
    current = json.loads(manifest.read_text())["policy_version"]
    app = create_app(
        {"SECRET_KEYS": SECRET, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('log') / 'log.sqlite3'}",
         "ADMIN_TOKENS": admin_hash(ADMIN_TOKEN), "MANIFEST": str(manifest), "SITE_DIR": str(own_site),
         "COOKIE_SECURE": False, "RATELIMIT_ENABLED": False}
    )  # fmt: skip
    app.extensions["consent"].archive_current_policy()
    seed_history(app.extensions["consent"].store, 60, ("1f0c9a7e", current), per_day=(6, 30))
    with serve(app) as url:
        yield url


@pytest.mark.parametrize(
    ("device", "scheme", "height"), [("desktop", "light", 1000), ("phone", "dark", 1400)]
)
def test_dashboard_on_this_projects_server(chromium, own_dashboard, device, scheme, height):
    page = open_dashboard(chromium, own_dashboard, device, scheme)
    page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
    assert overflowing(page) == []
    assert page.locator("#chart-decisions canvas").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"dashboard-{device}-{scheme}.png")
    page.context.close()
