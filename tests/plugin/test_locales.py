"""Every bundled language has every string, with the same placeholders and its own punctuation."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from mkdocs_privacy_plugin.texts import available_languages, bundled, legal_languages, texts_for

EU_LANGUAGES = {"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
                "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv"}  # fmt: skip
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
LEFTOVER = re.compile(r"TODO|FIXME|XXX|TRANSLATE|\?\?\?|\{\{|\}\}")
GDPR_TERMS = {
    "de": ["Recht auf Löschung", "Recht auf Einschränkung der Verarbeitung", "Widerspruchsrecht",
           "Verantwortlicher", "Auftragsverarbeiter", "Standarddatenschutzklauseln"],
    "fr": ["droit à l\u2019effacement", "droit à la limitation du traitement", "droit d\u2019opposition",
           "responsable du traitement", "sous-traitant", "décision d\u2019adéquation"],
    "es": ["derecho de supresión", "limitación del tratamiento", "derecho de oposición",
           "encargado del tratamiento", "normas corporativas vinculantes"],
    "it": ["diritto alla cancellazione", "limitazione di trattamento", "titolare del trattamento",
           "contitolare del trattamento", "norme vincolanti d\u2019impresa"],
    "nl": ["recht op gegevenswissing", "beperking van de verwerking", "verwerkingsverantwoordelijke",
           "verwerker", "adequaatheidsbesluit"],
    "ja": ["消去の権利", "取扱いの制限の権利", "異議を述べる権利", "管理者", "処理者", "十分性認定"],
}  # fmt: skip


def _values(strings: dict) -> dict[str, str]:
    flat = {}
    for key, value in strings.items():
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            flat[f"{key}[{index}]" if isinstance(value, list) else key] = item
    return flat


def test_the_banner_speaks_every_official_eu_language_and_more():
    assert EU_LANGUAGES | {"ja", "zh", "ko", "pt-BR"} <= set(available_languages())
    assert {"en", "de", "fr", "es", "it", "nl", "ja"} <= set(legal_languages())


@pytest.mark.parametrize(
    ("legal", "languages"), [(False, available_languages()), (True, legal_languages())]
)
def test_every_locale_has_every_key_with_the_same_placeholders(legal, languages):
    english = _values(bundled("en", legal))
    for language in languages:
        strings = _values(bundled(language, legal))
        assert set(strings) == set(english), language
        for key, text in strings.items():
            assert isinstance(text, str) and text.strip(), (language, key)
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), (
                language,
                key,
            )
            assert not LEFTOVER.search(text), (language, key)


@pytest.mark.parametrize("language", [lang for lang in available_languages() if lang != "en"])
def test_banner_strings_are_translated(language):
    english, strings = bundled("en"), bundled(language)
    same = [
        key
        for key in ("banner_text", "dialog_text", "reject_all", "record_erase_confirm")
        if strings[key] == english[key]
    ]
    assert not same, (language, same)


@pytest.mark.parametrize("language", [lang for lang in legal_languages() if lang != "en"])
def test_legal_text_uses_the_gdpr_terms_of_its_language(language):
    text = " ".join(_values(bundled(language, legal=True)).values()).lower()
    for term in GDPR_TERMS[language]:
        assert term.lower() in text, (language, term)


def test_french_puts_a_no_break_space_before_high_punctuation():
    for legal in (False, True):
        for key, text in _values(bundled("fr", legal)).items():
            assert not re.search(r"[^\u00a0\u202f][:;?!](\s|$)", text.replace("://", "")), key
    assert texts_for("fr", {})["label_sep"] == "\u00a0: "


def test_japanese_sentences_end_with_the_japanese_full_stop():
    english = _values(bundled("en", legal=True))
    japanese = _values(bundled("ja", legal=True))
    for key, text in english.items():
        if (
            text.endswith(".")
            and not key.startswith("right_17_")
            and not key.startswith("right_18_")
        ):
            assert japanese[key].endswith("。"), key
    assert texts_for("ja", {})["label_sep"] == "\uff1a"


def test_regional_codes_find_their_language():
    assert texts_for("pt_BR", {})["accept_all"] == bundled("pt-BR")["accept_all"]
    assert texts_for("pt-PT", {})["accept_all"] == bundled("pt")["accept_all"]
    assert texts_for("zh-CN", {})["accept_all"] == bundled("zh")["accept_all"]
    assert texts_for("de-AT", {})["right_17_title"] == bundled("de", legal=True)["right_17_title"]


@pytest.mark.parametrize("legal", [False, True])
def test_every_locale_reads_the_same_with_libyaml_as_with_python(legal):
    """The texts load with libyaml's parser for speed; it must not read any file differently."""
    folder = resources.files("mkdocs_privacy_plugin").joinpath(
        "locales", *(["legal"] if legal else [])
    )
    for language in legal_languages() if legal else available_languages():
        text = folder.joinpath(f"{language}.yml").read_text("utf-8")
        assert bundled(language, legal) == yaml.load(text, Loader=yaml.SafeLoader), language
