"""The privacy audit on real builds: every kind of third-party resource, on every theme."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest
import yaml
from mkdocs.exceptions import Abort, PluginError

from .conftest import BASE_PLUGIN

LEAKY_PAGE = """# Leaky

<link rel="stylesheet" href="https://fonts.example-cdn.test/css?family=X">
<link rel="preconnect" href="https://fonts.example-cdn.test">
<script src="https://tags.tracker.test/t.js"></script>
<script>fetch("https://beacon.tracker.test/hit")</script>
<style>@import url("https://styles.example-cdn.test/a.css"); .x { background: url(https://img.example-cdn.test/bg.png) }</style>
<iframe src="https://www.video.test/embed/abc" title="Video"></iframe>
<img src="https://img.example-cdn.test/photo.jpg" alt="photo">
<video src="https://media.example-cdn.test/clip.mp4"></video>
<audio src="https://media.example-cdn.test/song.mp3"></audio>
<object data="https://objects.example-cdn.test/file.pdf"></object>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
<img src="/img/local.png" alt="local">
<img src="https://docs.example.com/logo.png" alt="own host">
<script src="https://analytics.example.com/a.js"></script>
"""
EXPECTED = {
    ("link[rel=stylesheet]", "fonts.example-cdn.test"),
    ("link[rel=preconnect]", "fonts.example-cdn.test"),
    ("script[src]", "tags.tracker.test"),
    ("inline script", "beacon.tracker.test"),
    ("style element @import", "styles.example-cdn.test"),
    ("style element url()", "img.example-cdn.test"),
    ("iframe[src]", "www.video.test"),
    ("img[src]", "img.example-cdn.test"),
    ("video[src]", "media.example-cdn.test"),
    ("audio[src]", "media.example-cdn.test"),
    ("object[data]", "objects.example-cdn.test"),
    ("script[src]", "analytics.example.com"),
}


def audit_of(site) -> dict:
    return json.loads(site.read("consent/audit.json"))


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_audit_finds_every_kind_of_resource_and_nothing_else(build_site, theme):
    site = build_site(
        theme=theme,
        strict=False,
        plugin={**BASE_PLUGIN, "fixups": {"gate_scripts": False, "embeds": False}},
        pages={"index.md": "# Home\n", "leaky.md": LEAKY_PAGE},
    )
    report = audit_of(site)
    loads = [f for f in report["findings"] if f["when"] != "submit"]
    found = {(f["element"], f["host"]) for f in loads}
    assert found == EXPECTED
    assert {f["page"] for f in loads} == {"leaky/index.html"}
    analytics = next(f for f in report["findings"] if f["host"] == "analytics.example.com")
    assert (analytics["service"], analytics["status"]) == ("Example Analytics", "ungated")
    assert report["summary"]["by_page"] == {"leaky/index.html": len(EXPECTED)}
    assert report["summary"]["undeclared"] == len(report["findings"]) - 1


def test_theme_resources_are_found_too(build_site):
    site = build_site(theme={"name": "mkdocs", "highlightjs": True}, strict=False)
    hosts = {f["host"] for f in audit_of(site)["findings"]}
    assert "cdnjs.cloudflare.com" in hosts


def test_strict_fails_the_build_with_a_clear_message(build_site, caplog):
    plugin = {**BASE_PLUGIN, "audit": "strict", "fixups": {"gate_scripts": False, "embeds": False}}
    with pytest.raises((PluginError, Abort)):
        build_site(plugin=plugin, pages={"index.md": "# Home\n", "leaky.md": LEAKY_PAGE})
    [message] = [r.getMessage() for r in caplog.records if "audit: strict" in r.getMessage()]
    assert "privacy audit (audit: strict): 9 third-party host(s) load before consent: " in message
    assert "media.example-cdn.test (1 page(s))" in message
    assert "self_host: true" in message and "declare a service" in message


def test_strict_passes_once_services_are_declared_and_gated(build_site):
    plugin = copy.deepcopy(BASE_PLUGIN)
    plugin["audit"] = "strict"
    plugin["categories"]["media"] = {"title": "Videos", "description": "Embedded videos."}
    plugin["services"].append(
        {"name": "Video", "provider": "Video Inc", "category": "media", "hosts": ["video.test"],
         "privacy_policy_url": "https://www.video.test/privacy"}
    )  # fmt: skip
    page = '# Page\n\n<script src="https://analytics.example.com/a.js"></script>\n\n<iframe src="https://www.video.test/embed/abc" title="Video"></iframe>\n'
    site = build_site(plugin=plugin, pages={"index.md": page})
    statuses = {(f["host"], f["status"]) for f in audit_of(site)["findings"]}
    assert statuses == {("analytics.example.com", "gated"), ("www.video.test", "gated")}
    html = site.read("index.html")
    assert (
        'type="text/plain" data-consent-category="analytics" data-consent-service="example-analytics"'
        in html
    )
    assert "This content is provided by Video Inc" in html
    assert 'data-consent-action="load-service"' in html


def test_audit_off_writes_no_report(build_site):
    site = build_site(plugin={**BASE_PLUGIN, "audit": "off"})
    assert not (site.dir / "consent/audit.json").exists()


def test_material_analytics_is_gated(build_site):
    site = build_site(
        theme="material",
        strict=False,
        extra={"analytics": {"provider": "google", "property": "G-TEST123"}},
    )
    html = site.read("index.html")
    assert '<script type="text/plain" data-consent-category="analytics" id="__analytics">' in html
    statuses = {f["status"] for f in audit_of(site)["findings"] if "googletagmanager" in f["host"]}
    assert statuses == {"gated-undeclared"}


def test_the_log_has_one_line_per_host_saying_what_happens_to_it(build_site, caplog):
    caplog.set_level("INFO")
    pages = {"index.md": "# Home\n", "a.md": LEAKY_PAGE, "b.md": LEAKY_PAGE}
    build_site(
        theme="material",
        strict=False,
        plugin={**BASE_PLUGIN, "fixups": {"gate_scripts": False, "embeds": False}},
        pages=pages,
        extra={"analytics": {"provider": "google", "property": "G-TEST123"}},
    )
    lines = [r.getMessage() for r in caplog.records if "privacy audit:" in r.getMessage()]
    media = [line for line in lines if "media.example-cdn.test" in line]
    assert len(media) == 1  # two elements on each of two pages: one line
    assert (
        "loads before consent on 2 page(s) (no declared service; audio[src], video[src];"
        in media[0]
    )
    [gtm] = [line for line in lines if "www.googletagmanager.com" in line]
    assert "gated until consent on 6 page(s)" in gtm
    [analytics] = [line for line in lines if "analytics.example.com" in line]
    assert "service 'Example Analytics'" in analytics and "Fix: gate it" in analytics
    assert "privacy audit: 10 third-party host(s) on 6 page(s), 9 load before consent" in lines[-1]


def test_a_strict_failure_names_the_hosts_even_in_a_quiet_build(build_site, tmp_path):
    site = build_site(
        plugin={**BASE_PLUGIN, "audit": "warn"}, theme={"name": "mkdocs"}, strict=False
    )
    config = yaml.safe_load((site.root / "mkdocs.yml").read_text())
    config["plugins"][1]["consent"]["audit"] = "strict"
    (site.root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site.root / "mkdocs.yml")],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "1 third-party host(s) load before consent: cdnjs.cloudflare.com (" in result.stderr
    assert "Fix for cdnjs.cloudflare.com: set `theme.highlightjs: false`" in result.stderr


def test_material_repository_facts_are_reported_as_a_script_request(build_site, caplog):
    build_site(theme="material", strict=False, repo_url="https://github.com/example/project")
    [line] = [r.getMessage() for r in caplog.records if "api.github.com" in r.getMessage()]
    assert "theme script (repo_url facts)" in line and "remove `repo_url`" in line
