"""Stable ids for the generated pages' headings, whether or not the site enables attr_list.

The generated pages end each heading that needs a stable id with `{#the-id}`, the attr_list
syntax. With attr_list on, it sets the id; without it, this extension does the same for
headings only, after attr_list would have run and before the table of contents is made, so
every activity appears in the TOC under its own linkable id.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

HEADING = re.compile(r"^h[1-6]$")
TRAILING_ID = re.compile(r"\s*\{:?\s*#([A-Za-z][\w.-]*)\s*:?\}\s*$")


class _HeadingIdProcessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if not HEADING.match(element.tag) or len(element) or not element.text:
                continue
            match = TRAILING_ID.search(element.text)
            if match and "id" not in element.attrib:
                element.text = element.text[: match.start()]
                element.set("id", match.group(1))


class HeadingIds(Extension):
    """Registered once by the plugin; inert for headings that do not end in `{#id}`."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_HeadingIdProcessor(md), "consent_heading_ids", 7)


def with_id(title_markdown: str, anchor: str) -> str:
    return f"{title_markdown} {{#{anchor}}}"
