"""A visitor exercises their rights from the cookie-policy page: see, download, withdraw, erase."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import expect

from .conftest import build_site
from .test_checklist import axe_violations

pytestmark = pytest.mark.browser
RECORD = "[data-consent-self-service]"


def test_visitor_sees_downloads_withdraws_and_erases_their_record(visit):
    journey, page = visit("mkdocs")
    page.click("[data-consent-banner] [data-consent-action=customize]")
    page.check("[data-consent-dialog] input[data-consent-category=analytics]")
    page.click("[data-consent-dialog] [data-consent-action=save]")
    page.wait_for_function("window.consent.get().consent_id !== null")
    consent_id = page.evaluate("window.consent.get().consent_id")

    page.goto(journey.url + "/cookie-policy/")
    expect(page.locator(f"{RECORD} [data-consent-record-id]")).to_have_text(consent_id)
    expect(page.locator(f"{RECORD} [data-consent-record-choice=analytics]")).to_contain_text(
        "allowed"
    )
    expect(page.locator(f"{RECORD} [data-consent-record-history] tr")).to_have_count(2)

    with page.expect_download() as download:
        page.click(f"{RECORD} [data-consent-record=download]")
    receipt = json.loads(Path(download.value.path()).read_text())
    assert receipt["pii_principal_id"] == consent_id
    assert receipt["standard"].startswith("ISO/IEC TS 27560")
    assert [event["method"] for event in receipt["events"]] == ["custom"]

    page.click(f"{RECORD} [data-consent-record=withdraw]")
    expect(page.locator(f"{RECORD} [data-consent-record-choice=analytics]")).to_contain_text(
        "not allowed"
    )
    page.wait_for_function("JSON.parse(localStorage.getItem('consent')).pending === undefined")
    assert [record.method for record in journey.records()] == ["custom", "withdraw"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"{RECORD} [data-consent-record=erase]")
    expect(page.locator(f"{RECORD} [data-consent-record-status]")).to_have_text(
        "Your personal data was erased."
    )
    expect(page.locator("[data-consent-banner]")).to_be_visible()
    records = journey.records()
    assert [record.method for record in records] == ["custom", "withdraw", "erase"]
    assert all(record.ip == record.user_agent == record.page_url == "" for record in records)
    assert journey.app.extensions["consent"].store.verify().ok


def test_erase_asks_for_confirmation(visit):
    journey, page = visit("mkdocs")
    page.click("[data-consent-banner] [data-consent-action=accept-all]")
    page.wait_for_function("window.consent.get().token !== null")
    page.goto(journey.url + "/cookie-policy/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(f"{RECORD} [data-consent-record=erase]")
    page.wait_for_timeout(300)
    assert [record.method for record in journey.records()] == ["accept_all"]


def decide_twice(journey, page) -> None:
    """Two decisions in the log: a custom choice, then a refusal."""
    page.click("[data-consent-banner] [data-consent-action=customize]")
    page.check("[data-consent-dialog] input[data-consent-category=analytics]")
    page.click("[data-consent-dialog] [data-consent-action=save]")
    page.wait_for_function("window.consent.get().token !== null")
    page.click("[data-consent-open]")
    page.click("[data-consent-dialog] [data-consent-action=reject-all]")
    page.wait_for_function("!window.consent.get().pending")
    page.goto(journey.url + "/cookie-policy/")
    expect(page.locator(f"{RECORD} [data-consent-record-history] tbody tr")).to_have_count(2)


def cells(page, column: int) -> list[str]:
    return page.locator(f"{RECORD} [data-consent-record-history] tbody td:nth-child({column})")


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_the_record_is_laid_out_on_every_theme(visit, theme):
    journey, page = visit(theme)
    decide_twice(journey, page)
    block = page.locator(RECORD)
    assert block.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    assert block.evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)") >= 8
    buttons = page.locator(f"{RECORD} .consent-record__actions button")
    assert buttons.count() == 3
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    for left, right in pairwise(boxes):
        assert right["x"] - (left["x"] + left["width"]) >= 6, "buttons are apart, not butted"
    looks = buttons.evaluate_all(
        "els => els.map(e => { const s = getComputedStyle(e);"
        " return [s.backgroundColor, s.borderTopWidth, s.borderTopStyle]; })"
    )
    assert looks == [["rgba(0, 0, 0, 0)", "2px", "solid"]] * 3, "not the browser's grey boxes"
    summary = page.locator(f"{RECORD} .consent-record__panel > dl")
    assert summary.evaluate("e => getComputedStyle(e).display") == "grid"
    term, value = (
        page.locator(f"{RECORD} dl > {tag}").first.bounding_box() for tag in ("dt", "dd")
    )
    assert abs(term["y"] - value["y"]) < 4 and value["x"] > term["x"] + term["width"]
    choice = page.locator(f"{RECORD} [data-consent-record-choice=analytics]")
    assert choice.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    assert choice.inner_text() == "Analytics: not allowed"
    cell = page.locator(f"{RECORD} [data-consent-record-history] td").first
    borders = cell.evaluate(
        "e => { const s = getComputedStyle(e); return [s.borderLeftWidth, s.borderBottomWidth]; }"
    )
    assert borders == ["0px", "1px"], "rows are ruled, cells are not boxed"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert axe_violations(page, RECORD) == []


def test_history_shows_labels_and_dates_in_the_pages_language(visit):
    journey, page = visit("mkdocs")
    decide_twice(journey, page)
    headers = page.locator(f"{RECORD} [data-consent-record-history] th").all_inner_texts()
    assert headers == ["Date", "Decision", "Allowed", "Policy version"]
    assert cells(page, 2).all_inner_texts() == ["Custom choice", "Rejected all"]
    assert cells(page, 3).all_inner_texts() == ["Analytics, Necessary", "Necessary"]
    records = journey.records()
    times = page.locator(f"{RECORD} [data-consent-record-history] time")
    assert times.evaluate_all("els => els.map(e => e.dateTime)") == [
        record.created_at for record in records
    ]
    year = records[0].created_at[:4]
    for text in cells(page, 1).all_inner_texts():
        assert re.fullmatch(rf"[A-Z][a-z]+ \d{{1,2}}, {year} at \d{{1,2}}:\d\d [AP]M", text), text
    table = page.locator(f"{RECORD} [data-consent-record-history]").inner_text()
    for raw in ("created_at", "reject_all", "custom", "policy_version", "analytics"):
        assert raw not in table


def site_with_theme(tmp_path, theme: str, **options) -> Path:
    """The journey site on `theme` with theme options of its own (language, colours)."""
    site = build_site(tmp_path, theme)
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text())
    config["theme"].update(options)
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(site), strict=True))
    return site


def accept_and_open_the_record(chromium, serve_site, site: Path):
    journey = serve_site(site)
    page = chromium.new_context().new_page()
    page.goto(journey.url + "/")
    page.click("[data-consent-banner] [data-consent-action=accept-all]")
    page.wait_for_function("window.consent.get() && !window.consent.get().pending")
    page.goto(journey.url + "/cookie-policy/")
    expect(page.locator(f"{RECORD} [data-consent-record-history] tbody tr")).to_have_count(1)
    return page


def test_history_in_german(chromium, serve_site, tmp_path):
    site = site_with_theme(tmp_path, "material", language="de")
    page = accept_and_open_the_record(chromium, serve_site, site)
    headers = page.locator(f"{RECORD} [data-consent-record-history] th").all_inner_texts()
    assert headers == ["Datum", "Entscheidung", "Erlaubt", "Version der Richtlinie"]
    assert cells(page, 2).all_inner_texts() == ["Alle akzeptiert"]
    [date] = cells(page, 1).all_inner_texts()
    assert re.fullmatch(r"\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4} um \d\d:\d\d", date), date
    page.context.close()


@pytest.mark.parametrize(
    ("theme", "options"),
    [("mkdocs", {"color_mode": "dark"}), ("material", {"palette": {"scheme": "slate"}})],
)
def test_the_record_reads_well_on_dark_themes(chromium, serve_site, tmp_path, theme, options):
    page = accept_and_open_the_record(
        chromium, serve_site, site_with_theme(tmp_path, theme, **options)
    )
    button = page.locator(f"{RECORD} [data-consent-record=download]")
    red, green, blue = map(
        int, re.findall(r"\d+", button.evaluate("e => getComputedStyle(e).color"))[:3]
    )
    assert red + green + blue > 3 * 128, "the button's text is light on the dark page"
    assert axe_violations(page, RECORD) == []
    page.context.close()
