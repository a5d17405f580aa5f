"""The page scanner reads markup as a browser's tokenizer does: what fetches, and what only looks
like it."""

from __future__ import annotations

import pytest

from mkdocs_privacy_plugin import fixups
from mkdocs_privacy_plugin.markup import PageIndex, read_start_tag
from mkdocs_privacy_plugin.references import page_references


def fetched(page: str) -> set[tuple[str, str]]:
    return {(reference.element, reference.url) for reference in page_references(page)}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ('<img title="a>b" src=https://a.test/x.png>', {("img[src]", "https://a.test/x.png")}),
        ("<IMG SRC=https://b.test/x.png>", {("img[src]", "https://b.test/x.png")}),
        ('<img alt="<3" src="https://q.test/x">', {("img[src]", "https://q.test/x")}),
        ("<img src='https://c.test/a?x=1&amp;y=2'>", {("img[src]", "https://c.test/a?x=1&y=2")}),
        ('<img srcset="https://d.test/1x.png 1x, https://e.test/2x.png 2x">',
         {("img[srcset]", "https://d.test/1x.png"), ("img[srcset]", "https://e.test/2x.png")}),
        ('<svg><image href="https://f.test/i.png"/></svg>', {("svg image[href]", "https://f.test/i.png")}),
        ('<svg><use xlink:href="https://g.test/s.svg#i"></use></svg>',
         {("svg use[href]", "https://g.test/s.svg#i")}),
        ('<image src="https://h.test/x">', {("img[src]", "https://h.test/x")}),
        ('<video poster="https://i.test/p.jpg"><source src="https://j.test/v.mp4"></video>',
         {("video[poster]", "https://i.test/p.jpg"), ("source[src]", "https://j.test/v.mp4")}),
        ('<object data="https://k.test/o.pdf"></object>', {("object[data]", "https://k.test/o.pdf")}),
        ('<meta http-equiv="Refresh" content="0; url=https://l.test/">',
         {("meta[http-equiv=refresh]", "https://l.test/")}),
        ('<link rel="icon" href="https://m.test/f.ico"><link rel="manifest" href="//n.test/m.json">',
         {("link[rel=icon]", "https://m.test/f.ico"), ("link[rel=manifest]", "//n.test/m.json")}),
        ('<link rel="preload" as="font" href="https://o.test/f.woff2">',
         {("link[rel=preload]", "https://o.test/f.woff2")}),
        ('<style>@import "https://p.test/a.css"; b { background: url(https://q.test/b.png) }</style>',
         {("style element @import", "https://p.test/a.css"), ("style element url()", "https://q.test/b.png")}),
        ('<div style="background:url(&quot;https://r.test/x.png&quot;)"></div>',
         {("style attribute url()", "https://r.test/x.png")}),
        ('<script>if (a<b) { s.src = "https://s.test/t.js" }</script>',
         {("inline script", "https://s.test/t.js")}),
        ('<table background="https://t.test/bg.png"></table>', {("table[background]", "https://t.test/bg.png")}),
    ],
)  # fmt: skip
def test_what_the_browser_fetches_is_found(page, expected):
    assert fetched(page) == expected


@pytest.mark.parametrize(
    "page",
    [
        '<textarea><img src="https://a.test/x"></textarea>',
        '<!-- <script src="https://b.test/x.js"></script> -->',
        '<noscript><img src="https://c.test/pixel"></noscript>',
        '<template><img src="https://d.test/x"></template>',
        '<title>https://e.test/ <img src="https://e.test/x"></title>',
        '<xmp><img src="https://f.test/x"></xmp>',
        '<p>See https://g.test/ and <a href="https://g.test/">a link</a></p>',
        '<code>&lt;img src="https://h.test/x"&gt;</code>',
        '<script type="application/json">{"u": "https://i.test/"}</script>',
        "<style>/* url(https://j.test/x.png) */</style>",
        '<link rel="stylesheet" href="https://k.test/a.css" disabled>',
        '<link rel="canonical" href="https://l.test/page/">',
        '<html xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg"></svg>',
        '<iframe src="/local/">https://m.test/<img src="https://m.test/x"></iframe>',
    ],
)
def test_what_only_looks_like_a_fetch_is_not(page):
    assert [r.url for r in page_references(page) if r.when == "load"] == []


def test_when_a_fetch_happens():
    page = (
        '<link rel="preconnect" href="https://a.test"><link rel="dns-prefetch" href="//b.test">'
        '<form action="https://c.test/send"></form>'
        '<link rel="stylesheet" href="https://d.test/dark.css" disabled>'
    )
    assert {(r.url, r.when) for r in page_references(page)} == {
        ("https://a.test", "connect"),
        ("//b.test", "dns"),
        ("https://c.test/send", "submit"),
        ("https://d.test/dark.css", "later"),
    }


def test_start_tag_spans_are_exact_source_offsets():
    page = '<p>x</p>\n<IMG title="a>b" SRC=https://a.test/x.png  >tail'
    [reference] = page_references(page)
    tag = reference.tag
    assert page[tag.start : tag.end] == '<IMG title="a>b" SRC=https://a.test/x.png  >'
    assert tag.attrs == {"title": "a>b", "src": "https://a.test/x.png"}


def test_first_of_repeated_attributes_wins():
    tag = read_start_tag('<img src="https://a.test/1" src="https://b.test/2">', 0)
    assert tag.attrs["src"] == "https://a.test/1"


def test_regions_are_found_from_the_start_of_the_page():
    page = "<!-- <textarea> --><p>https://x.test/</p><textarea>t</textarea>"
    index = PageIndex(page)
    assert index.region_at(page.index("<p>")) is None
    assert index.region_at(page.index(">t<") + 1).kind == "textarea"


def test_a_rewrite_keeps_every_other_byte():
    page = (
        "<!doctype html>\n<html><head><meta charset=utf-8>\r\n"
        "<SCRIPT async SRC='https://www.googletagmanager.com/gtag/js?id=G-1'></SCRIPT>"
        "<!-- a comment with <script src=https://www.googletagmanager.com/x.js></script> -->"
        "</head><body><p title='&amp; kept'>Text</p></body></html>"
    )
    service = fixups.EmbedService("ga", "GA", "Google", "analytics", ("googletagmanager.com",))
    edits = fixups.gate_service_scripts(page_references(page), [service])
    result = fixups.splice(page, edits)
    [(start, end, text)] = edits
    assert result == page[:start] + text + page[end:]
    assert page[start:end] == "<SCRIPT async SRC='https://www.googletagmanager.com/gtag/js?id=G-1'>"
    assert "<script src=https://www.googletagmanager.com/x.js></script> -->" in result


def test_a_tag_longer_than_the_tokenizer_window_is_read_whole():
    data = "data:image/png;base64," + "A" * 20_000
    page = f'<img alt="x" src="{data}" srcset="https://big.test/2x.png 2x">'
    found = {(element, url) for element, url in fetched(page) if not url.startswith("data:")}
    assert found == {("img[srcset]", "https://big.test/2x.png")}
