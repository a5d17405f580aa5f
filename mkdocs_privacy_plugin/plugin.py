"""The `consent` MkDocs plugin."""

from mkdocs.plugins import BasePlugin


class ConsentPlugin(BasePlugin):
    """Adds the consent banner and the generated policy pages to a site."""
