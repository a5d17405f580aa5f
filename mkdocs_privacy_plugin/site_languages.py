"""Which languages a build speaks: one, or each of mkdocs-static-i18n's in turn.

mkdocs-static-i18n builds the default language first and then rebuilds the site once per
other language, calling every plugin's events again; its `current_language` says which pass
this is. Without it, the language is the plugin's `language`, else the theme's `language`
(Material) or `locale` (mkdocs, readthedocs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig

HTML_LANG = re.compile(r'(<html\b[^>]*?\blang=")([^"]*)(")', re.IGNORECASE)
LANG_ATTRIBUTE_THEMES = ("mkdocs", "readthedocs")


@dataclass(frozen=True)
class Languages:
    current: str
    default: str
    all: tuple[str, ...]
    i18n: bool = False


def languages_of(config: MkDocsConfig, option: str | None) -> Languages:
    i18n = config.plugins.get("i18n")
    if i18n is not None and hasattr(i18n, "build_languages"):
        default = str(i18n.default_language)
        current = str(i18n.current_language or default)
        others = [str(language) for language in i18n.build_languages if language != default]
        return Languages(current, default, (default, *others), i18n=True)
    theme = config.theme.get("language") or config.theme.get("locale") or "en"
    language = option or str(theme)
    return Languages(language, language, (language,))


def with_page_language(html: str, config: MkDocsConfig, language: str) -> str:
    """mkdocs and readthedocs take `lang` from `theme.locale`: give `theme.language` its due."""
    if config.theme.name not in LANG_ATTRIBUTE_THEMES:
        return html
    match = HTML_LANG.search(html, 0, 2048)
    if match is None or match.group(2).replace("_", "-").lower() == language.lower():
        return html
    if match.group(2) not in ("en", "") or language.split("-")[0] == "en":
        return html
    return html[: match.start(2)] + language + html[match.end(2) :]
