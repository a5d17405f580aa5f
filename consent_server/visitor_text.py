"""What text a visitor may send: no control characters, no bidi controls, no lone surrogates,
URLs that parse, JSON nested only as deep as a decision needs.

Such characters have no place in a page URL, a user agent or an origin: stored as they came they
hide or reorder text in the dashboard, a terminal or a spreadsheet (a bidi override makes
`fdp.exe` read as `exe.pdf`), and a lone surrogate cannot even be encoded to be stored. These
checks only say what is wrong; validation.py turns that into the API's 400.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# C0 and C1 controls and DEL; the bidi embeddings, overrides, isolates and marks (U+061C,
# U+200E/F, U+202A-E, U+2066-9); and lone surrogates, which strict JSON decoders let through.
UNSAFE_CHARACTER = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
SURROGATE = re.compile("[\ud800-\udfff]")
MAX_JSON_DEPTH = 8
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
NOT_A_BRACKET = re.compile(r"[^\[\]{}]")
URL_SCHEMES = ("http", "https")
# What a browser sends as Origin is `null` or scheme://host[:port]; other clients are allowed a
# trailing slash or an odd host (CORS is granted only to configured origins anyway), not text.
ORIGIN = re.compile(r"^(null|[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@\\]+/?)$")


def describe(character: str) -> str:
    """A character as a message can show it safely: `U+202E`."""
    return f"U+{ord(character):04X}"


def unsafe_character(text: str) -> str | None:
    """The first control, bidi or surrogate character in `text`, described; None when clean."""
    found = UNSAFE_CHARACTER.search(text)
    return describe(found.group()) if found else None


def has_surrogate(text: str) -> bool:
    return SURROGATE.search(text) is not None


def url_problem(value: str) -> str | None:
    """Why `value` is not a clean absolute http(s) URL, or None when it is one."""
    bad = unsafe_character(value)
    if bad:
        return f"holds the character {bad}"
    if any(character.isspace() for character in value):
        return "holds white space"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (reading it checks the port)
    except ValueError as error:
        return f"does not parse ({error})"
    if parts.scheme not in URL_SCHEMES:
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host"
    return None


def origin_problem(value: str) -> str | None:
    """Why an Origin header is not shaped like `null` or scheme://host[:port], or None."""
    bad = unsafe_character(value)
    if bad:
        return f"holds the character {bad}"
    if not ORIGIN.fullmatch(value):
        return "is not an origin like https://docs.example.com"
    return None


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text, brackets inside strings not counted.

    Measured on the text before it is parsed, so a body nested thousands deep is refused without
    the parser recursing into it.
    """
    depth = deepest = 0
    for bracket in NOT_A_BRACKET.sub("", JSON_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def header_text(raw: str) -> str:
    """A header value as the visitor's software meant it: HTTP carries bytes, which WSGI hands
    over as Latin-1; UTF-8 is decoded, anything else kept as Latin-1."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw
