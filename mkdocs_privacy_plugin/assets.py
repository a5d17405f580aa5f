"""The banner's files as shipped into a site: read from the package, minified once per build."""

from __future__ import annotations

from functools import cache
from importlib import resources

import rcssmin
import rjsmin

ASSET_DIR = "assets/consent"
BANNER_FILES = ("consent.js", "consent.css")
RECORD_SCRIPT = "consent-record.js"


@cache
def shipped(name: str) -> str:
    """The asset's text, minified: what the browser downloads."""
    source = resources.files(__package__).joinpath("assets", name).read_text("utf-8")
    return rcssmin.cssmin(source) if name.endswith(".css") else rjsmin.jsmin(source)
