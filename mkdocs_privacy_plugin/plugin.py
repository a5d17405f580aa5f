"""The `consent` MkDocs plugin: events only; the work lives in the modules beside it."""

from __future__ import annotations

import posixpath
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import audit, fixups, pages
from .assets import ASSET_DIR, BANNER_FILES, RECORD_SCRIPT, shipped
from .config import ConsentPluginConfig, check
from .inject import HeadInjector, consent_mode_map, consent_mode_snippet
from .manifest import GPC_PATH, MANIFEST_PATH, build_manifest, gpc_json, to_json
from .texts import texts_for

log = get_plugin_logger(__name__)


class ConsentPlugin(BasePlugin[ConsentPluginConfig]):
    """Adds the consent banner, the cookie policy, the privacy notice and the consent manifest."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this keeps one plugin instance across `mkdocs serve` rebuilds."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        check(self.config)
        theme_language = config.theme.get("language") or config.theme.get("locale") or "en"
        self.language = self.config.language or str(theme_language)
        self.texts = texts_for(self.language, self.config.languages)
        self.manifest = build_manifest(
            self.config, config.site_name, config.site_url or "", {self.language: self.texts}
        )
        self.injector = HeadInjector(
            self._banner_config(), consent_mode_snippet(self._consent_mode())
        )
        self.embed_services = [
            fixups.EmbedService(
                s["id"],
                s["name"],
                s["provider"],
                s["category"],
                tuple(s["hosts"]),
                s["privacy_policy_url"],
            )
            for s in self.manifest["services"]
            if s["hosts"]
        ]
        if config.extra.get("consent"):
            log.warning(
                "Material's own cookie banner (extra.consent) is also configured: visitors would see "
                "two banners. Remove extra.consent from mkdocs.yml."
            )
        return config

    def _consent_mode(self) -> dict[str, list[str]] | None:
        return consent_mode_map(self.config.consent_mode, self.manifest["categories"])

    def _banner_config(self) -> dict:
        banner_keys = [
            "banner_title", "banner_text", "accept_all", "reject_all", "customize", "save",
            "withdraw", "close", "settings_link", "dialog_title", "dialog_text", "always_on",
            "gpc_honoured", "services_label", "cookie_name", "cookie_purpose", "cookie_duration",
            "policy_link",
        ]  # fmt: skip
        return {
            "v": self.manifest["policy_version"],
            "endpoint": (self.config.endpoint or "").rstrip("/"),
            "lifetime": self.config.lifetime_days,
            "lang": self.language,
            "categories": [
                {key: c[key] for key in ("id", "title", "description", "required", "gpc")}
                for c in self.manifest["categories"]
            ],
            "services": [
                {
                    key: s[key]
                    for key in ("id", "name", "provider", "category", "purpose", "cookies")
                }
                for s in self.manifest["services"]
            ],
            "consentMode": self._consent_mode(),
            "t": {key: self.texts[key] for key in banner_keys},
        }

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._self_service_pages: set[str] = set()
        for name in (*BANNER_FILES, RECORD_SCRIPT):
            path = f"{ASSET_DIR}/{name}"
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=shipped(name)))
        generated = {
            self.config.cookie_policy_path: pages.cookie_policy,
            self.config.privacy_notice_path: pages.privacy_notice,
        }
        for path, render in generated.items():
            if files.get_file_from_path(path) is None:
                content = render(self.config, self.manifest, self.texts)
                files.append(File.generated(config, path, content=content))
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
        return pages.embed_markers(markdown, self.config, self.manifest, self.texts)

    @event_priority(-50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = self._fix(output, config)
        links = {key: get_relative_url(url, page.url) for key, url in self._page_urls.items()}
        root = get_relative_url(".", page.url).rstrip("/")
        root = "" if root == "." else root + "/"
        output = self.injector.inject(output, root, links)
        if (
            page.file.src_uri == self.config.cookie_policy_path
            or page.file.src_uri in self._self_service_pages
        ):
            script = f'<script src="{root}{ASSET_DIR}/{RECORD_SCRIPT}" defer></script>'
            output = output.replace("</head>", script + "</head>", 1)
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
        return self.injector.inject(self._fix(output_content, config), root, links)

    def _fix(self, html: str, config: MkDocsConfig) -> str:
        options = self.config.fixups
        mentioned = bool(self.embed_services) and fixups.mentions_a_host(html, self.embed_services)
        if options.gate_scripts and mentioned:
            html = fixups.gate_service_scripts(html, self.embed_services)
        if options.embeds and mentioned:
            titles = {c["id"]: c["title"] for c in self.manifest["categories"]}
            text = fixups.PlaceholderText(
                notice=self.texts["embed_notice"],
                privacy_policy=self.texts["embed_privacy_policy"],
                load=self.texts["embed_load"],
                always=self.texts["embed_always"],
            )
            html = fixups.embed_placeholders(html, self.embed_services, titles, text)
        if options.material_analytics and config.extra.get("analytics"):
            html = fixups.gate_material_analytics(html)
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        for relative, content in (
            (MANIFEST_PATH, to_json(self.manifest)),
            (
                GPC_PATH,
                gpc_json(self.config.privacy_notice.last_modified or date.today().isoformat()),
            ),
        ):
            target = site / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        if self.config.audit != "off":
            self._audit(site, config)

    def _audit(self, site: Path, config: MkDocsConfig) -> None:
        services = [
            audit.Service(s["name"], s["category"], tuple(s["hosts"]))
            for s in self.manifest["services"]
        ]
        own = [
            host
            for url in (config.site_url, self.config.endpoint)
            if url and (host := audit.host_of(url))
        ]
        findings = audit.audit_site(site, services, own)
        (site / "consent" / "audit.json").write_text(audit.report_json(findings), encoding="utf-8")
        before = [finding for finding in findings if finding.loads_before_consent]
        for (host, element, service), group in audit.grouped(before).items():
            owner = f"declared service {service!r}, not gated" if service else "no declared service"
            log.warning(
                "privacy audit: %s loads from %s before consent (%s) on %d page(s), e.g. %s",
                element, host, owner, len(group), group[0].page,
            )  # fmt: skip
        counts = audit.summary(findings)
        log.info(
            "privacy audit: %d third-party references in %d files, %d load before consent; "
            "details in consent/audit.json",
            len(findings), len({f.page for f in findings}), len(before),
        )  # fmt: skip
        if before and self.config.audit == "strict":
            raise PluginError(
                f"privacy audit (audit: strict): {len(before)} third-party resources load before "
                f"consent, on {len(counts['by_page'])} pages; see the warnings above or consent/audit.json. "
                "Declare their services and gate them, or set audit: warn."
            )
