"""The built banner in headless Chromium: gated scripts, the stored choice, and the wire contract."""

from __future__ import annotations

import json

import pytest

from .conftest import BASE_PLUGIN

pytestmark = pytest.mark.browser
BANNER = "[data-consent-banner]"
GATED = """# Home

<script type="text/plain" data-consent-category="analytics">
window.gatedRuns = (window.gatedRuns || 0) + 1; document.cookie = "_ea_test=1; path=/";
</script>
<iframe title="Example embed" data-consent-category="analytics" data-src="/embedded.html"></iframe>
"""
PAGES = {
    "index.md": GATED,
    "embedded.html": "<!doctype html><title>Embedded</title><p>Embedded</p>",
}


@pytest.fixture
def open_site(build_site, serve, page):
    """Build a site with a gated script, serve it, open it in a fresh browser context."""

    def open_(theme: str = "mkdocs", plugin: dict | None = None):
        site = build_site(plugin=plugin, theme=theme, pages=PAGES)
        url, api = serve(site.dir)
        page.goto(url + "/")
        page.wait_for_selector(BANNER)
        return site, api, page

    return open_


def stored(page) -> dict | None:
    return json.loads(page.evaluate("localStorage.getItem('consent')") or "null")


def runs(page) -> int | None:
    return page.evaluate("window.gatedRuns ?? null")


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_reject_all_keeps_the_gated_script_from_running(open_site, theme):
    site, _, page = open_site(theme)
    assert page.evaluate("Object.keys(localStorage)") == []
    assert page.context.cookies() == []
    page.click(f"{BANNER} [data-consent-action=reject-all]")
    assert page.locator(BANNER).count() == 0
    assert runs(page) is None
    assert page.get_attribute("iframe[data-consent-category]", "src") is None
    page.reload()
    page.wait_for_selector("[data-consent-open]")
    assert page.locator(BANNER).count() == 0, "the choice is remembered"
    assert runs(page) is None
    assert page.evaluate("Object.keys(localStorage)") == ["consent"]
    choice = stored(page)
    assert choice["method"] == "reject_all"
    assert choice["choices"] == {"analytics": False, "marketing": False}
    assert choice["policy_version"] == site.manifest()["policy_version"]
    assert page.context.cookies() == []


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_accept_all_runs_the_gated_script_exactly_once(open_site, theme):
    _, _, page = open_site(theme)
    page.click(f"{BANNER} [data-consent-action=accept-all]")
    assert runs(page) == 1
    assert page.get_attribute("iframe[data-consent-category]", "src") == "/embedded.html"
    page.evaluate("window.consent.open()")
    page.click("[data-consent-dialog] [data-consent-action=save]")
    assert runs(page) == 1, "deciding again on the same page does not run it twice"
    page.reload()
    page.wait_for_function("window.gatedRuns === 1")
    assert stored(page)["choices"] == {"analytics": True, "marketing": True}


def test_change_listeners_and_api(open_site):
    _, _, page = open_site()
    assert page.evaluate("window.consent.get()") is None
    page.evaluate(
        "window.changes = []; window.consent.on('change', c => window.changes.push(c.method))"
    )
    page.click(f"{BANNER} [data-consent-action=customize]")
    dialog = page.locator("[data-consent-dialog]")
    assert dialog.get_attribute("role") == "dialog" and dialog.get_attribute("aria-modal") == "true"
    page.keyboard.press("Escape")
    assert page.evaluate("window.changes") == [], "Escape closes without deciding"
    assert page.locator(BANNER).count() == 1
    page.click(f"{BANNER} [data-consent-action=customize]")
    page.check("[data-consent-dialog] input[data-consent-category=analytics]")
    page.click("[data-consent-dialog] [data-consent-action=save]")
    assert page.evaluate("window.changes") == ["custom"]
    assert page.evaluate("window.consent.get().choices") == {"analytics": True, "marketing": False}
    assert runs(page) == 1


def test_decisions_and_withdrawal_follow_the_server_contract(open_site):
    site, api, page = open_site(plugin={**BASE_PLUGIN, "endpoint": "/api/v1"})
    assert api.requests == [], "nothing is sent before a choice"
    page.click(f"{BANNER} [data-consent-action=accept-all]")
    page.wait_for_function("JSON.parse(localStorage.getItem('consent')).token === 'token-1'")
    [sent] = api.requests
    assert sent["method"] == "POST"
    assert sent["headers"]["Content-Type"] == "application/json"
    assert "X-Consent-Token" not in sent["headers"]
    body = sent["body"]
    assert body["choices"] == {"analytics": True, "marketing": True}
    assert body["method"] == "accept_all"
    assert body["policy_version"] == site.manifest()["policy_version"]
    assert body["language"] == "en"
    assert body["page_url"] == page.url
    choice = stored(page)
    assert choice["consent_id"] == "cid-1" and "pending" not in choice
    assert "_ea_test" in {cookie["name"] for cookie in page.context.cookies()}

    page.click("[data-consent-open]")
    page.click("[data-consent-dialog] [data-consent-action=withdraw]")
    assert page.locator("[data-consent-dialog]").count() == 0
    assert page.evaluate("window.consent.get().choices") == {"analytics": False, "marketing": False}
    assert "_ea_test" not in {cookie["name"] for cookie in page.context.cookies()}
    page.wait_for_function("!('pending' in JSON.parse(localStorage.getItem('consent')))")
    withdrawal = api.requests[-1]
    assert withdrawal["method"] == "DELETE"
    assert withdrawal["headers"]["X-Consent-Token"] == "token-1"


def test_a_server_that_is_down_never_blocks_the_visitor(open_site):
    _, api, page = open_site(plugin={**BASE_PLUGIN, "endpoint": "/api/v1"})
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    api.status = 503
    page.click(f"{BANNER} [data-consent-action=accept-all]")
    assert runs(page) == 1, "the choice applies at once"
    page.wait_for_function("window.consent && true")
    page.wait_for_timeout(300)
    assert any("will be sent later" in text for text in warnings)
    assert stored(page)["pending"] == "decision"
    first_key = api.requests[0]["headers"]["Idempotency-Key"]
    api.status = 201
    page.reload()
    page.wait_for_function("!('pending' in JSON.parse(localStorage.getItem('consent')))")
    assert [r["headers"]["Idempotency-Key"] for r in api.requests] == [first_key, first_key]
    assert stored(page)["token"] == "token-2"
    assert errors == []


def test_global_privacy_control_keeps_marketing_off_and_says_so(build_site, serve, chromium):
    site = build_site(pages=PAGES)
    url, _ = serve(site.dir)
    context = chromium.new_context()
    context.add_init_script(
        "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
    )
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector(f"{BANNER} [data-consent-gpc]")
    page.click(f"{BANNER} [data-consent-action=accept-all]")
    assert stored(page)["choices"] == {"analytics": True, "marketing": False}
    assert stored(page)["method"] == "custom"
    context.close()


FIRST_SIGHT = """
window.__shifts = 0;
new PerformanceObserver(list => list.getEntries().forEach(e => { window.__shifts += e.value; }))
  .observe({type: "layout-shift", buffered: true});
new MutationObserver((_, observer) => {
  const banner = document.querySelector("[data-consent-banner]");
  if (!banner) return;
  window.__firstPosition = getComputedStyle(banner).position;
  observer.disconnect();
}).observe(document, {subtree: true, childList: true});
"""


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_banner_appears_styled_and_fixed_on_a_small_screen(build_site, serve, chromium, theme):
    site = build_site(theme=theme, pages=PAGES)
    url, _ = serve(site.dir)
    context = chromium.new_context(viewport={"width": 360, "height": 640})
    context.add_init_script(FIRST_SIGHT)
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector(BANNER)
    assert page.evaluate("window.__firstPosition") == "fixed", "never shown unstyled, in the flow"
    assert (
        page.locator("[data-consent-open]").evaluate("e => getComputedStyle(e).position") == "fixed"
    )
    box = page.locator(BANNER).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for action in ("accept-all", "reject-all", "customize"):
        assert page.locator(f"{BANNER} [data-consent-action={action}]").is_visible()
    context.close()


def test_banner_causes_no_layout_shift(build_site, serve, chromium):
    """Material shifts nothing by itself, so any shift there would be the banner's."""
    site = build_site(theme="material", pages=PAGES)
    url, _ = serve(site.dir)
    context = chromium.new_context()
    context.add_init_script(FIRST_SIGHT)
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector(BANNER)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__shifts") == 0
    page.click(f"{BANNER} [data-consent-action=customize]")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__shifts") == 0
    context.close()


def test_banner_links_the_cookie_policy_and_the_privacy_notice(build_site, serve, page):
    site = build_site(pages={**PAGES, "guide/setup.md": "# Setup\n"})
    url, _ = serve(site.dir)
    for expected_href, heading in (
        ("../../cookie-policy/", "Cookie policy"),
        ("../../privacy-notice/", "Privacy notice"),
    ):
        page.goto(url + "/guide/setup/")
        link = page.locator(f"{BANNER} a", has_text=heading)
        assert link.get_attribute("href") == expected_href
        assert link.evaluate("a => a.closest('[aria-describedby]') !== null")
        link.click()
        page.wait_for_selector("h1")
        assert page.locator("h1").first.inner_text() == heading


def test_without_an_endpoint_nothing_is_kept_to_be_sent(open_site):
    _, api, page = open_site()
    page.click(f"{BANNER} [data-consent-action=reject-all]")
    page.evaluate("window.consent.open()")
    page.click("[data-consent-dialog] [data-consent-action=accept-all]")
    assert stored(page)["method"] == "accept_all"
    assert not {"pending", "request_id", "undelivered", "page_url"} & set(stored(page))
    assert api.requests == []


def test_a_decision_the_server_refuses_is_not_sent_again(open_site):
    _, api, page = open_site(plugin={**BASE_PLUGIN, "endpoint": "/api/v1"})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.text.startswith("consent:") else None)
    api.status = 422
    page.click(f"{BANNER} [data-consent-action=accept-all]")
    page.wait_for_function("!('pending' in JSON.parse(localStorage.getItem('consent')))")
    assert any("answered 422" in text for text in errors)
    page.reload()
    page.wait_for_selector("[data-consent-open]")
    page.wait_for_timeout(300)
    assert len(api.requests) == 1
    assert stored(page)["choices"] == {"analytics": True, "marketing": True}
