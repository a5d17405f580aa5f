"""Reads a built page the way a browser's HTML tokenizer does, at the places where a fetch can be.

Tokenizing every byte of every page costs more than building it (a 1,000-page site whose pages
are 138 KB each, mostly navigation: Lexbor 1.5 ms a page, the standard library's `html.parser`
16 ms, html5lib 30 ms, against about 9 ms for MkDocs to build the page). A request to another
host needs an absolute URL, and an absolute URL contains `//`, so one literal search finds every
candidate. The standard library's HTML tokenizer (`html.parser`) then reads the start tag around
each candidate, with its exact source span, and a forward index of the page's raw-text and inert
regions (comments, `<script>`, `<style>`, `<textarea>`, `<title>`, `<noscript>`, `<template>`,
`<xmp>`, `<iframe>`, `<noembed>`, `<noframes>`, `<plaintext>`) and foreign content (`<svg>`,
`<math>`) says what the tokenizer's state is there. The index is built lazily, only as far into
the page as a candidate that may fetch needs it.

A URL that hides its `//` behind character references or backslashes is not found here; the
browser scan (`mkdocs-consent scan`) sees what the browser actually requests.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Any '<' that may open one of them; the name is checked in Python, which is several times
# faster than a case-insensitive alternation over a page of a few hundred kilobytes.
OPENER = re.compile(r"<(!--|[sStTnNxXiIpPmM][^\s/>]*)")
RAW_TEXT = {"script", "style", "textarea", "title", "noscript", "template", "xmp", "iframe",
            "noembed", "noframes", "plaintext"}  # fmt: skip
FOREIGN = {"svg", "math"}
OPENS_REGION = RAW_TEXT | FOREIGN


@dataclass(frozen=True)
class StartTag:
    """One start tag as the tokenizer read it: attribute names lowercased, values unescaped,
    the first of repeated attributes kept (as browsers do); `start`/`end` are source offsets."""

    name: str
    attrs: dict[str, str]
    start: int
    end: int
    raw: str


@dataclass(frozen=True)
class Region:
    """A run of the page the tokenizer reads as raw text or as foreign content."""

    kind: str  # the element name, or "comment"
    start: int  # of the opening tag (or "<!--")
    end: int  # after the closing tag (or "-->"); the page's end when unclosed
    tag: StartTag | None
    body_start: int
    body_end: int


class _FirstStartTag(HTMLParser):
    """The standard library's tokenizer, asked for the first start tag of a piece of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: tuple[str, list[tuple[str, str | None]], str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is None:
            self.found = (tag, attrs, self.get_starttag_text() or "")

    handle_startendtag = handle_starttag


_reader = _FirstStartTag()
_tag_cache: dict[str, tuple[str, dict[str, str], str] | None] = {}


def read_start_tag(page: str, start: int) -> StartTag | None:
    """The start tag that begins at `start` (a '<'), or None when none does.

    Pages of one site repeat the same tags (the theme's head, its scripts), so each distinct
    tag text is tokenized once per build.
    """
    close = page.find(">", start)
    if close < 0 or not page[start + 1 : start + 2].isascii() or not page[start + 1].isalpha():
        return None  # a start tag's name begins with an ASCII letter
    key = page[start : close + 1]
    quoted = '"' in key or "'" in key
    if key in _tag_cache:
        cached = _tag_cache[key]
    else:
        cached = _tokenize(page, start, key, quoted)
        # without quotes the tag ends at the first '>': the same text is always the same tag
        if not quoted or (cached is not None and len(cached[2]) == len(key)):
            if len(_tag_cache) > 50_000:
                _tag_cache.clear()
            _tag_cache[key] = cached
    if cached is None:
        return None
    name, attrs, raw = cached
    return StartTag(name, attrs, start, start + len(raw), raw)


def _tokenize(
    page: str, start: int, key: str, quoted: bool
) -> tuple[str, dict[str, str], str] | None:
    """Run the tokenizer from `start`, one '>' at a time until the tag is complete (a quoted
    attribute value may hold a '>')."""
    _reader.reset()
    _reader.found = None
    _reader.feed(key)
    window, end = key, start + len(key)
    while _reader.found is None and quoted and end < len(page) and len(window) < 1 << 22:
        close = page.find(">", end)
        more = page[end : close + 1 if close >= 0 else len(page)]
        _reader.feed(more)
        window += more
        end += len(more)
    found = _reader.found
    if found is None or not window.startswith(found[2]):
        return None  # no start tag here, or one that starts later in the window
    name, pairs, raw = found
    attrs: dict[str, str] = {}
    for attr_name, value in pairs:
        attrs.setdefault(attr_name, value or "")
    return name, attrs, raw


@dataclass
class PageIndex:
    """The raw-text, inert and foreign regions of one page, found from its start on demand."""

    page: str
    regions: list[Region] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    scanned: int = 0
    known_until: int = -1

    def region_at(self, position: int) -> Region | None:
        """The innermost region that contains `position` and began before it."""
        self._index_until(position)
        for index in range(bisect.bisect_left(self.starts, position) - 1, -1, -1):
            region = self.regions[index]
            if region.start < position < region.end:
                return region
        return None

    def _index_until(self, position: int) -> None:
        """Find every region that starts before `position`."""
        page = self.page
        while self.known_until < position:
            match = OPENER.search(page, self.scanned)
            if match is None:
                self.known_until = len(page) + 1
                return
            if match.start() >= position:
                self.known_until = match.start()
                return
            if match.group(1) != "!--" and match.group(1).lower() not in OPENS_REGION:
                self.scanned = match.end()
                continue
            self.known_until = match.start()
            region = self._region_from(match)
            if region is None:
                self.scanned = match.end()
                continue
            self.regions.append(region)
            self.starts.append(region.start)
            # foreign content is tokenized as markup; raw text and comments are skipped whole
            self.scanned = region.body_start if region.kind in FOREIGN else region.end

    def _region_from(self, match: re.Match[str]) -> Region | None:
        page, start = self.page, match.start()
        if match.group(1) == "!--":
            close = page.find("-->", start + 4)
            end = len(page) if close < 0 else close + 3
            return Region("comment", start, end, None, start + 4, close if close >= 0 else end)
        tag = read_start_tag(page, start)
        if tag is None:
            return None
        if tag.name in FOREIGN:
            end = _foreign_end(page, tag.name, tag.end)
            return Region(tag.name, start, end, tag, tag.end, end)
        if tag.name == "plaintext":
            return Region(tag.name, start, len(page), tag, tag.end, len(page))
        closer = re.compile(rf"</{tag.name}[\s/>]", re.IGNORECASE).search(page, tag.end)
        if closer is None:
            return Region(tag.name, start, len(page), tag, tag.end, len(page))
        close_end = page.find(">", closer.end() - 1) + 1 or len(page)
        return Region(tag.name, start, close_end, tag, tag.end, closer.start())


def _foreign_end(page: str, name: str, position: int) -> int:
    """After the `</svg>` (or `</math>`) that closes the element, counting nested ones."""
    pattern = re.compile(rf"<(/?){name}[\s/>]", re.IGNORECASE)
    depth = 1
    for match in pattern.finditer(page, position):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return page.find(">", match.start()) + 1 or len(page)
    return len(page)


def enclosing_start_tag(page: str, position: int) -> StartTag | None:
    """The start tag whose text contains `position`, or None when it lies in text.

    Looks back over a few '<' because one may sit inside an attribute value (`alt="<3"`).
    """
    less_than = page.rfind("<", 0, position)
    for _ in range(4):
        if less_than < 0:
            return None
        tag = read_start_tag(page, less_than)
        if tag is not None:
            return tag if tag.end > position else None
        less_than = page.rfind("<", 0, less_than)
    return None


def end_of_element(page: str, tag: StartTag) -> tuple[int, int]:
    """(start, end) of the closing tag of `tag`'s element, or (end of page, end of page)."""
    closer = re.compile(rf"</{tag.name}\s*>", re.IGNORECASE).search(page, tag.end)
    if closer is None:
        return len(page), len(page)
    return closer.start(), closer.end()
