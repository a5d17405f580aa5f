"""The dashboard in headless Chromium: sign in, charts from real records, filter, download, sign out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .helpers import ADMIN_TOKEN, VALID_BODY, post_consent
from .live import serve

pytestmark = pytest.mark.browser
HOSTILE_AGENT = '<img src=x onerror="window.owned=1"><script>window.owned=2</script>'


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


def sign_in(page, base: str, token: str) -> None:
    page.goto(base + "/admin/")
    page.fill("#token", token)
    page.click("button[type=submit]")


def test_wrong_token_is_refused_in_the_browser(page, live_app):
    sign_in(page, live_app, "wrong-token")
    assert page.get_by_role("alert").inner_text() == "That token is not valid."
    assert page.url.endswith("/admin/sign-in")


def test_admin_signs_in_sees_charts_filters_downloads_and_signs_out(page, live_app):
    sign_in(page, live_app, ADMIN_TOKEN)
    page.wait_for_selector("body[data-loaded=true]")
    assert page.inner_text("#summary").startswith("3 records")
    assert page.locator("#chart-decisions rect").count() == 3
    assert sorted(page.locator("#chart-decisions rect").evaluate_all("els => els.map(e => e.dataset.series)")) == [
        "accept_all", "custom", "reject_all",
    ]  # fmt: skip
    widths = page.locator("#chart-categories rect").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.category, +e.getAttribute('width')]))"
    )
    assert widths["analytics"] > widths["marketing"] > 1
    assert page.locator("#records tbody tr").count() == 3
    assert page.evaluate("window.owned") is None
    assert HOSTILE_AGENT in page.inner_text("#records")

    page.fill("input[name=since]", "2000-01-01")
    page.fill("input[name=until]", "2000-01-02")
    page.click("#filters button[type=submit]")
    expect(page.locator("#summary")).to_have_text(re.compile("^0 records"))
    assert page.locator("#chart-decisions rect").count() == 0

    page.fill("input[name=since]", "")
    page.fill("input[name=until]", "")
    page.click("#filters button[type=submit]")
    expect(page.locator("#summary")).to_have_text(re.compile("^3 records"))
    with page.expect_download() as download_info:
        page.click("#download-jsonl")
    lines = Path(download_info.value.path()).read_text().splitlines()
    assert [json.loads(line)["method"] for line in lines] == ["accept_all", "reject_all", "custom"]

    page.click("[data-action=sign-out]")
    page.wait_for_url("**/admin/sign-in")
    page.goto(live_app + "/admin/")
    assert page.url.endswith("/admin/sign-in")
