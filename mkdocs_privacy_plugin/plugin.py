"""The `consent` MkDocs plugin: it wires MkDocs events to the modules that do the work.

- banner.py: the banner's configuration; inject.py: what every page's <head> gets;
- pages.py: the generated cookie policy and privacy notice; manifest.py: the consent manifest;
- pipeline.py and fixups.py: the fix-ups that gate declared third parties in built pages;
- audit_report.py and audit.py: the build-time privacy audit.
"""

from __future__ import annotations

import posixpath
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import pages
from .assets import ASSET_DIR, BANNER_FILES, RECORD_FILES, shipped
from .audit_report import SiteAudit, script_requests
from .banner import banner_config
from .config import ConsentPluginConfig, check
from .inject import HeadInjector, add_record_script, consent_mode_snippet
from .legal_build import LegalSite
from .manifest import write_site_files
from .pipeline import PageFixups
from .selfhost import SelfHoster
from .selfhost import finish as finish_self_hosting
from .site_languages import with_page_language

log = get_plugin_logger(__name__)


class ConsentPlugin(BasePlugin[ConsentPluginConfig]):
    """Adds the consent banner, the cookie policy, the privacy notice and the consent manifest."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this keeps one plugin instance across `mkdocs serve` rebuilds."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        check(self.config)
        self.legal = LegalSite(self.config, config)
        self.language, self.texts = self.legal.language, self.legal.texts
        self.manifest = self.legal.manifest
        banner = banner_config(
            self.legal.view,
            endpoint=self.config.endpoint,
            language=self.language,
            texts=self.texts,
            consent_mode=self.config.consent_mode,
        )
        self.injector = HeadInjector(banner, consent_mode_snippet(banner.get("consentMode")))
        self.fixups = PageFixups(
            self.legal.view,
            self.texts,
            self.config.fixups,
            material_analytics=bool(config.extra.get("analytics")),
            audit=self.config.audit != "off",
        )
        self.site_audit = SiteAudit(
            self.manifest,
            [config.site_url, self.config.endpoint],
            self.config.audit,
            theme=str(config.theme.name),
            per_page=script_requests(str(config.theme.name), config.repo_url),
        )
        self.self_hoster = None
        if self.config.self_host:
            cache = Path(config.config_file_path or ".").parent / self.config.self_host_cache
            self.self_hoster = SelfHoster(cache, self.site_audit.services, self.site_audit.own)
            self.fixups.rewriters.append(self.self_hoster.page_edits)
        if config.extra.get("consent"):
            log.warning(
                "Material's own cookie banner (extra.consent) is also configured: visitors would see "
                "two banners. Remove extra.consent from mkdocs.yml."
            )
        return config

    @event_priority(-110)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """After mkdocs-static-i18n (-100) has placed the files of this language's pass."""
        self._self_service_pages: set[str] = {self.config.cookie_policy_path}
        """Pages that show the visitor's own record: the cookie policy, and pages that ask."""
        for name in (*BANNER_FILES, *RECORD_FILES):
            path = f"{ASSET_DIR}/{name}"
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=shipped(name)))
        self.legal.add_pages(files)
        self._page_urls = {
            key: files.get_file_from_path(path).url
            for key, path in (
                ("policy", self.config.cookie_policy_path),
                ("privacy", self.config.privacy_notice_path),
            )
        }
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if pages.SELF_SERVICE_MARKER in markdown:
            self._self_service_pages.add(page.file.src_uri)
        return pages.embed_markers(markdown, self.config, self.legal.view, self.texts)

    @event_priority(-50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        links = {key: get_relative_url(url, page.url) for key, url in self._page_urls.items()}
        root = get_relative_url(".", page.url).rstrip("/")
        root = "" if root == "." else root + "/"
        output, references = self.fixups.apply(output, root)
        self.site_audit.page(page.file.dest_uri, references)
        output = self.injector.inject(output, root, links)
        output = with_page_language(output, config, self.language)
        if page.file.src_uri in self._self_service_pages:
            output = add_record_script(output, root)
        return output

    @event_priority(-50)
    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        """404.html and other static pages are served from any path: use absolute URLs there."""
        if not template_name.endswith(".html"):
            return output_content
        root = urlsplit(config.site_url or "/").path or "/"
        root = root if root.endswith("/") else root + "/"
        links = {key: posixpath.join(root, url) for key, url in self._page_urls.items()}
        output, references = self.fixups.apply(output_content, root)
        self.site_audit.page(template_name, references)
        return self.injector.inject(output, root, links)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        last_update = self.config.privacy_notice.last_modified or date.today().isoformat()
        write_site_files(site, self.manifest, last_update)
        hosted = {}
        if self.self_hoster is not None:
            finish_self_hosting(self.self_hoster, site)
            hosted = self.self_hoster.hosts
        notice_check = self.legal.write_check(site)
        if self.config.audit != "off":
            self.site_audit.finish(site, hosted, notice_check)
