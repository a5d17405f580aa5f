"""Fixtures shared by every test package: the real Chromium and the CI rule for missing tools."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    """Skip when a tool is missing on a developer machine; fail under CI, where it must exist."""
    if available:
        return
    if on_ci():
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    """Playwright for Python, driving Debian's Chromium (never a downloaded browser)."""
    require(
        os.path.exists(CHROMIUM_PATH) or shutil.which("chromium") is not None,
        "Chromium is not installed (apt-get install chromium)",
    )
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def chromium(playwright) -> Iterator[object]:
    """A headless Chromium shared by the whole session."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    """A fresh browser context (no cookies, no storage) and one page in it."""
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()
