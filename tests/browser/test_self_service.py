"""A visitor exercises their rights from the cookie-policy page: see, download, withdraw, erase."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
