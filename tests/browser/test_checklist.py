"""Accessibility, re-consent, Consent Mode and a server that is down."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..conftest import require
from .conftest import build_site, plugin_with

pytestmark = pytest.mark.browser
AXE = Path(__file__).parents[2] / "build/axe/node_modules/axe-core/axe.min.js"
BANNER = "[data-consent-banner]"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, selector: str) -> list[dict]:
    require(AXE.is_file(), "axe-core is not installed (make axe)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "([selector, tags]) => axe.run(selector, {runOnly: {type: 'tag', values: tags}})",
        [selector, WCAG_TAGS],
    )
    assert len(result["passes"]) > 5, "axe checked the element"
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_banner_and_dialog_pass_axe(visit, theme, scheme):
    _, page = visit(theme, color_scheme=scheme)
    expect(page.locator(BANNER)).to_be_visible()
    assert axe_violations(page, BANNER) == []
    page.click(f"{BANNER} [data-consent-action=customize]")
    page.click("[data-consent-dialog] summary")
    assert axe_violations(page, "[data-consent-dialog]") == []


def test_returning_visitor_is_asked_again_only_when_the_policy_changed(
    chromium, serve_site, tmp_path
):
    site = build_site(tmp_path / "v1", "mkdocs")
    journey = serve_site(site)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(journey.url + "/")
    page.click(f"{BANNER} [data-consent-action=reject-all]")
    build_site(tmp_path / "v1", "mkdocs")
    page.reload()
    expect(page.locator("[data-consent-open]")).to_be_visible()
    expect(page.locator(BANNER)).to_have_count(0)
    changed = plugin_with()
    changed["categories"]["analytics"]["description"] = "Counts visits and clicks."
    build_site(tmp_path / "v1", "mkdocs", changed)
    page.reload()
    expect(page.locator(BANNER)).to_be_visible()
    context.close()


def test_decision_older_than_the_lifetime_is_asked_again(visit):
    _, page = visit("mkdocs")
    page.click(f"{BANNER} [data-consent-action=reject-all]")
    page.reload()
    expect(page.locator(BANNER)).to_have_count(0)
    page.clock.install(time=datetime.now() + timedelta(days=181))
    page.reload()
    expect(page.locator(BANNER)).to_be_visible()


def test_consent_mode_defaults_before_any_tag_and_updates_after_the_choice(
    chromium, serve_site, tmp_path
):
    site = build_site(tmp_path / "gcm", "mkdocs", plugin_with(consent_mode=True))
    journey = serve_site(site)
    page = chromium.new_context().new_page()
    page.goto(journey.url + "/")
    layer = page.evaluate("JSON.parse(JSON.stringify(window.dataLayer.map(a => Array.from(a))))")
    assert layer[0][:2] == ["consent", "default"]
    assert {
        layer[0][2][key]
        for key in ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")
    } == {"denied"}
    page.click(f"{BANNER} [data-consent-action=customize]")
    page.check("[data-consent-dialog] input[data-consent-category=analytics]")
    page.click("[data-consent-dialog] [data-consent-action=save]")
    layer = page.evaluate("JSON.parse(JSON.stringify(window.dataLayer.map(a => Array.from(a))))")
    assert layer[-1][:2] == ["consent", "update"]
    assert layer[-1][2]["analytics_storage"] == "granted"
    assert layer[-1][2]["ad_storage"] == "denied"
    page.context.close()


def test_server_down_never_breaks_the_page(chromium, serve_site, tmp_path):
    site = build_site(
        tmp_path / "down", "mkdocs", plugin_with(endpoint="http://127.0.0.1:9/api/v1")
    )
    journey = serve_site(site)
    page = chromium.new_context().new_page()
    warnings: list[str] = []
    page.on(
        "console",
        lambda message: warnings.append(message.text) if message.type == "warning" else None,
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(journey.url + "/")
    page.click(f"{BANNER} [data-consent-action=accept-all]")
    expect(page.locator(BANNER)).to_have_count(0)
    assert page.evaluate("window.analyticsRuns") == 1
    page.wait_for_timeout(500)
    assert any("will be sent later" in text for text in warnings)
    assert errors == []
    stored = json.loads(page.evaluate("localStorage.getItem('consent')"))
    assert stored["pending"] == "decision", "kept to be sent when the server is back"
    page.reload()
    assert page.evaluate("window.analyticsRuns") == 1
    page.context.close()


def test_banner_works_at_200_percent_zoom(visit):
    _, page = visit("mkdocs", viewport={"width": 640, "height": 400}, device_scale_factor=2)
    for action in ("accept-all", "reject-all", "customize"):
        button = page.locator(f"{BANNER} [data-consent-action={action}]")
        expect(button).to_be_visible()
        button.scroll_into_view_if_needed()
    page.click(f"{BANNER} [data-consent-action=customize]")
    save = page.locator("[data-consent-dialog] [data-consent-action=save]")
    save.scroll_into_view_if_needed()
    expect(save).to_be_in_viewport()
