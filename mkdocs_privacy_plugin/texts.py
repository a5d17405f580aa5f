"""Banner and page strings per language, with the site owner's overrides on top.

`locales/LANG.yml` holds what the banner, the dialog and the self-service block show;
`locales/legal/LANG.yml` holds the cookie policy and privacy notice, written in the terms of
that language's version of the GDPR. A language without bundled legal text gets the English
pages (with a warning) unless the owner gives the texts under `languages`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)
DEFAULT_LANGUAGE = "en"
# libyaml's parser when PyYAML has it (its wheels do): the bundled texts load in a tenth of the time
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REGIONAL = {"pt-br": "pt-BR", "pt_br": "pt-BR", "zh-cn": "zh", "zh-hans": "zh", "zh_cn": "zh"}


def _names(folder: str) -> tuple[str, ...]:
    entries = resources.files(__package__).joinpath(*folder.split("/")).iterdir()
    return tuple(sorted(entry.name[:-4] for entry in entries if entry.name.endswith(".yml")))


@cache
def available_languages() -> tuple[str, ...]:
    return _names("locales")


@cache
def legal_languages() -> tuple[str, ...]:
    return _names("locales/legal")


@cache
def bundled(language: str, legal: bool = False) -> dict[str, Any]:
    parts = ("locales", "legal", f"{language}.yml") if legal else ("locales", f"{language}.yml")
    text = resources.files(__package__).joinpath(*parts).read_text("utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader, C or Python)


def bundled_code(language: str, have: tuple[str, ...]) -> str | None:
    """The bundled file for `de-CH` is `de`; `pt-BR` keeps its own when there is one."""
    wanted = REGIONAL.get(language.lower(), language)
    base = wanted.replace("_", "-").split("-")[0].lower()
    for candidate in (wanted, base):
        if candidate in have:
            return candidate
    return None


def texts_for(language: str, overrides: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Strings for `language` (e.g. `de` or `de-CH`), falling back to English with a warning."""
    language = language or DEFAULT_LANGUAGE
    custom = _custom(language, overrides)
    ui_code = bundled_code(language, available_languages())
    legal_code = bundled_code(language, legal_languages())
    if ui_code is None and not custom:
        log.warning(
            "no strings for language %r (have: %s); using English",
            language,
            ", ".join(available_languages()),
        )
    strings = dict(bundled(ui_code or DEFAULT_LANGUAGE))
    legal = bundled(legal_code or DEFAULT_LANGUAGE, legal=True)
    if legal_code is None and not set(legal) <= set(custom):
        log.warning(
            "no bundled legal text for language %r (have: %s): the cookie policy and privacy "
            "notice use English where languages.%s gives no text",
            language,
            ", ".join(legal_languages()),
            language,
        )
    strings.update(legal)
    unknown = sorted(set(custom) - set(strings))
    if unknown:
        log.warning("languages.%s: unknown text keys ignored: %s", language, ", ".join(unknown))
    strings.update({key: value for key, value in custom.items() if key in strings})
    return strings


def _custom(language: str, overrides: dict[str, dict[str, str]]) -> dict[str, str]:
    base = language.replace("_", "-").split("-")[0]
    return overrides.get(language) or overrides.get(base) or {}
