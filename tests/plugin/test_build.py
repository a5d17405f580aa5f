"""Real builds on each theme: the banner on every page, with URLs that resolve."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from mkdocs_privacy_plugin import assets
from mkdocs_privacy_plugin.inject import HeadInjector

from .conftest import BASE_PLUGIN

ASSET_REFERENCES = re.compile(r'(?:href|src)="([^"]*assets/consent/consent\.(?:js|css))"')


def resolve(site_dir: Path, page: Path, reference: str) -> Path:
    if reference.startswith("/"):
        return site_dir / reference.lstrip("/")
    return Path(posixpath.normpath((page.parent / reference).as_posix()))


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_page_gets_the_banner_with_resolving_urls(build_site, theme, directory_urls):
    site = build_site(theme=theme, use_directory_urls=directory_urls)
    pages = site.html_pages()
    assert any(page.name == "404.html" for page in pages)
    for page in pages:
        html = page.read_text()
        if "<head" not in html:
            continue
        assert html.count('id="consent-config"') == 1, page
        references = ASSET_REFERENCES.findall(html)
        assert len(references) == 2, page
        for reference in references:
            assert resolve(site.dir, page, reference).is_file(), (page, reference)


def test_404_uses_root_relative_asset_urls(build_site):
    site = build_site()
    assert 'src="/assets/consent/consent.js"' in site.read("404.html")


def test_links_to_policy_pages_resolve_from_nested_pages(build_site):
    site = build_site(use_directory_urls=False)
    config = site.banner_config("guide/setup.html")
    assert config["links"] == {
        "policy": "../cookie-policy.html",
        "privacy": "../privacy-notice.html",
    }


def test_charset_stays_first(build_site):
    site = build_site(theme="mkdocs")
    html = site.read("index.html")
    assert html.index("charset") < html.index('id="consent-config"')


@pytest.mark.parametrize(
    "page",
    [
        '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body></body></html>',
        '<!-- <meta charset="utf-8"> --><html><head><meta charset="utf-8"></head><body></body></html>',
        '<html><head data-x="1"><title>no charset</title></head><body></body></html>',
    ],
)
def test_the_snippet_goes_right_after_the_charset_or_the_head_and_nothing_else_moves(page):
    injected = HeadInjector({"endpoint": None}, "").inject(page, "", {})
    snippet = HeadInjector({"endpoint": None}, "").snippet("", {})
    head = page.index("<head")
    charset = page.find('<meta charset="utf-8">', head)
    at = charset + len('<meta charset="utf-8">') if charset >= 0 else page.index(">", head) + 1
    assert injected == page[:at] + snippet + page[at:]


def test_assets_are_shipped_minified(build_site):
    site = build_site()
    javascript = site.read("assets/consent/consent.js")
    source = assets.source("consent.js")
    assert "window.consent=" in javascript
    assert len(javascript) < 0.5 * len(source)
    assert "\n  " not in javascript


def test_two_builds_with_one_plugin_instance_do_not_duplicate(tmp_path, build_site):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = build_site()
    config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.dir), strict=True)
    build(config)
    build(config)
    html = site.read("index.html")
    assert html.count('id="consent-config"') == 1
    assert html.count("assets/consent/consent.js") == 1


def test_material_own_banner_is_warned_about(build_site, caplog):
    build_site(theme="material", strict=False, extra={"consent": {"title": "Cookies"}})
    assert any("two banners" in record.getMessage() for record in caplog.records)


def test_consent_mode_defaults_come_first(build_site):
    site = build_site(plugin={**BASE_PLUGIN, "consent_mode": True})
    html = site.read("index.html")
    assert html.index("gtag('consent','default'") < html.index("consent.js")
    assert site.banner_config("index.html")["consentMode"] == {
        "analytics": ["analytics_storage"],
        "marketing": ["ad_storage", "ad_user_data", "ad_personalization"],
    }


def test_gpc_declaration_is_published(build_site):
    site = build_site()
    assert '"gpc": true' in site.read(".well-known/gpc.json")


def test_every_page_carries_only_the_settings_that_switch_something_on(build_site):
    site = build_site()
    config = site.banner_config("index.html")
    necessary, analytics, _ = config["categories"]
    assert necessary["required"] is True and "required" not in analytics and "gpc" not in analytics
    assert "consentMode" not in config and "endpoint" not in config
    assert "methods" not in config, "the decision names are the self-service block's"
    [block] = re.findall(r"data-texts=\"([^\"]*)\"", site.read("cookie-policy/index.html"))
    assert "method_accept_all" in block
