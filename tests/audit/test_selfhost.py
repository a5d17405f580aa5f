"""Self-hosting against a stand-in CDN on 127.0.0.1: downloaded once, served from the site."""

from __future__ import annotations

import json
import re

import pytest
from mkdocs.exceptions import Abort, PluginError

from mkdocs_privacy_plugin.selfhost import Cache, matches_integrity

from .conftest import FONT, IMAGE, SCRIPT, sri


def page_with_assets(origin: str, integrity: str) -> str:
    return f"""# Assets

<link rel="preconnect" href="{origin}">
<link rel="stylesheet" href="{origin}/lib/style.css">
<link rel="stylesheet" href="{origin}/fonts/css?family=Stand+In">
<script src="{origin}/lib/app.js" integrity="{integrity}" crossorigin="anonymous"></script>

<img src="{origin}/img/photo.png" alt="photo">
"""


# What every site needs for its privacy notice to pass --strict (the controller, Art. 13(1)(a)).
CONTROLLER = {"controller": {"name": "Example GmbH", "email": "privacy@example.com"}}


def plugin(tmp_path, **options) -> dict:
    return {
        "self_host": True,
        "self_host_cache": str(tmp_path / "cache"),
        "privacy_notice": CONTROLLER,
        **options,
    }


def local_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*assets/external/[^"]+)"', html)


def test_assets_are_downloaded_once_and_served_from_the_site(build_site, cdn, tmp_path, caplog):
    caplog.set_level("INFO")
    pages = {"index.md": "# Home\n", "guide/assets.md": page_with_assets(cdn.origin, sri(SCRIPT))}
    site = build_site(plugin=plugin(tmp_path, audit="strict"), pages=pages)
    html = site.read("guide/assets/index.html")
    assert cdn.origin not in html
    assert "preconnect" not in html
    urls = local_urls(html)
    assert len(urls) == 4 and all(
        url.startswith("../../assets/external/127.0.0.1/") for url in urls
    )
    files = {url.rsplit("/", 1)[1].split("-", 1)[1]: url for url in urls}
    script = site.dir / "guide/assets" / files["app.js"]
    assert script.read_bytes() == SCRIPT
    assert f'integrity="{sri(SCRIPT)}"' in html  # unchanged file, integrity kept
    assert (site.dir / "guide/assets" / files["photo.png"]).read_bytes() == IMAGE
    fonts_css = (site.dir / "guide/assets" / files["css.css"]).read_text()
    font_url = re.search(r"url\(([^)]+)\)", fonts_css).group(1)
    assert not font_url.startswith("http")
    assert (site.dir / "assets/external/127.0.0.1" / font_url).read_bytes() == FONT
    style = (site.dir / "guide/assets" / files["style.css"]).read_text()
    imported = re.search(r'@import "([^"]+)"', style).group(1)
    assert (
        site.dir / "assets/external/127.0.0.1" / imported
    ).read_text() == "body { color: #222 }\n"
    assert "url(/never/fetched.png)" in style  # comments are left alone
    assert cdn.requests["/never/fetched.png"] == 0
    report = json.loads(site.read("consent/audit.json"))
    assert not [f for f in report["findings"] if f["host"] == "127.0.0.1"]
    assert "127.0.0.1 self-hosted: 7 file(s) served from the site" in caplog.text

    asked = sum(cdn.requests.values())
    again = build_site(plugin=plugin(tmp_path), pages=pages)
    assert sum(cdn.requests.values()) == asked  # the second build used the cache
    assert again.read("guide/assets/index.html") == html


def test_a_rewritten_style_sheet_gets_a_new_integrity(build_site, cdn, tmp_path):
    body = dict(cdn.files())["/lib/style.css"][1]
    page = f'# Page\n\n<link rel="stylesheet" href="{cdn.origin}/lib/style.css" integrity="{sri(body)}">\n'
    site = build_site(plugin=plugin(tmp_path), pages={"index.md": page})
    html = site.read("index.html")
    href = re.search(r'href="(assets/external/[^"]+)"', html).group(1)
    integrity = re.search(r'integrity="([^"]+)"', html).group(1)
    assert integrity != sri(body)
    assert matches_integrity((site.dir / href).read_bytes(), integrity)


def test_a_download_that_does_not_match_its_integrity_fails_the_build(
    build_site, cdn, tmp_path, caplog
):
    page = (
        f'# Page\n\n<script src="{cdn.origin}/lib/app.js" integrity="{sri(b"other")}"></script>\n'
    )
    with pytest.raises((PluginError, Abort)):
        build_site(plugin=plugin(tmp_path), pages={"index.md": page})
    assert "app.js does not match its integrity attribute" in caplog.text


def test_without_network_a_missing_asset_fails_naming_its_url(build_site, tmp_path, caplog):
    url = "http://127.0.0.1:9/gone/lib.js"  # the discard port: nothing answers
    page = f'# Page\n\n<script src="{url}"></script>\n'
    with pytest.raises((PluginError, Abort)):
        build_site(plugin=plugin(tmp_path), pages={"index.md": page})
    assert f"cannot download {url}" in caplog.text and "not in the cache" in caplog.text
    Cache(tmp_path / "cache").store(url, SCRIPT, "application/javascript")
    site = build_site(plugin=plugin(tmp_path), pages={"index.md": page})
    assert url not in site.read("index.html")


def cache_until_it_builds(build_site, tmp_path, caplog, bodies: dict[str, bytes], **site):
    """Build offline; each time the build names a URL missing from the cache, cache a stand-in
    (what an earlier build with network would have stored), until the build passes."""
    cache = Cache(tmp_path / "cache")
    for _ in range(8):
        try:
            return build_site(**site)
        except (PluginError, Abort):
            match = re.search(r"cannot download (\S+) ", caplog.records[-1].getMessage())
            if match is None:
                raise
            caplog.clear()
            url = match.group(1)
            suffix = next((key for key in bodies if key in url), "")
            is_js = suffix.endswith(".js")
            cache.store(url, bodies[suffix], "application/javascript" if is_js else "text/css")
    raise AssertionError("the build kept asking for more downloads")


def test_a_new_default_theme_site_passes_strict_with_self_host(build_site, tmp_path, caplog):
    bodies = {".css": b".hljs { color: #333 }\n", ".js": b"window.hljs = {};\n"}
    site = cache_until_it_builds(
        build_site, tmp_path, caplog, bodies,
        plugin=plugin(tmp_path), theme={"name": "mkdocs"}, pages={"index.md": "# Welcome\n"},
    )  # fmt: skip
    html = site.read("index.html")
    assert "//cdnjs.cloudflare.com" not in html
    assert html.count("assets/external/cdnjs.cloudflare.com/") >= 2
    assert not [w for w in caplog.records if w.levelname == "WARNING"]


def test_without_self_host_the_warning_says_how_to_fix_it(build_site, caplog):
    with pytest.raises(Abort):
        build_site(plugin={}, theme={"name": "mkdocs"}, pages={"index.md": "# Welcome\n"})
    [warning] = [r.getMessage() for r in caplog.records if "cdnjs" in r.getMessage()]
    assert "cdnjs.cloudflare.com loads before consent on 4 page(s)" in warning
    assert "theme.highlightjs: false" in warning
    assert "self_host: true" in warning and "declare a service" in warning


def test_google_fonts_on_material_are_served_from_the_site(build_site, cdn, tmp_path, caplog):
    fonts_css = cdn.files()["/fonts/css"][1]
    site = cache_until_it_builds(
        build_site, tmp_path, caplog, {"fonts.googleapis.com": fonts_css},
        plugin=plugin(tmp_path, audit="strict"), theme={"name": "material"},
        pages={"index.md": "# Home\n"},
    )  # fmt: skip
    html = site.read("index.html")
    assert "//fonts.googleapis.com" not in html and "//fonts.gstatic.com" not in html
    assert "assets/external/fonts.googleapis.com/" in html
    assert cdn.requests["/fonts/s/standin.woff2"] == 1
