"""The notice model in mkdocs.yml: old shapes still build, new shapes render, bad ones are named."""

from __future__ import annotations

import copy
import logging

import pytest
from mkdocs.exceptions import Abort, PluginError

from .conftest import BASE_PLUGIN


def _with_notice(**notice: object) -> dict:
    plugin = copy.deepcopy(BASE_PLUGIN)
    plugin["privacy_notice"].update(notice)
    return plugin


def _failure(build_site, plugin: dict, caplog) -> str:
    with pytest.raises((PluginError, Abort)) as failure:
        build_site(plugin=plugin)
    return str(failure.value) + caplog.text


def test_the_earlier_one_ground_shape_still_builds(build_site):
    html = build_site().read("privacy-notice/index.html")
    assert 'data-ground="legitimate_interests"' in html
    assert "The legitimate interest" in html and "Keeping the site secure" in html


def test_an_empty_dpo_of_the_earlier_shape_says_nothing(build_site):
    html = build_site(plugin=_with_notice(dpo={})).read("privacy-notice/index.html")
    assert 'id="dpo"' not in html


def test_an_activity_rests_on_several_grounds_each_explained(build_site):
    newsletter = {
        "name": "Newsletter",
        "purposes": ["Sending the newsletter"],
        "legal_grounds": [
            {"ground": "consent", "explanation": "Your subscription"},
            {"ground": "contract", "explanation": "The subscription you asked for"},
            {"ground": "legitimate_interests", "explanation": "Proving the opt-in"},
            "vital_interests",
            {"ground": "public_task", "explanation": "A statutory archive"},
            {"ground": "legal_obligation", "explanation": "Tax law"},
        ],
        "special_categories": {"data": ["Health data"], "condition": "explicit_consent"},
        "retention": "Until you unsubscribe",
        "requirement": {"kind": "contractual", "consequences": "No newsletter"},
    }
    html = build_site(plugin=_with_notice(activities=[newsletter])).read(
        "privacy-notice/index.html"
    )
    section = html[html.index('data-activity="newsletter"') :]
    grounds = [
        g
        for g in (
            "consent",
            "contract",
            "legitimate_interests",
            "vital_interests",
            "public_task",
            "legal_obligation",
        )
    ]
    positions = [section.index(f'data-ground="{g}"') for g in grounds]
    assert positions == sorted(positions)
    for text in ("Art. 6(1)(b) GDPR", "The contract", "The subscription you asked for", "Art. 6(1)(d) GDPR",
                 "Art. 6(1)(e) GDPR", "Art. 9(2)(a) GDPR", "Health data", "contractual requirement", "No newsletter"):  # fmt: skip
        assert text in section, text


@pytest.mark.parametrize(
    ("notice", "named"),
    [
        ({"activities": [{"name": "X", "legal_grounds": [{"ground": "because"}]}]}, "privacy_notice.activities[0].legal_grounds[0].ground"),
        ({"activities": [{"name": "X", "legal_ground": "consent", "legal_grounds": ["consent"]}]}, "legal_grounds (a list) or the older legal_ground"),
        ({"representatives": "nobody"}, "privacy_notice.representatives"),
        ({"transfers": [{"recipient": "A", "country": "US", "safeguard": "derogation"}]}, "privacy_notice.transfers[0]"),
        ({"controler": {"name": "Typo"}}, "privacy_notice.controler"),
        ({"activities": [{"name": {"english": "X"}}]}, "privacy_notice.activities[0].name"),
        ({"activities": [{"name": "A"}, {"name": "A"}]}, "used twice"),
        ({"dpo": {"name": "Jane", "mail": "jane@example.com"}}, "privacy_notice.dpo"),
    ],
)  # fmt: skip
def test_a_wrong_shape_fails_naming_the_key(build_site, caplog, notice, named):
    assert named in _failure(build_site, _with_notice(**notice), caplog)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"services": [{**BASE_PLUGIN["services"][0], "privacy_policy_url": "javascript://%0aalert(1)"}]}, "privacy_policy_url"),
        ({"privacy_notice": {**BASE_PLUGIN["privacy_notice"], "authority": {"name": "DPA", "url": "javascript:alert(1)"}}}, "privacy_notice.authority.url"),
        ({"privacy_notice": {**BASE_PLUGIN["privacy_notice"], "controller": {"name": "A", "web_form": "data:text/html,<script>alert(1)</script>"}}}, "privacy_notice.controller.web_form"),
        ({"privacy_notice": {**BASE_PLUGIN["privacy_notice"], "rights_requests": {"url": "JAVASCRIPT:alert(1)"}}}, "privacy_notice.rights_requests.url"),
        ({"privacy_notice": {**BASE_PLUGIN["privacy_notice"], "rights_requests": {"url": "java\nscript:alert(1)"}}}, "privacy_notice.rights_requests.url"),
        ({"privacy_notice": {**BASE_PLUGIN["privacy_notice"], "activities": [{"name": "A", "description": "[click](javascript:alert(1))"}]}}, "privacy_notice.activities[0].description"),
        ({"privacy_notice": {**BASE_PLUGIN["privacy_notice"], "security": "![x](vbscript:msgbox)"}}, "privacy_notice.security"),
    ],
)  # fmt: skip
def test_only_https_http_and_mailto_become_links(build_site, caplog, change, named):
    message = _failure(build_site, {**BASE_PLUGIN, **change}, caplog)
    assert named in message
    assert "https:, http: or mailto:" in message or "not allowed" in message


def test_markdown_attributes_cannot_add_script_handlers(build_site, caplog):
    plugin = _with_notice(security='*safe*{: onclick="alert(1)"}')
    with pytest.raises((PluginError, Abort)) as failure:
        build_site(plugin=plugin, markdown_extensions=["attr_list"])
    assert "privacy_notice.security" in str(failure.value) + caplog.text


def test_owner_markdown_keeps_safe_links_and_shows_html_as_text(build_site):
    plugin = _with_notice(
        security="Ask [our team](https://example.com/security) or <script>alert(1)</script>."
    )
    html = build_site(plugin=plugin).read("privacy-notice/index.html")
    assert '<a href="https://example.com/security">our team</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_text_overrides_are_plain_text_even_in_headings(build_site):
    hostile = "[click](javascript:alert(1))"
    plugin = {
        **BASE_PLUGIN,
        "languages": {
            "en": {
                "pn_rights_title": hostile,
                "cookie_policy_title": hostile,
                "cp_what_text": hostile,
            }
        },
    }
    site = build_site(plugin=plugin)
    for page in ("privacy-notice/index.html", "cookie-policy/index.html"):
        html = site.read(page)
        assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
        assert "[click](javascript:alert(1))" in html


def test_a_text_by_language_uses_its_own_or_warns_naming_option_and_language(build_site, caplog):
    activity = {"name": {"en": "Server logs", "de": "Serverprotokolle"}, "purposes": ["Security"],
                "legal_grounds": [{"ground": "legal_obligation", "explanation": {"en": "Tax law", "de": "Steuerrecht"}}],
                "retention": {"en": "7 days", "de": "7 Tage"}}  # fmt: skip
    plugin = _with_notice(activities=[activity])
    german = build_site(
        plugin=plugin, theme={"name": "mkdocs", "locale": "de", "highlightjs": False}
    ).read("privacy-notice/index.html")
    assert "Serverprotokolle" in german and "Steuerrecht" in german and "7 Tage" in german
    assert "Server logs" not in german and "Tax law" not in german
    with caplog.at_level(logging.WARNING):
        french = build_site(
            plugin=plugin,
            theme={"name": "mkdocs", "locale": "fr", "highlightjs": False},
            strict=False,
        )
    assert "Server logs" in french.read("privacy-notice/index.html")
    assert "privacy_notice.activities[0].name has no 'fr' text" in caplog.text


def test_category_and_cookie_texts_take_a_language_mapping(build_site):
    plugin = copy.deepcopy(BASE_PLUGIN)
    plugin["categories"]["analytics"] = {
        "title": {"en": "Analytics", "de": "Statistik"},
        "description": {"en": "Counts visits.", "de": "Zählt Besuche."},
    }
    plugin["categories"]["marketing"] = {"title": {"en": "Marketing", "de": "Werbung"}}
    plugin["services"][0]["purpose"] = {"en": "Counts page views", "de": "Zählt Seitenaufrufe"}
    plugin["services"][0]["cookies"][0].update(
        purpose={"en": "Tells visits apart", "de": "Unterscheidet Besuche"},
        duration={"en": "13 months", "de": "13 Monate"},
    )
    site = build_site(plugin=plugin, theme={"name": "material", "language": "de", "font": False})
    html = site.read("cookie-policy/index.html")
    for text in (
        "Statistik",
        "Zählt Besuche.",
        "Zählt Seitenaufrufe",
        "Unterscheidet Besuche",
        "13 Monate",
        "Notwendig",
    ):
        assert text in html, text
    assert site.banner_config("index.html")["categories"][1]["title"] == "Statistik"
    assert site.manifest()["categories"][1]["title"] == "Statistik"
    assert site.manifest()["default_language"] == "de"
