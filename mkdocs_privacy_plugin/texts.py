"""Banner and page strings per language, with the site owner's overrides on top."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)
DEFAULT_LANGUAGE = "en"


@cache
def available_languages() -> tuple[str, ...]:
    folder = resources.files(__package__).joinpath("locales")
    return tuple(
        sorted(entry.name[:-4] for entry in folder.iterdir() if entry.name.endswith(".yml"))
    )


@cache
def _bundled(language: str) -> dict[str, str]:
    text = resources.files(__package__).joinpath("locales", f"{language}.yml").read_text("utf-8")
    return yaml.safe_load(text)


def texts_for(language: str, overrides: dict[str, dict[str, str]]) -> dict[str, str]:
    """Strings for `language` (e.g. `de` or `de-CH`), falling back to English with a warning."""
    base = language.split("-")[0].split("_")[0].lower() if language else DEFAULT_LANGUAGE
    if base not in available_languages():
        if base not in overrides:
            log.warning(
                "no strings for language %r (have: %s); using English",
                language,
                ", ".join(available_languages()),
            )
        strings = dict(_bundled(DEFAULT_LANGUAGE))
    else:
        strings = dict(_bundled(base))
    custom = overrides.get(language) or overrides.get(base) or {}
    unknown = sorted(set(custom) - set(strings))
    if unknown:
        log.warning("languages.%s: unknown text keys ignored: %s", base, ", ".join(unknown))
    strings.update({key: value for key, value in custom.items() if key in strings})
    return strings
