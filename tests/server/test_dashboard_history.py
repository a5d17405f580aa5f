"""The dashboard over two months of decisions, in Chromium: pages of records, search by consent id,
a single day by the hour, a year by the week, and a phone that still fits."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from consent_server import create_app

from .dashboard_page import (
    DASH,
    axe_violations,
    open_dashboard,
    overflowing,
    shown_day,
    x_tick_labels,
)
from .helpers import ADMIN_TOKEN, SECRET, admin_hash
from .live import serve
from .seeding import seed_history

pytestmark = pytest.mark.browser
HOUR = re.compile(r"^\d\d:00$")
DAY_WITH_YEAR = re.compile(r"^\d{1,2} [A-Z][a-z]{2,3} \d{4}$")  # "Sept" in some locales' data


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """(url, number of records): 60 days of decisions under two policy versions."""
    folder = tmp_path_factory.mktemp("history")
    app = create_app(
        {"SECRET_KEYS": SECRET, "DATABASE_URL": f"sqlite:///{folder / 'log.sqlite3'}",
         "ADMIN_TOKENS": admin_hash(ADMIN_TOKEN), "COOKIE_SECURE": False, "RATELIMIT_ENABLED": False}
    )  # fmt: skip
    written = seed_history(app.extensions["consent"].store, 60, ("3b9e0c1a", "7d41f2e5"))
    with serve(app) as url:
        yield url, written


def status(page) -> str:
    return page.inner_text("#page-status")


def test_records_page_through_and_a_visitor_is_found_by_consent_id(chromium, history):
    url, written = history
    page = open_dashboard(chromium, url, query="?from=2000-01-01")
    expect(page.locator("#page-status")).to_have_text(f"1{DASH}25 of {written}")
    first_page = page.locator("#records tbody tr td:first-child").all_inner_texts()
    page.click("[data-page=older]")
    expect(page.locator("#page-status")).to_have_text(f"26{DASH}50 of {written}")
    second_page = page.locator("#records tbody tr td:first-child").all_inner_texts()
    assert int(second_page[0]) < int(first_page[-1]), "older records, none repeated"
    expect(page.locator("[data-page=newer]")).to_be_enabled()
    page.click("[data-page=newer]")
    expect(page.locator("#page-status")).to_have_text(f"1{DASH}25 of {written}")
    expect(page.locator("[data-page=newer]")).to_be_disabled()

    wanted = page.locator("#records .consent-id").nth(3).inner_text()
    page.fill("#consent-id", wanted)
    page.click("#record-search button[type=submit]")
    expect(page.locator("#page-status")).to_have_text(f"1{DASH}1 of 1")
    assert page.locator("#records .consent-id").all_inner_texts() == [wanted]
    assert f"consent_id={wanted}" in page.get_attribute("#download-csv", "href")
    expect(page.locator("[data-page=older]")).to_be_disabled()
    page.fill("#consent-id", "")
    page.click("#record-search button[type=submit]")
    expect(page.locator("#page-status")).to_have_text(f"1{DASH}25 of {written}")

    page.fill("input[name=from]", "2000-01-01")
    page.fill("input[name=to]", "2000-01-31")
    page.locator("input[name=to]").dispatch_event("change")
    expect(page.locator("#records tbody")).to_have_text("No records match.")
    assert page.problems == []
    page.context.close()


def test_one_day_is_drawn_by_the_hour_with_a_readable_axis(chromium, history):
    page = open_dashboard(chromium, history[0])
    page.click("[data-period='1']")
    expect(page.locator("#bucket-name")).to_have_text("hour")
    ticks = x_tick_labels(page)
    assert len(ticks) >= 4 and all(HOUR.match(tick) for tick in ticks), ticks
    assert ticks[0] == "00:00" and ticks[-1] >= "18:00", "the axis spans the whole day"
    today = datetime.now(UTC)
    assert page.inner_text("#decisions-range") == f"{shown_day(today)}, UTC"
    page.click(".chart-data summary")
    first_row = page.locator("#decisions-table tbody th").first.inner_text()
    assert re.fullmatch(rf"{shown_day(today)}, \d\d:00{DASH}\d\d:00", first_row), first_row
    assert page.problems == []
    page.context.close()


def test_a_year_is_drawn_by_the_week_with_years_on_the_axis(chromium, history):
    page = open_dashboard(chromium, history[0])
    page.click("[data-period='365']")
    expect(page.locator("#bucket-name")).to_have_text("week")
    ticks = x_tick_labels(page)
    assert len(ticks) >= 3 and all(DAY_WITH_YEAR.match(tick) for tick in ticks), ticks
    versions = page.locator("#versions tbody th > span > span:first-child").all_inner_texts()
    assert versions[0] == "All versions" and sorted(versions[1:]) == ["3b9e0c1a", "7d41f2e5"]
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_full_log_still_fits_a_phone_and_passes_axe(chromium, history, scheme):
    page = open_dashboard(chromium, history[0], "phone", scheme)
    assert overflowing(page) == []
    assert axe_violations(page) == []
    page.click("#records .clip-toggle >> nth=0")
    assert overflowing(page) == [], "an expanded user agent wraps inside its card"
    page.context.close()
