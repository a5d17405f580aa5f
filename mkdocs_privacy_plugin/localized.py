"""Owner text in one language or several: `"text"` or `{en: "text", de: "Text"}`.

A plain string is the same on every language's page. A mapping gives each language its own;
a page whose language is missing uses the default language's text and the build says so,
naming the option and the language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")
EVERY_LANGUAGE = "*"


@dataclass(frozen=True)
class LocalText:
    """A text by language code; the key `*` holds a text for every language."""

    by_language: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, value: object) -> LocalText:
        if isinstance(value, LocalText):
            return value
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return cls(((EVERY_LANGUAGE, str(value)),))
        if isinstance(value, dict) and value:
            pairs = []
            for key, text in value.items():
                if not isinstance(key, str) or not LANGUAGE_CODE.match(key):
                    raise ValueError(f"{key!r} is not a language code (such as en, de, pt-BR)")
                if not isinstance(text, str):
                    raise ValueError(f"the {key} text must be a string")
                pairs.append((key, text))
            return cls(tuple(pairs))
        raise ValueError(
            "expected a text, or a mapping of language codes to texts: {en: ..., de: ...}"
        )

    def languages(self) -> set[str]:
        return {key for key, _ in self.by_language if key != EVERY_LANGUAGE}

    def pick(self, language: str, default: str) -> tuple[str, bool]:
        """The text for `language`, and whether it came from another language."""
        texts = dict(self.by_language)
        if EVERY_LANGUAGE in texts:
            return texts[EVERY_LANGUAGE], False
        base = language.replace("_", "-").split("-")[0]
        for candidate in (language, language.replace("_", "-"), base):
            if candidate in texts:
                return texts[candidate], False
        for fallback in (default, "en"):
            if fallback in texts:
                return texts[fallback], True
        return next(iter(texts.values())), True

    def __bool__(self) -> bool:
        return any(text for _, text in self.by_language)


Warn = Callable[[str, str], None]


def resolve(value: Any, language: str, default: str, warn: Warn, path: str) -> Any:
    """The same structure with every LocalText replaced by its text for `language`.

    The notice's parts are mappings (MkDocs configs), so they come out as plain dicts with the
    keys of mkdocs.yml, ready for templates that know nothing of the config classes.
    """
    if isinstance(value, LocalText):
        text, fell_back = value.pick(language, default)
        if fell_back:
            warn(path, language)
        return text
    if isinstance(value, list | tuple):
        return [
            resolve(item, language, default, warn, f"{path}[{index}]")
            for index, item in enumerate(value)
        ]
    if isinstance(value, Mapping):
        return {
            key: resolve(item, language, default, warn, f"{path}.{key}")
            for key, item in value.items()
        }
    return value


def languages_in(value: Any) -> set[str]:
    """Every language code any text in `value` is given in."""
    if isinstance(value, LocalText):
        return value.languages()
    if isinstance(value, Mapping):
        items = list(value.values())
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return set()
    found: set[str] = set()
    for item in items:
        found |= languages_in(item)
    return found
