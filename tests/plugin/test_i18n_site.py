"""A multilingual site built with mkdocs-static-i18n: each language gets its own pages and banner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

CONSENT = {
    "endpoint": "/api/v1",
    "categories": {
        "analytics": {
            "title": {"en": "Analytics", "de": "Statistik", "fr": "Statistiques"},
            "description": {"en": "Counts visits.", "de": "Zählt Besuche.", "fr": "Compte les visites."},
        }
    },
    "privacy_notice": {
        "controller": {"name": "Multi Ltd", "email": "privacy@multi.example.com"},
        "consent_log": {"retention_days": 365},
        "activities": [
            {
                "id": "server-logs",
                "name": {"en": "Server logs", "de": "Serverprotokolle", "fr": "Journaux du serveur"},
                "purposes": [{"en": "Keeping the site secure", "de": "Sicherheit der Website", "fr": "Sécurité du site"}],
                "legal_grounds": [{"ground": "legitimate_interests", "explanation": {"en": "Stopping attacks", "de": "Angriffe abwehren", "fr": "Bloquer les attaques"}}],
                "retention": {"en": "Seven days", "de": "Sieben Tage", "fr": "Sept jours"},
            }
        ],
    },
}  # fmt: skip
EXPECTED = {
    "en": ("Privacy notice", "Server logs", "Reject all", "Analytics"),
    "de": ("Datenschutzerklärung", "Serverprotokolle", "Alle ablehnen", "Statistik"),
    "fr": ("Politique de confidentialité", "Journaux du serveur", "Tout refuser", "Statistiques"),
}
PREFIX = {"en": "", "de": "de/", "fr": "fr/"}


@pytest.fixture(scope="module", params=["material", "mkdocs"])
def i18n_site(request, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp(f"i18n-{request.param}")
    docs = root / "docs"
    docs.mkdir()
    for suffix, text in (("", "# Home\n"), (".de", "# Start\n"), (".fr", "# Accueil\n")):
        (docs / f"index{suffix}.md").write_text(text, encoding="utf-8")
    theme = (
        {"name": "material", "language": "en", "font": False}
        if request.param == "material"
        else {"name": "mkdocs", "highlightjs": False}
    )
    config = {
        "site_name": "Multi",
        "site_url": "https://multi.example.com/",
        "theme": theme,
        "plugins": [
            "search",
            {"i18n": {"docs_structure": "suffix", "languages": [
                {"locale": "en", "default": True, "name": "English", "build": True},
                {"locale": "de", "name": "Deutsch", "build": True},
                {"locale": "fr", "name": "Français", "build": True},
            ]}},
            {"consent": CONSENT},
        ],
    }  # fmt: skip
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "out"), strict=True))
    return root / "out"


def _banner(html: str) -> dict:
    return json.loads(re.search(r'id="consent-config">(.*?)</script>', html).group(1))


@pytest.mark.parametrize("language", EXPECTED)
def test_each_language_gets_its_own_notice_policy_and_banner(i18n_site, language):
    title, activity, reject, category = EXPECTED[language]
    notice = (i18n_site / PREFIX[language] / "privacy-notice/index.html").read_text("utf-8")
    policy = (i18n_site / PREFIX[language] / "cookie-policy/index.html").read_text("utf-8")
    assert title in notice and activity in notice and category in policy
    banner = _banner((i18n_site / PREFIX[language] / "index.html").read_text("utf-8"))
    assert banner["lang"] == language and banner["texts"]["reject_all"] == reject
    assert banner["categories"][1]["title"] == category
    assert banner["links"] == {"policy": "cookie-policy/", "privacy": "privacy-notice/"}
    assert 'href="../cookie-policy/"' in notice and 'href="../privacy-notice/"' in policy
    others = [EXPECTED[other][1] for other in EXPECTED if other != language]
    assert not [text for text in others if text in notice]


def test_one_manifest_holds_every_language_under_one_version(i18n_site):
    manifest = json.loads((i18n_site / "consent/manifest.json").read_text())
    assert set(manifest["texts"]) == {"en", "de", "fr"}
    assert manifest["translations"]["de"]["categories"][1]["title"] == "Statistik"
    audit = json.loads((i18n_site / "consent/audit.json").read_text())
    assert audit["privacy_notice"]["total"] == 15
    versions = {
        _banner((i18n_site / PREFIX[lang] / "index.html").read_text("utf-8"))["policyVersion"]
        for lang in EXPECTED
    }
    assert versions == {manifest["policy_version"]}
