"""The generated pages' templates are compiled once and read back; a cache that fails is skipped."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader

from mkdocs_privacy_plugin.page_parts import TemplateCache


def environment(cache: TemplateCache) -> Environment:
    return Environment(
        loader=PackageLoader("mkdocs_privacy_plugin", "templates"),
        autoescape=True,
        bytecode_cache=cache,
    )


def test_a_template_compiled_once_is_read_back_from_the_cache(tmp_path):
    environment(TemplateCache(str(tmp_path))).get_template("cookie_tables.html")
    assert list(tmp_path.iterdir()), "nothing was written to the cache"
    template = environment(TemplateCache(str(tmp_path))).get_template("cookie_tables.html")
    assert template.render(categories=[], services=[], t={}) is not None


def test_a_cache_that_cannot_be_written_still_renders(tmp_path):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    template = environment(TemplateCache(str(blocked))).get_template("cookie_tables.html")
    assert template.render(categories=[], services=[], t={}) is not None


def test_a_damaged_cache_entry_is_compiled_again(tmp_path):
    environment(TemplateCache(str(tmp_path))).get_template("cookie_tables.html")
    for entry in tmp_path.iterdir():
        entry.write_bytes(entry.read_bytes()[:40] + b"damaged")
    template = environment(TemplateCache(str(tmp_path))).get_template("cookie_tables.html")
    assert template.render(categories=[], services=[], t={}) is not None
