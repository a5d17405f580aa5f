"""The corporate notice example (examples/corporate-notice), built on three themes in four languages.

It expresses a real corporate notice, section by section: each build must show every section and
activity, pass every Art. 13 item, and, where the owner gave a translation, show no English text
from the config on a German, French or Japanese page. Each combination is built once per session.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

EXAMPLE = Path(__file__).parents[2] / "examples" / "corporate-notice"
THEMES = {
    "mkdocs": lambda lang: {"name": "mkdocs", "locale": lang, "highlightjs": False},
    "readthedocs": lambda lang: {"name": "readthedocs", "locale": lang, "highlightjs": False},
    "material": lambda lang: {"name": "material", "language": lang, "font": False},
}
LANGUAGES = ("en", "de", "fr", "ja")
SECTIONS = ["controller", "general", "activities", "recipients", "transfers", "hosting", "security",
            "objection", "rights", "children", "changes", "outside-eu"]  # fmt: skip
SUBSECTIONS = ["controller-identity", "representatives", "dpo", "log-files", "software-download",
               "contact-form", "newsletter", "cookie-choices", "consent-analytics", "right-7-3",
               "right-15", "right-16", "right-17", "right-18", "right-19", "right-20", "right-22",
               "right-77", "exercise"]  # fmt: skip
TITLES = {"en": "Privacy notice", "de": "Datenschutzerklärung", "fr": "Politique de confidentialité", "ja": "プライバシー通知"}  # fmt: skip


def _english_texts(value: object, language: str) -> set[str]:
    """Every English text the owner gave together with a different `language` translation."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "en" in value and len(value) > 1 and all(isinstance(v, str) for v in value.values()):
            return {value["en"]} if value.get(language) not in (None, value["en"]) else set()
        for item in value.values():
            found |= _english_texts(item, language)
    elif isinstance(value, list):
        for item in value:
            found |= _english_texts(item, language)
    return found


def _plain_texts(value: object) -> list[str]:
    """The texts given once for every language (names, addresses), where English may stand."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "en" in value and len(value) > 1:
            return []
        return [text for item in value.values() for text in _plain_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _plain_texts(item)]
    return []


def _text(html: str) -> str:
    main = html[html.index("<h1") :]
    blocks = re.sub(r"<(br|/?p|/?li|/?dd|/?dt|/?td|/?th|/?tr|/?h\d|/?address)\b[^>]*>", " ", main)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", blocks)).split())


@pytest.fixture(scope="session")
def corporate_site(tmp_path_factory) -> Iterator[Callable[[str, str], tuple[Path, str]]]:
    built: dict[tuple[str, str], tuple[Path, str]] = {}
    config = yaml.safe_load((EXAMPLE / "mkdocs.yml").read_text(encoding="utf-8"))

    def get(theme: str, language: str) -> tuple[Path, str]:
        if (theme, language) not in built:
            root = tmp_path_factory.mktemp(f"corporate-{theme}-{language}")
            shutil.copytree(EXAMPLE / "docs", root / "docs")
            site = {**config, "theme": THEMES[theme](language), "site_dir": str(root / "out")}
            (root / "mkdocs.yml").write_text(
                yaml.safe_dump(site, allow_unicode=True), encoding="utf-8"
            )
            build(load_config(str(root / "mkdocs.yml"), strict=True))
            built[theme, language] = (
                root / "out",
                (root / "out" / "privacy-notice/index.html").read_text("utf-8"),
            )
        return built[theme, language]

    yield get


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("theme", THEMES)
def test_every_section_and_activity_is_there_in_order(corporate_site, theme, language):
    site, html = corporate_site(theme, language)
    assert re.findall(r'<h2 id="([a-z0-9-]+)"', html) == SECTIONS
    subsections = re.findall(r'<h3 id="([a-z0-9-]+)"', html)
    assert subsections == SUBSECTIONS
    assert TITLES[language] in html
    assert f'lang="{language}"' in html[:400]
    for anchor in SECTIONS + SUBSECTIONS:
        assert f'href="#{anchor}"' in html, anchor
    check = json.loads((site / "consent/notice-check.json").read_text())
    assert (check["complete"], check["total"]) == (15, 15), [
        i
        for i in check["items"]
        if i["status"] not in ("present", "stated absent", "not applicable")
    ]


@pytest.mark.parametrize("language", ("de", "fr", "ja"))
@pytest.mark.parametrize("theme", THEMES)
def test_no_english_owner_text_on_a_translated_page(corporate_site, theme, language):
    config = yaml.safe_load((EXAMPLE / "mkdocs.yml").read_text(encoding="utf-8"))
    consent = config["plugins"][1]["consent"]
    plain = " ".join(" ".join(text.split()) for text in _plain_texts(consent))
    english = {
        text for text in _english_texts(consent, language) if " ".join(text.split()) not in plain
    }
    site, html = corporate_site(theme, language)
    pages = _text(html) + " " + _text((site / "cookie-policy/index.html").read_text("utf-8"))
    leaked = sorted(text for text in english if " ".join(text.split()) in pages)
    assert not leaked


def test_the_reference_notice_is_reproduced_in_full(corporate_site):
    _, html = corporate_site("material", "en")
    text = _text(html)
    for expected in (
        "Representative in the Union (Art. 27 GDPR)", "Representative for the Americas", "Fax: +49 40 0000-99",
        "We have not designated a data protection officer", "IP address", "Browser type and version",
        "User name and password", "Your message (optional)", "The legitimate interest: Preventing misuse of the form",
        "The contract: Providing the newsletter subscription you asked for", "Logic involved: Each newsletter contains a one-pixel image",
        "Hosting service Example Optics Scientific Americas Corp. United States Standard data protection clauses",
        "Obtaining a copy: Ask for a copy of the clauses", "Your explicit consent to the transfer (Art. 49(1)(a) GDPR)",
        "Possible risks: For this country there is neither an adequacy decision", "Adequacy decision of the European Commission",
        "Pages on which you enter personal data are served only over TLS-encrypted connections",
        "Use our request form for your request.", "Verifying your identity:", "Fees: The first copy under Art. 15 is free of charge",
        "Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit", "If you are under 16",
        "Last modified: April 3, 2026", "First version of this notice", "Japanese Act on the Protection of Personal Information",
    ):  # fmt: skip
        assert expected in text, expected


@pytest.mark.parametrize(
    ("language", "date", "label"),
    [
        ("de", "3. April 2026", "Stand: "),
        ("fr", "3 avril 2026", "Dernière mise à jour\u00a0: "),
        ("ja", "2026年4月3日", "最終更新日\uff1a"),
    ],
)
def test_dates_and_punctuation_follow_the_language(corporate_site, language, date, label):
    _, html = corporate_site("mkdocs", language)
    assert f'{label}<time datetime="2026-04-03">{date}</time>' in html
