"""One rule for every URL the site owner gives: only https:, http: and mailto: become links.

Browsers drop tabs and newlines anywhere in a URL and control characters or spaces at its ends
before they read the scheme, so the scheme is read the same way here: "java\\nscript:" is
"javascript:".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

ALLOWED_SCHEMES = ("https", "http", "mailto")
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "cite", "xlink:href", "srcset"}


def _as_browser_reads(url: str) -> str:
    return re.sub(r"[\t\n\r]", "", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                              "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
                                              "\x1a\x1b\x1c\x1d\x1e\x1f ")  # fmt: skip


def scheme_of(url: str) -> str | None:
    match = SCHEME.match(_as_browser_reads(url))
    return match.group(1).lower() if match else None


def link_problem(url: str, *, relative: bool) -> str | None:
    """Why `url` may not become a link, or None; `relative` allows paths and fragments."""
    scheme = scheme_of(url)
    if scheme is None:
        return None if relative else "expected an absolute https:, http: or mailto: URL"
    if scheme not in ALLOWED_SCHEMES:
        return f"the scheme {scheme + ':'!r} is not allowed (use https:, http: or mailto:)"
    if re.search(r"[\x00-\x20\x7f]", url):
        return "a URL cannot contain spaces or control characters"
    if scheme != "mailto" and not urlsplit(url).netloc:
        return "an http(s) URL needs a host, e.g. https://example.com/"
    if scheme == "mailto" and len(url) <= len("mailto:"):
        return "a mailto: URL needs an address"
    return None


def checked_url(url: str, option: str) -> str:
    problem = link_problem(url, relative=False)
    if problem:
        raise ValueError(f"{option}: {problem}, got {url!r}")
    return url


class SafeURL(c.OptionallyRequired[str]):
    """A config option for a link target: https:, http: or mailto: only."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"expected a URL, got {type(value).__name__}")
        problem = link_problem(value, relative=False)
        if problem:
            raise ValidationError(f"{problem}, got {value!r}")
        return value


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"the attribute {name!r} is not allowed in text")
            elif name in URL_ATTRIBUTES and value is not None:
                for candidate in value.split(",") if name == "srcset" else [value]:
                    problem = link_problem(candidate.strip().split(" ")[0], relative=True)
                    if problem:
                        self.problems.append(f"link to {candidate.strip()!r}: {problem}")


def html_link_problems(html: str) -> list[str]:
    """Every link or script attribute in rendered HTML that breaks the URL rule."""
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    return collector.problems
