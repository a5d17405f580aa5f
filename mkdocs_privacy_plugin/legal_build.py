"""One build's legal side: its languages, texts, manifest, generated pages and notice check.

Made once per `on_config` (per language pass with mkdocs-static-i18n). Warnings about a text
missing in a language are given once: manifest texts in the default language's pass, page
texts in the pass of the page's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from . import art13, pages
from .config import ConsentPluginConfig
from .heading_ids import HeadingIds
from .manifest import Localizer, build_manifest, for_language
from .owner_markdown import OwnerMarkdown
from .policy_history import history_of
from .site_languages import Languages, languages_of
from .texts import texts_for

log = get_plugin_logger(__name__)


class Once:
    """A warning per option and language, not one per page or pass."""

    def __init__(self, active: bool = True) -> None:
        self.active, self.seen = active, set()

    def __call__(self, option: str, language: str) -> None:
        if self.active and (option, language) not in self.seen:
            self.seen.add((option, language))
            log.warning(
                "%s has no %r text: the %s page uses another language's. Give it as "
                "{%s: ...} next to the others.",
                option, language, language, language,
            )  # fmt: skip


class LegalSite:
    def __init__(self, plugin: ConsentPluginConfig, config: MkDocsConfig) -> None:
        self.plugin, self.config = plugin, config
        self.languages: Languages = languages_of(config, plugin.language)
        self.first_pass = self.languages.current == self.languages.default
        self.texts_by_language = {
            language: texts_for(language, plugin.languages) for language in self.languages.all
        }
        self.localizer = Localizer(self.languages.default, Once(self.first_pass))
        self.manifest = build_manifest(
            plugin, config.site_name, config.site_url or "", self.texts_by_language, self.localizer
        )
        self.language = self.languages.current
        self.texts = self.texts_by_language[self.language]
        self.view = for_language(self.manifest, self.language)
        if not any(isinstance(item, HeadingIds) for item in config.markdown_extensions):
            config.markdown_extensions.append(HeadingIds())
        self.md = OwnerMarkdown(config.markdown_extensions, config.mdx_configs)
        self.history = history_of(plugin.privacy_notice, config, self.manifest["policy_version"])
        self.check: dict[str, Any] | None = None

    def add_pages(self, files: Files) -> dict[str, File]:
        """The two pages for this pass's language, unless the site has its own there."""
        paths = {
            "policy": self.plugin.cookie_policy_path,
            "privacy": self.plugin.privacy_notice_path,
        }
        existing = {key: files.get_file_from_path(path) for key, path in paths.items()}
        prefix = "" if self.first_pass or not self.languages.i18n else f"{self.language}/"
        made = {
            key: File.generated(self.config, path, content="")
            for key, path in paths.items()
            if existing[key] is None
        }
        for file in made.values():
            file.dest_uri = prefix + file.dest_uri
        urls = {key: (made.get(key) or existing[key]).url for key in paths}
        legal = pages.LegalPages(
            config=self.plugin, manifest=self.view, texts=self.texts, language=self.language,
            notice=Localizer(self.languages.default, Once()).resolve(
                self.plugin.privacy_notice, self.language, "privacy_notice"
            ),
            md=self.md,
            policy_url=get_relative_url(urls["policy"], urls["privacy"]),
            privacy_url=get_relative_url(urls["privacy"], urls["policy"]),
            history=[
                {**entry, "note": entry["note"].pick(self.language, self.languages.default)[0]}
                for entry in self.history
            ],
        )  # fmt: skip
        renderers = {"policy": pages.cookie_policy, "privacy": pages.privacy_notice}
        for key, file in made.items():
            file.content_string = renderers[key](legal)
            files.append(file)
        if self.first_pass:
            self._check("privacy" in made)
        return made

    def _check(self, generated: bool) -> None:
        if not generated:
            log.info("privacy notice: the site's own page, not checked against Art. 13")
            self.check = {"checked": False}
            return
        self.check = art13.report(art13.check(self.plugin))

    def write_check(self, site_dir: Path) -> dict[str, Any] | None:
        """Write the Art. 13 table and return it for the audit's report; a later language pass
        (which checks nothing) hands on the first pass's table."""
        table = self.check or art13.read_table(site_dir)
        art13.write_table(site_dir, table)
        return table
