"""The site owner's prose on the legal pages: Markdown through the site's own extensions.

Raw HTML is shown as text (the owner writes Markdown, not markup), and every link and image in
the result must be https:, http:, mailto: or relative: anything else stops the build, naming
the option, so a `[link](javascript:...)` never becomes a live link.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError

from .urls import html_link_problems

MARKDOWN_ESCAPES = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~^=])")
PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def heading_text(text: str) -> str:
    """Text that Markdown shows as it is, for a heading line."""
    flat = " ".join(text.split())
    return MARKDOWN_ESCAPES.sub(r"\\\1", flat.replace("&", "&amp;"))


class OwnerMarkdown:
    """Renders owner text with the same extensions and settings as the site's pages."""

    def __init__(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs or {})

    def block(self, text: str, option: str) -> Markup:
        if not text:
            return Markup("")
        self.md.reset()
        html = self.md.convert(text.replace("&", "&amp;").replace("<", "&lt;"))
        problems = html_link_problems(html)
        if problems:
            raise PluginError(f"consent plugin: option '{option}': {problems[0]}")
        return Markup(html)  # noqa: S704 (Markdown of escaped text, links checked)

    def inline(self, text: str, option: str) -> Markup:
        html = str(self.block(text, option)).strip()
        match = PARAGRAPH.match(html)
        if match and "<p>" not in match.group(1):
            return Markup(match.group(1))  # noqa: S704 (from block(): already checked)
        return Markup(html)  # noqa: S704 (from block(): already checked)


def plain(text: str) -> Markup:
    """A name, address or other data: escaped, line breaks kept."""
    return Markup("<br>").join(escape(line) for line in str(text).splitlines())
