"""The whole visitor journey with the site and the server on different origins, over HTTPS: every
decision reaches the log exactly once, same-site (subdomains) and cross-site (a github.io-like host)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import THEMES

pytestmark = pytest.mark.browser
BANNER = "[data-consent-banner]"
DIALOG = "[data-consent-dialog]"
JOURNEYS = [(topology, theme) for topology in ("same-site", "cross-site") for theme in THEMES]
each_journey = pytest.mark.parametrize(
    ("topology", "theme"), JOURNEYS, ids=[f"{topology}-{theme}" for topology, theme in JOURNEYS]
)


def runs(page) -> tuple[int | None, int | None]:
    return tuple(page.evaluate("[window.analyticsRuns ?? null, window.marketingRuns ?? null]"))


def assert_record(record: dict, visit, method: str, granted: list[str], denied: list[str]) -> None:
    assert (record["method"], record["granted"], record["denied"]) == (method, granted, denied)
    assert record["policy_version"] == visit.world.policy_version
    assert record["origin"] == visit.origin


@each_journey
def test_reject_all(visit, log_growth, topology, theme):
    visitor = visit(topology, theme)
    expect(visitor.page.locator(BANNER)).to_be_visible()
    answer = visitor.decide(
        lambda: visitor.page.click(f"{BANNER} [data-consent-action=reject-all]")
    )
    assert answer.status == 201
    visitor.page.reload()
    visitor.settle()
    expect(visitor.page.locator(BANNER)).to_have_count(0)
    assert runs(visitor.page) == (None, None)
    [record] = visitor.records()
    assert_record(record, visitor, "reject_all", ["necessary"], ["analytics", "marketing"])
    assert record["gpc"] is False
    assert log_growth() == 1
    assert visitor.page.errors == []


@each_journey
def test_accept_all(visit, log_growth, topology, theme):
    visitor = visit(topology, theme)
    answer = visitor.decide(
        lambda: visitor.page.click(f"{BANNER} [data-consent-action=accept-all]")
    )
    assert answer.status == 201
    assert runs(visitor.page) == (1, 1)
    visitor.page.reload()
    visitor.settle()
    assert runs(visitor.page) == (1, 1)
    [record] = visitor.records()
    assert_record(record, visitor, "accept_all", ["analytics", "marketing", "necessary"], [])
    assert log_growth() == 1


@each_journey
def test_customise(visit, log_growth, topology, theme):
    visitor = visit(topology, theme)
    visitor.page.click(f"{BANNER} [data-consent-action=customize]")
    visitor.page.check(f"{DIALOG} input[data-consent-category=analytics]")
    answer = visitor.decide(lambda: visitor.page.click(f"{DIALOG} [data-consent-action=save]"))
    assert answer.status == 201
    assert runs(visitor.page) == (1, None)
    [record] = visitor.records()
    assert_record(record, visitor, "custom", ["analytics", "necessary"], ["marketing"])
    assert log_growth() == 1


@each_journey
def test_withdraw_through_the_reopen_link_and_consent_again(visit, log_growth, topology, theme):
    visitor = visit(topology, theme)
    page = visitor.page
    visitor.decide(lambda: page.click(f"{BANNER} [data-consent-action=accept-all]"))
    first_id = visitor.consent_id()
    page.reload()
    page.click("[data-consent-open]")
    answer = visitor.decide(lambda: page.click(f"{DIALOG} [data-consent-action=withdraw]"))
    assert (answer.request.method, answer.status) == ("DELETE", 200)
    page.reload()
    visitor.settle()
    assert runs(page) == (None, None)
    page.click("[data-consent-open]")
    visitor.decide(lambda: page.click(f"{DIALOG} [data-consent-action=accept-all]"))
    assert visitor.consent_id() == first_id
    records = visitor.records()
    assert [r["method"] for r in records] == ["accept_all", "withdraw", "accept_all"]
    assert_record(records[1], visitor, "withdraw", ["necessary"], ["analytics", "marketing"])
    assert {r["consent_id"] for r in records} == {first_id}, "one visitor, one consent id"
    assert log_growth() == 3


@each_journey
def test_global_privacy_control_keeps_marketing_off(visit, log_growth, topology, theme):
    visitor = visit(topology, theme, extra_http_headers={"Sec-GPC": "1"})
    visitor.page.add_init_script(
        "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
    )
    visitor.page.reload()
    expect(visitor.page.locator(f"{BANNER} [data-consent-gpc]")).to_be_visible()
    answer = visitor.decide(
        lambda: visitor.page.click(f"{BANNER} [data-consent-action=accept-all]")
    )
    assert answer.status == 201
    assert runs(visitor.page) == (1, None)
    [record] = visitor.records()
    assert_record(record, visitor, "custom", ["analytics", "necessary"], ["marketing"])
    assert record["gpc"] is True
    assert log_growth() == 1


@each_journey
def test_keyboard_only(visit, log_growth, topology, theme):
    visitor = visit(topology, theme)
    page = visitor.page
    page.keyboard.press("Tab")
    for _ in range(8):
        if page.evaluate("document.activeElement.dataset.consentAction") == "customize":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(DIALOG)).to_be_visible()
    for _ in range(20):
        if page.evaluate("document.activeElement.dataset.consentCategory") == "analytics":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    for _ in range(20):
        if page.evaluate("document.activeElement.dataset.consentAction") == "save":
            break
        page.keyboard.press("Tab")
    answer = visitor.decide(lambda: page.keyboard.press("Enter"))
    assert answer.status == 201
    [record] = visitor.records()
    assert_record(record, visitor, "custom", ["analytics", "necessary"], ["marketing"])
    assert log_growth() == 1
