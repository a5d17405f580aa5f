"""The legal pages say only what the config and the build know, and the Art. 13 check holds them to it."""

from __future__ import annotations

import copy
import json
import logging

import pytest
from mkdocs.exceptions import Abort, PluginError

from .conftest import BASE_PLUGIN

MINIMAL = {"categories": {"analytics": {"title": "Analytics"}}}


def _plugin(**notice: object) -> dict:
    plugin = copy.deepcopy(BASE_PLUGIN)
    plugin["privacy_notice"].update(notice)
    return plugin


def _strict_failure(build_site, plugin: dict, caplog) -> str:
    with pytest.raises((PluginError, Abort)):
        build_site(plugin=plugin)
    return caplog.text


def test_without_a_controller_there_is_no_empty_controller_line_and_strict_fails(
    build_site, caplog
):
    with caplog.at_level(logging.INFO):
        site = build_site(plugin=MINIMAL, strict=False)
    html = site.read("privacy-notice/index.html")
    assert "The controller within the meaning" not in html and 'id="controller"' not in html
    assert "set privacy_notice.controller.name" in caplog.text
    assert "set privacy_notice.controller.email" in caplog.text
    assert "privacy notice: 8/15 Art. 13 items" in caplog.text
    caplog.clear()
    assert "privacy_notice.controller.name" in _strict_failure(build_site, MINIMAL, caplog)


def test_without_an_endpoint_no_server_is_said_to_record_anything(build_site):
    site = build_site()
    notice, policy = site.read("privacy-notice/index.html"), site.read("cookie-policy/index.html")
    assert "our consent server" not in notice and "IP address shortened" not in notice
    assert "your choice does not leave your browser" in notice
    assert "<code>consent</code></td><td>Local storage" in policy
    assert "<td>Cookie</td>" not in policy.split("Example Analytics")[0]


def test_with_an_endpoint_the_cookie_the_record_and_its_retention_are_disclosed(build_site):
    plugin = {
        **_plugin(consent_log={"retention_days": 400, "ip_mode": "drop"}),
        "endpoint": "https://consent.example.com/api/v1",
        "lifetime_days": 90,
    }
    site = build_site(plugin=plugin)
    notice, policy = site.read("privacy-notice/index.html"), site.read("cookie-policy/index.html")
    assert "our consent server (consent.example.com)" in notice and "no IP address" in notice
    assert "400 days after each record is made" in notice and "after 90 days" in notice
    necessary = policy[
        policy.index('id="consent-category-necessary"') : policy.index(
            'id="consent-category-analytics"'
        )
    ]
    assert "<code>consent</code></td><td>Cookie</td>" in necessary and "90 days" in necessary
    assert "<code>consent</code></td><td>Local storage</td>" in necessary
    assert "No service in this category sets cookies" not in necessary


def test_the_server_ip_mode_is_said_neutrally_when_unknown(build_site):
    plugin = {**_plugin(consent_log={"retention_days": 30}), "endpoint": "/api/v1"}
    notice = build_site(plugin=plugin).read("privacy-notice/index.html")
    assert "shortened, hashed or left out, as the server is configured" in notice
    assert "first three bytes" not in notice


def test_an_endpoint_without_the_record_retention_fails_strict(build_site, caplog):
    plugin = {**_plugin(consent_log={}), "endpoint": "/api/v1"}
    assert "set privacy_notice.consent_log.retention_days" in _strict_failure(
        build_site, plugin, caplog
    )


def test_transfers_are_claimed_absent_only_when_the_owner_says_so(build_site):
    unknown = build_site(plugin=_plugin(transfers=[])).read("privacy-notice/index.html")
    assert "not transfer" not in unknown and 'id="transfers"' not in unknown
    stated = build_site(plugin=_plugin(transfers="none")).read("privacy-notice/index.html")
    assert (
        "We do not transfer personal data to countries outside the European Economic Area."
        in stated
    )


@pytest.mark.parametrize(
    ("notice", "key"),
    [
        ({"activities": [{"name": "Logs", "purposes": ["Security"], "legal_grounds": ["legitimate_interests"], "retention": "7 days"}]}, "privacy_notice.activities[0].legal_grounds[0].explanation"),
        ({"activities": [{"name": "Logs", "legal_grounds": ["consent"], "retention": "7 days"}]}, "privacy_notice.activities[0].purposes"),
        ({"activities": [{"name": "Logs", "purposes": ["Security"], "retention": "7 days"}]}, "privacy_notice.activities[0].legal_grounds"),
        ({"activities": [{"name": "Logs", "purposes": ["Security"], "legal_grounds": ["consent"]}]}, "privacy_notice.activities[0].retention"),
        ({"transfers": [{"recipient": "A Inc", "country": "US", "safeguard": "sccs"}]}, "privacy_notice.transfers[0].copy"),
        ({"transfers": [{"recipient": "A Inc", "country": "US"}]}, "privacy_notice.transfers[0].safeguard"),
        ({"dpo": {"name": "Jane Doe"}}, "privacy_notice.dpo.email"),
    ],
)  # fmt: skip
def test_a_missing_mandatory_item_fails_strict_naming_the_key(build_site, caplog, notice, key):
    assert f"set {key}" in _strict_failure(build_site, _plugin(**notice), caplog)


def test_the_check_counts_every_item_and_writes_its_table(build_site, caplog):
    complete = _plugin(
        representatives="none",
        dpo="none",
        recipients="none",
        transfers="none",
        automated_decisions="none",
    )
    complete["privacy_notice"]["activities"][0]["requirement"] = "voluntary"
    with caplog.at_level(logging.INFO):
        site = build_site(plugin=complete)
    assert "privacy notice: 15/15 Art. 13 items" in caplog.text
    table = json.loads(site.read("consent/notice-check.json"))
    assert (table["complete"], table["total"]) == (15, 15)
    assert {item["article"] for item in table["items"]} >= {"13(1)(a)", "13(1)(b)", "13(1)(c)", "13(1)(d)", "13(1)(e)", "13(1)(f)", "13(2)(a)", "13(2)(b)", "13(2)(c)", "13(2)(d)", "13(2)(e)", "13(2)(f)"}  # fmt: skip
    assert json.loads(site.read("consent/audit.json"))["privacy_notice"] == table
    notice = site.read("privacy-notice/index.html")
    for text in ("No representative within the meaning of Art. 27 GDPR", "We have not designated a data protection officer",
                 "We do not make decisions based solely on automated processing"):  # fmt: skip
        assert text in notice, text


def test_a_site_with_its_own_notice_is_not_checked(build_site, caplog):
    with caplog.at_level(logging.INFO):
        build_site(
            plugin=MINIMAL, pages={"index.md": "# Home\n", "privacy-notice.md": "# Our notice\n"}
        )
    assert "the site's own page, not checked" in caplog.text


def test_both_pages_link_each_other_and_the_banner_links_both(build_site):
    site = build_site(use_directory_urls=False)
    assert 'href="cookie-policy.html"' in site.read("privacy-notice.html")
    assert 'href="privacy-notice.html"' in site.read("cookie-policy.html")
    assert site.banner_config("guide/setup.html")["links"] == {
        "policy": "../cookie-policy.html",
        "privacy": "../privacy-notice.html",
    }


def test_activity_headings_are_numbered_linkable_and_in_the_toc(build_site):
    plugin = _plugin(
        activities=[
            {
                "id": "server-logs",
                "name": "Server logs",
                "purposes": ["Security"],
                "legal_grounds": [{"ground": "legitimate_interests", "explanation": "Security"}],
                "retention": "7 days",
            }
        ]
    )
    html = build_site(plugin=plugin, theme="material").read("privacy-notice/index.html")
    assert '<h3 id="server-logs">2.1 Server logs' in html
    assert (
        'href="#server-logs"' in html
        and 'href="#cookie-choices"' in html
        and 'href="#right-17"' in html
    )
    assert '<h2 id="objection">' in html and 'class="consent-objection"' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "1. November 2026"), ("fr", "1 novembre 2026"), ("ja", "2026年11月1日")],
)
def test_the_last_modified_date_is_written_as_the_language_writes_it(
    build_site, language, expected
):
    html = build_site(theme={"name": "mkdocs", "locale": language, "highlightjs": False}).read(
        "privacy-notice/index.html"
    )
    assert f'<time datetime="2026-11-01">{expected}</time>' in html


def test_the_default_theme_gets_the_page_language_from_language_too(build_site):
    site = build_site(theme={"name": "mkdocs", "language": "de", "highlightjs": False})
    assert '<html lang="de"' in site.read("privacy-notice/index.html")
    assert '<html lang="de"' in site.read("index.html")
    assert "Datenschutzerklärung" in site.read("privacy-notice/index.html")


def test_the_history_file_records_each_new_policy_version(build_site):
    first = build_site(
        plugin=_plugin(history_file="policy-history.yml", last_modified="2026-11-01")
    )
    recorded = (first.root / "policy-history.yml").read_text()
    version = first.manifest()["policy_version"]
    assert version in recorded and "2026-11-01" in recorded
    assert f"<code>{version}</code> (current version)" in first.read("privacy-notice/index.html")
