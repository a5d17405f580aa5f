"""The banner's files as shipped into a site: read from the package, minified once per build.

consent.js is written as several short files under assets/banner/, joined in the order below
into the body of one function, so they share one private scope; the site gets one script.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import minify

ASSET_DIR = "assets/consent"
BANNER_FILES = ("consent.js", "consent.css")
RECORD_SCRIPT = "consent-record.js"
RECORD_STYLE = "consent-record.css"
# The self-service block's files, shipped with the banner's, loaded only where the block is.
RECORD_FILES = (RECORD_SCRIPT, RECORD_STYLE)
BANNER_SCRIPT = "consent.js"
BANNER_SCRIPT_PARTS = (
    "config.js",
    "storage.js",
    "gating.js",
    "delivery.js",
    "decisions.js",
    "layers.js",
    "dialog.js",
    "start.js",
)


def _read(*path: str) -> str:
    return resources.files(__package__).joinpath("assets", *path).read_text("utf-8")


def source(name: str) -> str:
    """The asset's readable text: for the banner script, its parts wrapped in one function."""
    if name == BANNER_SCRIPT:
        parts = "\n".join(_read("banner", part) for part in BANNER_SCRIPT_PARTS)
        return "(() => {\n" + parts + "})();\n"
    return _read(name)


@cache
def shipped(name: str) -> str:
    """The asset's text, minified: what the browser downloads.

    tdewolff-minify also renames local variables, so the source's long, explanatory names cost
    visitors nothing (a whitespace-only minifier kept them and grew the banner by a third).
    """
    media_type = "text/css" if name.endswith(".css") else "application/javascript"
    return minify.string(media_type, source(name))
