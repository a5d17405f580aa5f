"""One two-origin world per test session, as the README's production setup: each theme's site built
with `endpoint: https://consent.example.test:PORT/api/v1` on one HTTPS port, the consent server under
gunicorn on another, and a Chromium that resolves the test host names to 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from tests.conftest import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.server.live import free_port

from ..conftest import build_site, plugin_with
from .servers import (
    API_HOST,
    CROSS_SITE_HOST,
    HOSTS,
    SITE_HOST,
    ConsentServer,
    StaticHTTPS,
    make_certificate,
    server_settings,
)

THEMES = ("mkdocs", "material")
SITE_HOSTS = {"same-site": SITE_HOST, "cross-site": CROSS_SITE_HOST}
DECISION_PATH = "/api/v1/consent"


@dataclass
class World:
    server: ConsentServer
    site_port: int
    policy_version: str

    @property
    def endpoint(self) -> str:
        return f"https://{API_HOST}:{self.server.port}/api/v1"

    def site_origin(self, topology: str) -> str:
        return f"https://{SITE_HOSTS[topology]}:{self.site_port}"


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("two-origins")
    certificate = make_certificate(root)
    api_port = free_port()
    endpoint = f"https://{API_HOST}:{api_port}/api/v1"
    served = root / "served"
    served.mkdir()
    for theme in THEMES:
        built = build_site(root / theme, theme, plugin_with(endpoint=endpoint))
        (served / theme).symlink_to(built, target_is_directory=True)
    manifest = served / THEMES[0] / "consent/manifest.json"
    static = StaticHTTPS(served, certificate)
    site_port = static.start()
    # Same site through the subdomain rule, cross-site through an exact origin.
    origins = [f"https://*.example.test:{site_port}", f"https://{CROSS_SITE_HOST}:{site_port}"]
    settings = server_settings(root / "consent.sqlite3", manifest, origins)
    server = ConsentServer(api_port, certificate, settings, root / "gunicorn.log")
    server.start()
    try:
        yield World(server, site_port, json.loads(manifest.read_text())["policy_version"])
    finally:
        server.stop()
        static.shutdown()


@pytest.fixture(scope="session")
def mapped_chromium(playwright) -> Iterator[object]:
    """Chromium that finds the test hosts on 127.0.0.1 and accepts the test's certificate."""
    rules = ", ".join(f"MAP {host} 127.0.0.1" for host in HOSTS)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM_PATH,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}", "--ignore-certificate-errors"],
    )
    yield browser
    browser.close()


@dataclass
class Visit:
    """One visitor (a fresh browser context) on one theme's site, seen from one topology."""

    page: object
    world: World
    topology: str
    consent_ids: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return self.world.site_origin(self.topology)

    def decide(self, act: Callable[[], object], timeout_ms: float = 10_000):
        """Do what decides, and wait until the banner has the server's answer to it."""
        with self.page.expect_response(is_decision, timeout=timeout_ms) as answer:
            act()
        if answer.value.ok:
            self.consent_ids.append(answer.value.json()["consent_id"])
        return answer.value

    def consent_id(self) -> str:
        """The consent id the server gave this visitor, once the banner has kept it too."""
        assert self.consent_ids, "no decision was answered yet"
        self.page.wait_for_function(
            "id => window.consent.get()?.consent_id === id", arg=self.consent_ids[-1]
        )
        return self.consent_ids[-1]

    def records(self) -> list[dict]:
        return self.world.server.records(self.consent_id())

    def settle(self) -> None:
        """Let a page load finish, and anything the banner would send on it."""
        self.page.wait_for_load_state("networkidle")


def is_decision_request(request) -> bool:
    return DECISION_PATH in request.url and request.method in ("POST", "DELETE")


def is_decision(response) -> bool:
    return is_decision_request(response.request)


@pytest.fixture
def visit(mapped_chromium, world) -> Iterator[Callable[..., Visit]]:
    contexts = []

    def open_site(topology: str, theme: str, **context_options) -> Visit:
        context = mapped_chromium.new_context(ignore_https_errors=True, **context_options)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        page.goto(f"{world.site_origin(topology)}/{theme}/")
        return Visit(page, world, topology)

    yield open_site
    for context in contexts:
        context.close()


@pytest.fixture
def log_growth(world) -> Callable[[], int]:
    """How many records the whole log gained since the test began (other visitors included)."""
    before = len(world.server.records())
    return lambda: len(world.server.records()) - before
