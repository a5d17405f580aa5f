"""The generated pages, the manifest and its version, escaping, and the site's own pages."""

from __future__ import annotations

import copy
import re

import pytest

from .conftest import BASE_PLUGIN, HOSTILE, PAGES


def test_cookie_policy_lists_categories_services_and_cookies(build_site):
    site = build_site()
    html = site.read("cookie-policy/index.html")
    for text in ("What cookies are", "Analytics", "Marketing", "Necessary", "Example Analytics (Example Ltd)",
                 "<code>_ea*</code>", "Tells visits apart", "13 months", "Changing or withdrawing your choice",
                 "data-consent-open", "data-consent-self-service", "https://analytics.example.com/privacy"):  # fmt: skip
        assert text in html, text


def test_privacy_notice_has_the_structure_of_a_gdpr_notice(build_site):
    site = build_site()
    html = site.read("privacy-notice/index.html")
    for text in ("Example GmbH", "Street 1, Berlin", "mailto:privacy@example.com", "Server logs",
                 "Legitimate interests pursued by us or by a third party (Art. 6(1)(f) GDPR)",
                 "Consent (Art. 6(1)(a) GDPR)", "Your cookie choices", "7 days", "Example Inc",
                 "United States", "Standard contractual clauses", "Berlin DPA", "Changes to this notice",
                 '<time datetime="2026-11-01">November 1, 2026</time>'):  # fmt: skip
        assert text in html, text
    sections = re.findall(r'<h2 id="([a-z0-9-]+)">(\d+)\. ', html)
    assert [anchor for anchor, _ in sections] == [
        "controller",
        "activities",
        "recipients",
        "transfers",
        "objection",
        "rights",
        "changes",
    ]
    assert [int(number) for _, number in sections] == list(range(1, 8))
    rights = re.findall(r'<h3 id="(right-[0-9-]+)">', html)
    assert rights == [
        "right-7-3",
        "right-15",
        "right-16",
        "right-17",
        "right-18",
        "right-19",
        "right-20",
        "right-22",
        "right-77",
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Alle ablehnen"), ("fr", "Tout refuser"), ("ja", "すべて拒否")],
)
def test_strings_follow_the_theme_language(build_site, language, expected):
    site = build_site(theme={"name": "material", "font": False, "language": language}, strict=False)
    assert site.banner_config("index.html")["texts"]["reject_all"] == expected
    assert site.banner_config("index.html")["lang"] == language


def test_missing_language_falls_back_to_english_with_a_warning(build_site, caplog):
    site = build_site(plugin={**BASE_PLUGIN, "language": "eo"}, strict=False)
    assert site.banner_config("index.html")["texts"]["reject_all"] == "Reject all"
    assert any("no strings for language 'eo'" in r.getMessage() for r in caplog.records)


def test_texts_can_be_overridden(build_site):
    plugin = {**BASE_PLUGIN, "languages": {"en": {"accept_all": "Allow everything"}}}
    site = build_site(plugin=plugin)
    assert site.banner_config("index.html")["texts"]["accept_all"] == "Allow everything"


def test_manifest_holds_what_visitors_agree_to(build_site):
    manifest = build_site().manifest()
    assert re.fullmatch(r"[0-9a-f]{12}", manifest["policy_version"])
    assert [c["id"] for c in manifest["categories"]] == ["necessary", "analytics", "marketing"]
    assert manifest["categories"][0]["required"] is True
    assert manifest["services"][0]["id"] == "example-analytics"
    assert manifest["services"][0]["cookies"][0]["name"] == "_ea*"
    assert "en" in manifest["texts"]


def _version(build_site, plugin=None, **site) -> str:
    return build_site(plugin=plugin, **site).manifest()["policy_version"]


def test_version_is_stable_and_changes_with_what_is_agreed_to(build_site):
    original = _version(build_site)
    assert _version(build_site) == original
    assert _version(build_site, pages={**PAGES, "more.md": "# More\n"}) == original
    changed_category = copy.deepcopy(BASE_PLUGIN)
    changed_category["categories"]["analytics"]["description"] = "Counts visits and clicks."
    changed_cookie = copy.deepcopy(BASE_PLUGIN)
    changed_cookie["services"][0]["cookies"][0]["duration"] = "2 years"
    changed_text = {**BASE_PLUGIN, "languages": {"en": {"banner_text": "New words."}}}
    versions = {
        _version(build_site, plugin) for plugin in (changed_category, changed_cookie, changed_text)
    }
    assert original not in versions and len(versions) == 3


def test_hostile_strings_are_escaped_everywhere(build_site):
    plugin = copy.deepcopy(BASE_PLUGIN)
    plugin["categories"]["analytics"]["title"] = HOSTILE
    plugin["categories"]["analytics"]["description"] = HOSTILE
    plugin["services"][0]["name"] = HOSTILE
    plugin["services"][0]["cookies"][0]["purpose"] = HOSTILE
    plugin["privacy_notice"]["controller"]["name"] = HOSTILE
    plugin["privacy_notice"]["controller"]["email"] = 'x@example.com"><script>alert(3)</script>'
    plugin["languages"] = {"en": {"banner_title": HOSTILE}}
    site = build_site(plugin=plugin)
    for page in site.html_pages():
        html = page.read_text()
        assert "<script>alert" not in html, page
        assert "<img src=x" not in html, page
    config = site.banner_config("index.html")
    assert config["categories"][1]["title"] == HOSTILE
    assert site.manifest()["services"][0]["name"] == HOSTILE


def test_site_name_is_escaped_in_generated_pages(build_site):
    site = build_site(site_name="Docs <b>&</b> more")
    html = site.read("cookie-policy/index.html")
    assert "which cookies and similar technologies Docs &lt;b&gt;&amp;&lt;/b&gt; more uses" in html
    assert site.manifest()["site_name"] == "Docs <b>&</b> more"


def test_site_keeps_its_own_policy_page_and_can_embed_the_tables(build_site):
    own = "# Our cookies\n\nWritten by us.\n\n<!-- consent:cookie-tables -->\n\n<!-- consent:self-service -->\n"
    site = build_site(pages={**PAGES, "cookie-policy.md": own})
    html = site.read("cookie-policy/index.html")
    assert "Written by us." in html
    assert "What cookies are" not in html
    assert "<code>_ea*</code>" in html and "data-consent-self-service" in html
    assert "consent-record.js" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"categories": {"analytics": {"description": "no title"}}}, "title"),
        ({"services": [{"name": "X", "category": "video"}]}, "services[0].category"),
        ({"endpoint": "ftp://consent.example.com"}, "'endpoint'"),
        ({"endpoint": "consent.example.com/api"}, "'endpoint'"),
        ({"lifetime_days": 0}, "'lifetime_days'"),
        ({"categories": {"Bad Id": {"title": "X"}}}, "categories.Bad Id"),
        ({"audit": "loud"}, "audit"),
        ({"consent_mode": {"video": ["ad_storage"]}}, "consent_mode.video"),
        ({"consent_mode": {"analytics": ["cookies_storage"]}}, "consent_mode.analytics"),
        ({"cookie_policy_path": "../outside.md"}, "cookie_policy_path"),
        (
            {"privacy_notice": {"activities": [{"name": "X", "legal_ground": "because"}]}},
            "legal_ground",
        ),
        (
            {
                "services": [
                    {"name": "A", "category": "analytics"},
                    {"name": "a", "category": "analytics"},
                ]
            },
            "used by two services",
        ),
    ],
)
def test_invalid_options_fail_the_build_naming_the_option(build_site, caplog, change, message):
    from mkdocs.exceptions import Abort, PluginError

    plugin = {**BASE_PLUGIN, **change}
    with pytest.raises((PluginError, Abort)) as failure:
        build_site(plugin=plugin)
    assert message in str(failure.value) + caplog.text
