"""The dashboard in headless Chromium, at 1280 and 360 px, light and dark: figures from real records,
layout that fits, axe-core clean, filters, exports, sign-out."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .dashboard_page import axe_violations, open_dashboard, overflowing, shown_day, x_tick_labels
from .helpers import VALID_BODY, post_consent
from .live import serve

pytestmark = pytest.mark.browser
HOSTILE_AGENT = '<img src=x onerror="window.owned=1"><script>window.owned=2</script> Mozilla/5.0 (X11; Linux x86_64)'
DAY_WITH_YEAR = re.compile(r"^\d{1,2} [A-Z][a-z]{2,3} \d{4}$")  # "Sept" in some locales' data


@pytest.fixture
def live_app(make_app, manifest_path):
    app = make_app(COOKIE_SECURE=False, MANIFEST=str(manifest_path), RATELIMIT_ENABLED=False)

    def decide(method, analytics, marketing, **kwargs):
        body = {**VALID_BODY, "policy_version": "abc123", "method": method,
                "choices": {"analytics": analytics, "marketing": marketing}}  # fmt: skip
        assert post_consent(app.test_client(), body, **kwargs).status_code == 201

    decide("accept_all", True, True)
    decide("reject_all", False, False, headers={"User-Agent": HOSTILE_AGENT})
    decide("custom", True, False)
    with serve(app) as url:
        yield url


def test_wrong_token_is_refused_in_the_browser(page, live_app):
    page.goto(live_app + "/admin/")
    page.fill("#token", "wrong-token")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text() == "That token is not valid."
    assert page.url.endswith("/admin/sign-in")
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_dashboard_fits_the_screen_and_passes_axe(chromium, live_app, viewport, scheme):
    page = open_dashboard(chromium, live_app, viewport, scheme)
    assert overflowing(page) == []
    assert axe_violations(page) == []
    chart = page.locator("#chart-decisions canvas").bounding_box()
    card = page.locator("section:has(#chart-decisions)").bounding_box()
    assert chart["width"] <= card["width"] and chart["height"] >= 180
    table = page.locator("#records")
    if viewport == "desktop":
        assert table.evaluate("t => getComputedStyle(t).tableLayout") == "fixed"
        heights = page.locator("#records thead th").evaluate_all(
            "ths => ths.map(th => th.offsetHeight)"
        )
        assert max(heights) < 1.8 * min(heights), "no header wraps onto a second line"
        assert (
            page.locator("#filters .export").bounding_box()["y"]
            < page.locator("#filters [data-period]").first.bounding_box()["y"] + 40
        ), "export sits on the filter row"
    else:
        expect(page.locator("#records thead")).to_be_hidden()
        card_labels = (
            page.locator("#records tbody tr")
            .first.locator("td")
            .evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
        )
        assert card_labels[:4] == ['"Seq"', '"Time (UTC)"', '"Consent id"', '"Method"'], (
            "each field is labelled"
        )
    assert page.problems == []
    page.context.close()


def test_admin_sees_figures_filters_downloads_and_signs_out(chromium, live_app):
    page = open_dashboard(chromium, live_app)
    today = datetime.now(UTC)
    assert page.inner_text("#summary").startswith("3 records")
    kpis = page.locator("#kpis .kpi").evaluate_all(
        "ks => ks.map(k => [...k.children].slice(0, 2).map(p => p.textContent).join(' '))"
    )
    assert kpis == [
        "Decisions 3",
        "Accept all 33.3%",
        "Reject all 33.3%",
        "Custom 33.3%",
        "Sent GPC 0%",
    ]
    ticks = x_tick_labels(page)
    assert ticks and all(DAY_WITH_YEAR.match(label) for label in ticks), ticks
    assert str(today.year) in page.inner_text("#decisions-range")

    page.click(".chart-data summary")
    rows = page.locator("#decisions-table tbody tr").evaluate_all(
        "rs => rs.map(r => r.innerText.split('\\t'))"
    )
    assert rows == [[f"{shown_day(today)}", "1", "1", "1", "0", "0", "3"]]

    over = page.locator("#chart-decisions .u-over").bounding_box()
    page.mouse.move(over["x"] + over["width"] - 5, over["y"] + over["height"] / 2)
    tooltip = page.locator(".chart-tooltip")
    expect(tooltip).to_be_visible()
    assert f"{shown_day(today)}" in tooltip.inner_text() and "Total: 3" in tooltip.inner_text()

    headers = page.locator("#versions thead th").all_inner_texts()
    assert headers[-2:] == ["Analytics", "Marketing"] and "Necessary" not in headers
    all_versions = page.locator("#versions tbody tr").first.locator("td").all_inner_texts()
    assert all_versions[-2:] == ["66.7%", "33.3%"]

    assert page.locator("#records tbody tr").count() == 3
    assert page.evaluate("window.owned") is None
    agent_cell = page.locator("#records tbody tr", has_text="Reject all").locator("td").last
    toggle = agent_cell.locator(".clip-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert agent_cell.locator(".clip-text").inner_text() == HOSTILE_AGENT

    page.fill("input[name=from]", "2000-01-01")
    page.fill("input[name=to]", "2000-01-31")
    page.locator("input[name=to]").dispatch_event("change")
    expect(page.locator("#summary")).to_have_text(
        re.compile("^0 records from 1 Jan 2000 to 31 Jan 2000")
    )
    expect(page.locator("#chart-decisions .empty")).to_be_visible()
    assert "since=2000-01-01" in page.get_attribute("#download-csv", "href")
    expect(page.locator("#records tbody")).to_have_text("No records match.")

    page.click("[data-period=all]")
    expect(page.locator("#bucket-name")).to_have_text("hour", timeout=5000)
    assert all(re.fullmatch(r"\d\d:00", tick) for tick in x_tick_labels(page)), (
        "one day of data, by the hour"
    )

    page.click("[data-period='30']")
    expect(page.locator("#summary")).to_have_text(re.compile("^3 records"))
    consent_id = page.locator("#records .consent-id").first.inner_text()
    page.locator("#records .consent-id").first.click()
    expect(page).to_have_url(re.compile(f"consent_id={consent_id}"))
    expect(page.locator("#records tbody tr")).to_have_count(1)
    with page.expect_download() as download_info:
        page.click("#download-jsonl")
    lines = Path(download_info.value.path()).read_text().splitlines()
    assert [json.loads(line)["consent_id"] for line in lines] == [consent_id]

    page.click("[data-action=sign-out]")
    page.wait_for_url("**/admin/sign-in")
    page.goto(live_app + "/admin/")
    assert page.url.endswith("/admin/sign-in")
    assert page.problems == []
    page.context.close()
