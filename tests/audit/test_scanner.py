"""The audit finds every kind of third-party reference, and nothing on the site's own host."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_privacy_plugin.audit import Service, audit_site, host_of, owner_of, site_files, summary

SERVICES = [
    Service("Google Analytics", "analytics", ("googletagmanager.com", "google-analytics.com")),
    Service("YouTube", "media", ("*.youtube.com", "youtube-nocookie.com")),
]

PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">
<link rel="preconnect" href="https://fonts.gstatic.com">
<link rel="dns-prefetch" href="//cdn.example.net">
<link rel="preload" href="https://cdn.example.net/app.js" as="script">
<link rel="canonical" href="https://elsewhere.example/page/">
<link rel="stylesheet" href="assets/local.css">
<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<script type="text/plain" data-consent-category="analytics" src="https://www.google-analytics.com/a.js"></script>
<script>var s=document.createElement('script');s.src='https://stats.tracker.example/t.js';</script>
<script type="text/plain" data-consent-category="analytics">load("https://www.googletagmanager.com/x.js")</script>
<script type="application/json" id="cfg">{"endpoint": "https://api.other.example/v1"}</script>
<style>@import url("https://cdn.example.net/theme.css"); body{background:url(https://img.example.org/bg.png)}</style>
</head><body>
<iframe src="https://www.youtube.com/embed/abc"></iframe>
<iframe data-src="https://www.youtube-nocookie.com/embed/def" data-consent-category="media"></iframe>
<img src="https://img.example.org/a.png" srcset="https://img.example.org/a2.png 2x, small.png 1x">
<img src="data:image/png;base64,AAAA"><img src="/local.png"><img src="https://docs.example.com/logo.png">
<video src="https://media.example.org/v.mp4" poster="https://media.example.org/p.jpg"></video>
<audio src="https://media.example.org/a.mp3"></audio>
<object data="https://objects.example.org/x.swf"></object>
<div style="background-image: url('https://img.example.org/inline.png')"></div>
<a href="https://links.example.org/">a link is not a fetch</a>
</body></html>"""

CSS = """@font-face { font-family: X; src: url(https://fonts.gstatic.com/s/x.woff2) format("woff2"); }
@import "https://cdn.example.net/more.css";
.local { background: url(../img/ok.png); } .data { background: url(data:image/svg+xml;utf8,<svg/>); }"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text(PAGE)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "theme.css").write_text(CSS)
    (tmp_path / "index.html").write_text("<html><body><p>nothing external</p></body></html>")
    return tmp_path


def test_finds_every_kind_of_reference_and_nothing_else(site):
    findings = audit_site(site, SERVICES, own_hosts=["docs.example.com", "api.other.example"])
    found = {(f.page, f.element, f.host, f.status) for f in findings}
    page = "guide/index.html"
    assert found == {
        (page, "link[rel=stylesheet]", "fonts.googleapis.com", "undeclared"),
        (page, "link[rel=preconnect]", "fonts.gstatic.com", "undeclared"),
        (page, "link[rel=dns-prefetch]", "cdn.example.net", "undeclared"),
        (page, "link[rel=preload]", "cdn.example.net", "undeclared"),
        (page, "script[src]", "www.googletagmanager.com", "ungated"),
        (page, "script[src]", "www.google-analytics.com", "gated"),
        (page, "inline script", "stats.tracker.example", "undeclared"),
        (page, "inline script", "www.googletagmanager.com", "gated"),
        (page, "style element @import", "cdn.example.net", "undeclared"),
        (page, "style element url()", "img.example.org", "undeclared"),
        (page, "iframe[src]", "www.youtube.com", "ungated"),
        (page, "iframe[data-src]", "www.youtube-nocookie.com", "gated"),
        (page, "img[src]", "img.example.org", "undeclared"),
        (page, "img[srcset]", "img.example.org", "undeclared"),
        (page, "video[src]", "media.example.org", "undeclared"),
        (page, "video[poster]", "media.example.org", "undeclared"),
        (page, "audio[src]", "media.example.org", "undeclared"),
        (page, "object[data]", "objects.example.org", "undeclared"),
        (page, "style attribute url()", "img.example.org", "undeclared"),
        ("assets/theme.css", "font", "fonts.gstatic.com", "undeclared"),
        ("assets/theme.css", "css @import", "cdn.example.net", "undeclared"),
    }


def test_clean_page_has_no_findings(site):
    assert not [f for f in audit_site(site, SERVICES) if f.page == "index.html"]


def test_summary_counts_by_host_and_page(site):
    findings = audit_site(site, SERVICES, own_hosts=["docs.example.com", "api.other.example"])
    counts = summary(findings)
    assert counts["findings"] == len(findings)
    # three are gated; a DNS lookup (dns-prefetch) reaches only the resolver
    assert counts["load_before_consent"] == len(findings) - 4
    assert counts["by_page"]["guide/index.html"] == counts["load_before_consent"] - 2
    assert counts["by_host"]["img.example.org"] == 4


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://A.Example.com/x", "a.example.com"),
        ("//cdn.example.net/x.js", "cdn.example.net"),
        ("http://example.org:8080/", "example.org"),
        ("/local/path.js", None),
        ("relative.css", None),
        ("data:text/css,body{}", None),
        ("javascript:void(0)", None),
        ("ftp://files.example/x", None),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host


def test_owner_matches_host_and_subdomains_only():
    assert owner_of("www.googletagmanager.com", SERVICES).name == "Google Analytics"
    assert owner_of("googletagmanager.com", SERVICES).name == "Google Analytics"
    assert owner_of("notgoogletagmanager.com", SERVICES) is None
    assert owner_of("youtube.com", SERVICES).name == "YouTube"


def test_site_files_lists_every_html_and_css_file_and_does_not_follow_folder_links(tmp_path):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    for relative in ("index.html", "a/index.html", "a/b/c/index.html", "css/theme.css", "js/x.js"):
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text("")
    (elsewhere / "outside.html").parent.mkdir(parents=True)
    (elsewhere / "outside.html").write_text("")
    (site / "linked").symlink_to(elsewhere, target_is_directory=True)
    (site / "page.html").symlink_to(site / "index.html")
    assert site_files(site) == [
        "a/b/c/index.html", "a/index.html", "css/theme.css", "index.html", "page.html",
    ]  # fmt: skip
