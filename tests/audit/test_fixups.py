"""The fix-ups gate declared third parties and leave the rest of the page as it was."""

from __future__ import annotations

from mkdocs_privacy_plugin import fixups
from mkdocs_privacy_plugin.audit import Service, audit_site
from mkdocs_privacy_plugin.fixups import EmbedService
from mkdocs_privacy_plugin.markup import PageIndex
from mkdocs_privacy_plugin.references import page_references

ANALYTICS = EmbedService(
    "google-analytics", "Google Analytics", "Google", "analytics", ("googletagmanager.com",)
)
YOUTUBE = EmbedService(
    "youtube", "YouTube", "Google Ireland", "media", ("youtube.com", "youtube-nocookie.com"),
    "https://policies.google.com/privacy",
)  # fmt: skip
AUDIT_SERVICES = [Service(s.name, s.category, s.hosts) for s in (ANALYTICS, YOUTUBE)]


def gate_service_scripts(page: str, services: list[EmbedService]) -> str:
    edits = fixups.gate_service_scripts(page_references(page), services)
    return fixups.splice(page, edits)


def embed_placeholders(page: str, services: list[EmbedService], titles: dict[str, str]) -> str:
    edits = fixups.embed_placeholders(page, page_references(page), services, titles)
    return fixups.splice(page, edits)


def gate_material_analytics(page: str) -> str:
    return fixups.splice(page, fixups.gate_material_analytics(page, PageIndex(page)))


def test_declared_scripts_are_gated_and_others_untouched():
    page = (
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
        "<script>window.dataLayer=[];load('https://www.googletagmanager.com/x.js')</script>"
        '<script src="https://cdn.other.example/lib.js"></script>'
        '<script type="application/json">{"u": "https://www.googletagmanager.com/"}</script>'
        "<script>var local = 1;</script>"
    )
    result = gate_service_scripts(page, [ANALYTICS])
    assert result.count('type="text/plain" data-consent-category="analytics"') == 2
    assert 'data-consent-service="google-analytics"' in result
    assert '<script src="https://cdn.other.example/lib.js"></script>' in result
    assert (
        '<script type="application/json">{"u": "https://www.googletagmanager.com/"}</script>'
        in result
    )
    assert "<script>var local = 1;</script>" in result
    assert "async" in result


def test_module_scripts_keep_their_type_for_later():
    page = '<script type="module" src="https://www.googletagmanager.com/m.js"></script>'
    result = gate_service_scripts(page, [ANALYTICS])
    assert 'type="text/plain"' in result and 'data-type="module"' in result


def test_iframe_becomes_placeholder_naming_provider(tmp_path):
    page = '<p>Watch:</p><iframe width="560" src="https://www.youtube.com/embed/x?a=1&amp;b=2" allowfullscreen></iframe>'
    result = embed_placeholders(page, [YOUTUBE], {"media": "Videos"})
    assert result.startswith('<p>Watch:</p><div class="consent-embed" data-consent-embed')
    assert "This content is provided by Google Ireland" in result
    assert 'href="https://policies.google.com/privacy"' in result
    assert 'data-consent-action="load-service">Load this content</button>' in result
    assert "Always allow Videos" in result
    assert 'data-src="https://www.youtube.com/embed/x?a=1&amp;b=2"' in result
    assert ' src="' not in result.replace('data-src="', "")
    assert "allowfullscreen" in result
    (tmp_path / "index.html").write_text(result)
    [finding] = audit_site(tmp_path, AUDIT_SERVICES)
    assert finding.status == "gated"


def test_placeholder_escapes_hostile_names():
    hostile = EmbedService(
        "x",
        "X",
        "<img src=x onerror=alert(1)>",
        "media",
        ("evil.example",),
        'javascript:"><script>',
    )
    result = embed_placeholders(
        '<iframe src="https://evil.example/"></iframe>', [hostile], {"media": "<b>"}
    )
    assert "<img" not in result and "<script>" not in result and "<b>" not in result


def test_material_analytics_is_held_until_analytics_is_granted(tmp_path):
    page = (
        '<script id="__analytics">function __md_analytics(){var t=document.createElement("script");'
        't.src="https://www.googletagmanager.com/gtag/js?id=G-1"}</script>'
        '<script>"undefined"!=typeof __md_analytics&&__md_analytics()</script>'
    )
    result = gate_material_analytics(page)
    assert result.count('<script type="text/plain" data-consent-category="analytics"') == 2
    assert 'id="__analytics"' in result
    (tmp_path / "index.html").write_text(result)
    assert [f.status for f in audit_site(tmp_path, AUDIT_SERVICES)] == ["gated"]


def test_material_analytics_is_found_by_structure_not_by_its_exact_text():
    page = (
        "<script id='__analytics' type=\"text/javascript\">\nfunction __md_analytics () {}\n</script>"
        "<script>window.__md_analytics && window.__md_analytics({ late: true })</script>"
        "<!-- <script>__md_analytics()</script> -->"
        '<script type="application/json">{"hook": "__md_analytics"}</script>'
        "<script>var other = 1;</script>"
    )
    result = gate_material_analytics(page)
    assert result.count('type="text/plain" data-consent-category="analytics"') == 2
    assert "<!-- <script>__md_analytics()</script> -->" in result
    assert '<script type="application/json">{"hook": "__md_analytics"}</script>' in result
    assert "<script>var other = 1;</script>" in result
