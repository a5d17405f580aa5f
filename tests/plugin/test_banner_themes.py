"""The banner inside the themes: their dark switches, Material's search, and the dialog's switches."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser
BANNER = "[data-consent-banner]"
DIALOG = "[data-consent-dialog]"
LIGHT, DARK = "rgb(255, 255, 255)", "rgb(30, 34, 40)"
TOP_LEVEL = "2147483000"


def background(page, selector: str = BANNER) -> str:
    return page.locator(selector).evaluate("e => getComputedStyle(e).backgroundColor")


def test_banner_follows_the_mkdocs_theme_dark_toggle(build_site, serve, chromium):
    theme = {"name": "mkdocs", "highlightjs": True, "user_color_mode_toggle": True}
    site = build_site(theme=theme, strict=False)  # highlight.js from a CDN: the audit warns
    url, _ = serve(site.dir)
    context = chromium.new_context(color_scheme="light")
    context.route("https://cdnjs.cloudflare.com/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector(BANNER)

    def pick(mode: str) -> None:
        page.click("#theme-menu")
        page.click(f"[data-bs-theme-value={mode}]")
        assert page.get_attribute("html", "data-bs-theme") == ("dark" if mode != "light" else mode)

    assert background(page) == LIGHT
    pick("dark")
    assert background(page) == DARK, "the theme's switch wins over the system's light"
    page.emulate_media(color_scheme="dark")
    pick("light")
    assert background(page) == LIGHT, "the theme's switch wins over the system's dark"
    pick("auto")
    assert background(page) == DARK
    page.click(f"{BANNER} [data-consent-action=customize]")
    assert background(page, f"{DIALOG} .consent-box") == DARK
    context.close()


def test_banner_goes_below_materials_search_while_it_is_open(build_site, serve, chromium):
    site = build_site(theme="material")
    url, _ = serve(site.dir)
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector(BANNER)
    banner = page.locator(BANNER)
    box = banner.bounding_box()
    center = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    on_top = "([x, y]) => document.elementFromPoint(x, y).closest('[data-consent-banner]') !== null"
    assert page.evaluate(on_top, center)

    page.click(".md-search__input")
    page.keyboard.type("welcome")
    assert page.is_checked("#__search"), "the search is open"
    page.wait_for_selector(".md-search__overlay", state="visible")
    page.wait_for_timeout(400)  # Material fades the overlay in
    assert banner.evaluate("e => getComputedStyle(e).zIndex") == "3"
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).zIndex") == "4"
    assert not page.evaluate(on_top, center), "the search overlay covers the banner"
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", center)
    assert "md-search" in hit
    opener = page.locator("[data-consent-open]")
    assert opener.evaluate("e => getComputedStyle(e).zIndex") == "3"

    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")
    assert banner.evaluate("e => getComputedStyle(e).zIndex") == TOP_LEVEL
    assert page.evaluate(on_top, center), "back on top once the search is closed"
    context.close()


def checked(page, selector: str) -> bool:
    return page.is_checked(f"{DIALOG} {selector}")


CATEGORY = "input[data-consent-category=analytics]"
SERVICE = "input[data-consent-service=example-analytics]"


def test_a_services_box_follows_its_category_in_the_dialog(build_site, serve, page):
    site = build_site()
    url, _ = serve(site.dir)
    page.goto(url + "/")
    page.click(f"{BANNER} [data-consent-action=customize]")
    page.click(f"{DIALOG} fieldset:has({CATEGORY}) summary")
    assert not checked(page, SERVICE)
    page.check(f"{DIALOG} {CATEGORY}")
    assert checked(page, SERVICE), "switching the category on allows its services"
    page.uncheck(f"{DIALOG} {CATEGORY}")
    assert not checked(page, SERVICE)
    page.check(f"{DIALOG} {SERVICE}")
    assert not checked(page, CATEGORY), "one service never grants its category"
    page.click(f"{DIALOG} [data-consent-action=save]")
    stored = json.loads(page.evaluate("localStorage.getItem('consent')"))
    assert stored["choices"] == {"analytics": False, "marketing": False}
    assert stored["services"] == {"example-analytics": True}

    page.click("[data-consent-open]")
    page.click(f"{DIALOG} fieldset:has({CATEGORY}) summary")
    assert checked(page, SERVICE) and not checked(page, CATEGORY), "reopened as saved"
    page.check(f"{DIALOG} {CATEGORY}")
    page.uncheck(f"{DIALOG} {SERVICE}")
    assert not checked(page, CATEGORY), "a category is all its services or not allowed"
    page.click(f"{DIALOG} [data-consent-action=accept-all]")

    page.click("[data-consent-open]")
    page.click(f"{DIALOG} fieldset:has({CATEGORY}) summary")
    assert checked(page, CATEGORY) and checked(page, SERVICE), "after accept all, both show it"
