"""A visitor's journey through the banner, checked against the regulators' cookie-banner checklist."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
THEMES = ["mkdocs", "material"]
BANNER = "[data-consent-banner]"


def choose(page, action: str) -> None:
    page.click(f"{BANNER} [data-consent-action={action}]")


def runs(page) -> tuple[int | None, int | None]:
    return tuple(page.evaluate("[window.analyticsRuns ?? null, window.marketingRuns ?? null]"))


def wait_for_log(journey, count: int) -> list:
    """The banner reports in the background: wait until the server has the records."""
    import time

    deadline = time.monotonic() + 10
    while len(records := journey.records()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return records


@pytest.mark.parametrize("theme", [*THEMES, "readthedocs"])
def test_first_visit_asks_fairly_and_stores_nothing(visit, theme):
    journey, page = visit(theme)
    expect(page.locator(BANNER)).to_be_visible()
    buttons = page.locator(f"{BANNER} .consent-actions button")
    assert buttons.evaluate_all("els => els.map(e => e.dataset.consentAction)") == [
        "accept-all",
        "reject-all",
        "customize",
    ]
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    classes = set(buttons.evaluate_all("els => els.map(e => e.className)"))
    assert classes == {"consent-btn"}
    assert max(b["width"] for b in boxes) - min(b["width"] for b in boxes) <= 3
    assert max(b["height"] for b in boxes) - min(b["height"] for b in boxes) <= 3
    styles = buttons.evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor + getComputedStyle(e).color)"
    )
    assert len(set(styles)) == 1
    assert page.context.cookies() == []
    assert page.evaluate("Object.keys(localStorage)") == []
    assert runs(page) == (None, None)
    assert journey.foreign_requests() == []
    assert page.locator("iframe[data-src]").first.get_attribute("src") is None
    page.click(f"{BANNER} [data-consent-action=customize]")
    switches = page.locator("[data-consent-dialog] input[data-consent-category]")
    states = switches.evaluate_all(
        "els => els.map(e => [e.dataset.consentCategory, e.checked, e.disabled])"
    )
    assert states == [
        ["necessary", True, True],
        ["analytics", False, False],
        ["marketing", False, False],
    ]
    assert page.evaluate("Object.keys(localStorage)") == []
    assert journey.records() == []
    assert page.errors == []


@pytest.mark.parametrize("theme", [*THEMES, "readthedocs"])
def test_reject_all_keeps_gated_scripts_off_everywhere(visit, theme):
    journey, page = visit(theme)
    choose(page, "reject-all")
    expect(page.locator(BANNER)).to_have_count(0)
    assert runs(page) == (None, None)
    page.reload()
    assert runs(page) == (None, None)
    page.click("text=Second page") if theme != "material" else page.goto(journey.url + "/second/")
    page.wait_for_load_state()
    expect(page.locator(BANNER)).to_have_count(0)
    assert runs(page) == (None, None)
    [record] = wait_for_log(journey, 1)
    assert record.method == "reject_all"
    assert record.policy_version == journey.policy_version
    assert record.gpc is False
    assert record.denied == ["analytics", "marketing"]
    assert {cookie["name"] for cookie in page.context.cookies()} == {"consent"}, (
        "only the choice itself"
    )
    assert journey.foreign_requests() == []


@pytest.mark.parametrize("theme", THEMES)
def test_accept_all_runs_each_gated_script_once_per_page(visit, theme):
    journey, page = visit(theme)
    choose(page, "accept-all")
    expect(page.locator("iframe[data-consent-category]").first).to_have_attribute(
        "src", "/embedded.html"
    )
    assert runs(page) == (1, 1)
    page.reload()
    assert runs(page) == (1, 1)
    expect(page.frame_locator("iframe[title='Embedded video']").first.locator("p")).to_have_text(
        "Embedded content"
    )
    [record] = wait_for_log(journey, 1)
    assert (record.method, record.granted) == (
        "accept_all",
        ["analytics", "marketing", "necessary"],
    )


@pytest.mark.parametrize("theme", THEMES)
def test_customise_grants_exactly_the_chosen_category(visit, theme):
    journey, page = visit(theme)
    choose(page, "customize")
    page.check("[data-consent-dialog] input[data-consent-category=analytics]")
    page.click("[data-consent-dialog] [data-consent-action=save]")
    assert runs(page) == (1, None)
    [record] = wait_for_log(journey, 1)
    assert record.method == "custom"
    assert (record.granted, record.denied) == (["analytics", "necessary"], ["marketing"])


@pytest.mark.parametrize("theme", THEMES)
def test_withdrawal_through_the_reopen_link(visit, theme):
    journey, page = visit(theme)
    choose(page, "accept-all")
    assert {c["name"] for c in page.context.cookies()} >= {"_ea_id"}
    page.reload()
    clicks_to_withdraw = 0
    page.click("[data-consent-open]")
    clicks_to_withdraw += 1
    page.click("[data-consent-dialog] [data-consent-action=withdraw]")
    clicks_to_withdraw += 1
    assert "_ea_id" not in {c["name"] for c in page.context.cookies()}
    page.goto(journey.url + "/second/")
    assert runs(page) == (None, None)
    records = wait_for_log(journey, 2)
    assert [r.method for r in records] == ["accept_all", "withdraw"]
    assert records[0].consent_id == records[1].consent_id
    clicks_to_consent = 0
    page.click("[data-consent-open]")
    clicks_to_consent += 1
    page.click("[data-consent-dialog] [data-consent-action=accept-all]")
    clicks_to_consent += 1
    assert clicks_to_withdraw <= clicks_to_consent


@pytest.mark.parametrize("theme", THEMES)
def test_keyboard_only(visit, theme):
    journey, page = visit(theme)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('[data-consent-banner]') !== null")
    assert focused, "the banner is the first thing the keyboard reaches"
    for _ in range(6):
        if page.evaluate("document.activeElement.dataset.consentAction") == "customize":
            break
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    dialog = page.locator("[data-consent-dialog]")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.activeElement.closest('[data-consent-dialog]') !== null")
    for _ in range(25):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('[data-consent-dialog]') !== null"), (
            "focus left the dialog"
        )
    for _ in range(25):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.closest('[data-consent-dialog]') !== null"), (
            "focus left the dialog"
        )
    page.focus("[data-consent-dialog] input[data-consent-category=analytics]")
    page.keyboard.press("Space")
    assert page.is_checked("[data-consent-dialog] input[data-consent-category=analytics]")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator(BANNER)).to_be_visible()
    assert page.evaluate("Object.keys(localStorage)") == []
    page.focus(f"{BANNER} [data-consent-action=reject-all]")
    page.keyboard.press("Enter")
    expect(page.locator(BANNER)).to_have_count(0)
    assert wait_for_log(journey, 1)[0].method == "reject_all"


@pytest.mark.parametrize("theme", THEMES)
def test_global_privacy_control_keeps_marketing_off_and_says_so(visit, theme):
    journey, page = visit(theme, extra_http_headers={"Sec-GPC": "1"})
    page.add_init_script(
        "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
    )
    page.reload()
    expect(page.locator(f"{BANNER} [data-consent-gpc]")).to_be_visible()
    choose(page, "accept-all")
    assert runs(page) == (1, None)
    [record] = wait_for_log(journey, 1)
    assert record.gpc is True
    assert "marketing" in record.denied and "analytics" in record.granted
