"""Fixed-up embeds and scripts load nothing from a third party before consent, and load after it."""

from __future__ import annotations

import copy
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ..conftest import CHROMIUM_ARGS, CHROMIUM_PATH
from .conftest import PAGES, PLUGIN, build_site

pytestmark = pytest.mark.browser
THIRD_PARTY = "www.video.test"


class ThirdParty(BaseHTTPRequestHandler):
    """Stands in for a video provider: an embed page and a tag script."""

    def do_GET(self) -> None:
        body, kind = (
            (b"window.videoTagRuns = (window.videoTagRuns || 0) + 1;", "text/javascript")
            if self.path.endswith(".js")
            else (b"<!doctype html><title>Player</title><p>Video player</p>", "text/html")
        )
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def third_party():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ThirdParty)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()


@pytest.fixture
def mapped_browser(playwright):
    """A browser that resolves the provider's host to the local stand-in."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM_PATH,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {THIRD_PARTY} 127.0.0.1"],
    )
    yield browser
    browser.close()


@pytest.fixture
def embed_site(tmp_path, third_party):
    base = f"http://{THIRD_PARTY}:{third_party}"
    plugin = copy.deepcopy(PLUGIN)
    plugin["categories"]["media"] = {"title": "Videos", "description": "Embedded videos."}
    plugin["services"].append(
        {"name": "Video", "id": "video", "provider": "Video Inc", "category": "media",
         "hosts": ["video.test"], "privacy_policy_url": "https://www.video.test/privacy"}
    )  # fmt: skip
    pages = {
        **PAGES,
        "index.md": "# Videos\n\n"
        f'<iframe src="{base}/embed/abc" title="Video" width="320" height="180"></iframe>\n\n'
        f'<script src="{base}/tag.js"></script>\n',
    }
    return build_site(tmp_path / "embeds", "mkdocs", plugin, pages)


def open_page(browser, serve_site, site):
    journey = serve_site(site)
    page = browser.new_context().new_page()
    page.on("request", lambda request: journey.requests.append(request.url))
    page.goto(journey.url + "/")
    return journey, page


def provider_requests(journey) -> list[str]:
    return [url for url in journey.requests if urlsplit(url).hostname == THIRD_PARTY]


def test_nothing_loads_from_the_provider_before_consent(mapped_browser, serve_site, embed_site):
    journey, page = open_page(mapped_browser, serve_site, embed_site)
    placeholder = page.locator("[data-consent-embed]")
    expect(placeholder).to_contain_text("This content is provided by Video Inc")
    expect(placeholder.locator("a")).to_have_attribute("href", "https://www.video.test/privacy")
    page.click("[data-consent-banner] [data-consent-action=reject-all]")
    page.wait_for_timeout(300)
    assert provider_requests(journey) == []
    assert page.evaluate("window.videoTagRuns ?? null") is None


def test_load_this_content_grants_only_that_service(mapped_browser, serve_site, embed_site):
    journey, page = open_page(mapped_browser, serve_site, embed_site)
    page.click("[data-consent-banner] [data-consent-action=reject-all]")
    page.click("[data-consent-embed] [data-consent-action=load-service]")
    expect(page.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video player")
    assert provider_requests(journey)
    assert page.evaluate("window.videoTagRuns") == 1
    choice = page.evaluate("window.consent.get()")
    assert choice["services"] == {"video": True} and choice["choices"]["media"] is False
    page.wait_for_function("JSON.parse(localStorage.getItem('consent')).pending === undefined")
    last = journey.records()[-1]
    assert last.granted_services == ["video"] and "media" in last.denied


def test_always_allow_grants_the_category(mapped_browser, serve_site, embed_site):
    _, page = open_page(mapped_browser, serve_site, embed_site)
    page.click("[data-consent-embed] [data-consent-action=allow-category]")
    expect(page.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video player")
    assert page.evaluate("window.consent.get().choices.media") is True
    page.reload()
    expect(page.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video player")
