"""The built wheel, installed into clean virtualenvs: the plugin alone, and with the server.

A site owner's docs build installs the plugin only; it must carry every asset, template and locale
and pull in no web framework. The `server` extra adds the consent server and its stack.
"""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[2]
STEP_TIMEOUT = 300
SERVER_STACK = (
    "flask", "werkzeug", "flask_cors", "flask_limiter", "gunicorn", "itsdangerous", "cryptography",
)  # fmt: skip
OTHER_EXTRAS = ("psycopg", "redis", "playwright", "material")
PROBE = "import importlib.util, sys; print(' '.join(n for n in sys.argv[1:] if importlib.util.find_spec(n)))"


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True, text=True, cwd=cwd, timeout=STEP_TIMEOUT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel_file] = dist.glob("*.whl")
    return wheel_file


def install(tmp_path: Path, requirement: str) -> Path:
    """A fresh virtualenv with only `requirement` installed; returns its bin/ directory."""
    environment = tmp_path / "env"
    venv.create(environment, with_pip=True)
    bin_dir = environment / "bin"
    installed = run(bin_dir / "python", "-m", "pip", "install", "--quiet", requirement)
    assert installed.returncode == 0, installed.stderr[-2000:]
    return bin_dir


def importable(bin_dir: Path, names: tuple[str, ...]) -> set[str]:
    probe = run(bin_dir / "python", "-c", PROBE, *names)
    assert probe.returncode == 0, probe.stderr
    return set(probe.stdout.split())


def readme_plugins() -> list:
    """The `plugins:` list of the README's mkdocs.yml snippet, as a reader would paste it."""
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    [snippet] = [yaml.safe_load(block) for block in blocks if "plugins:" in block]
    return snippet["plugins"]


def test_plugin_alone_builds_a_new_site_with_the_readme_snippet_and_no_web_framework(
    wheel, tmp_path
):
    bin_dir = install(tmp_path, str(wheel))
    assert importable(bin_dir, ("mkdocs_privacy_plugin", "mkdocs", "jinja2")) == {
        "mkdocs_privacy_plugin", "mkdocs", "jinja2",
    }  # fmt: skip
    assert importable(bin_dir, SERVER_STACK + OTHER_EXTRAS) == set()
    assert (bin_dir / "mkdocs").is_file()
    # A wheel's scripts do not depend on extras: the server's command is there, and says what is missing.
    server = run(bin_dir / "consent-server", "--help")
    assert server.returncode != 0
    assert "pip install 'mkdocs-consent[server]'" in server.stderr.splitlines()[-1]
    scan = run(bin_dir / "mkdocs-consent", "--help")
    assert scan.returncode == 0 and "scan" in scan.stdout, scan.stderr

    created = run(bin_dir / "mkdocs", "new", "mysite", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    site = tmp_path / "mysite"
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    plugins = readme_plugins()
    assert "search" in plugins, "the README's snippet keeps MkDocs' search"
    config["plugins"] = plugins
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config))
    built = run(bin_dir / "mkdocs", "build", "-d", site / "out", cwd=site)
    assert built.returncode == 0, built.stderr
    cdn = [line for line in built.stderr.splitlines() if "cdnjs.cloudflare.com" in line]
    assert cdn and "before consent" in cdn[0], "the audit names the theme's CDN"
    # The fix the troubleshooting page gives for --strict: no highlight.js from the CDN.
    config["theme"] = {"name": "mkdocs", "highlightjs": False}
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config))
    strict = run(bin_dir / "mkdocs", "build", "--strict", "-d", site / "out", cwd=site)
    assert strict.returncode == 0, strict.stderr
    out = site / "out"
    for produced in (
        "assets/consent/consent.js", "assets/consent/consent.css", "assets/consent/consent-record.js",
        "cookie-policy/index.html", "privacy-notice/index.html", "consent/manifest.json",
        "search/search_index.json",
    ):  # fmt: skip
        assert (out / produced).is_file(), produced
    index = (out / "index.html").read_text()
    assert 'id="mkdocs_search_modal"' in index, "the mkdocs theme still has its search"
    assert "assets/consent/consent.js" in index
    assert "Cookie policy" in (out / "cookie-policy/index.html").read_text()
    assert "Right to erasure" in (out / "privacy-notice/index.html").read_text()


def test_server_extra_brings_the_server_its_data_and_its_command(wheel, tmp_path):
    bin_dir = install(tmp_path, f"mkdocs-consent[server] @ {wheel.as_uri()}")
    assert importable(bin_dir, SERVER_STACK) == set(SERVER_STACK)
    assert importable(bin_dir, ("psycopg", "playwright", "material")) == set()
    probe = run(
        bin_dir / "python", "-c",
        "import consent_server.store.sqlite, consent_server.ops as o; print(len(o.openapi_spec()['paths']))",
    )  # fmt: skip
    assert probe.returncode == 0 and int(probe.stdout) > 5, probe.stderr
    for command_line in (
        [bin_dir / "consent-server"],
        [bin_dir / "python", "-m", "consent_server"],
    ):
        help_text = run(*command_line, "--help")
        assert help_text.returncode == 0, help_text.stderr
        for command in ("serve", "demo", "export", "verify", "purge", "new-admin-token"):
            assert re.search(rf"^\s+{command}\s", help_text.stdout, re.MULTILINE), command
    [packages] = (tmp_path / "env" / "lib").glob("python*/site-packages")
    for data_file in (
        "consent_server/store/schema_sqlite.sql", "consent_server/templates/dashboard.html",
        "consent_server/static/dashboard.js", "consent_server/static/favicon.svg",
        "consent_server/static/vendor/uplot/uPlot.iife.min.js",
        "consent_server/static/vendor/uplot/LICENSE", "consent_server/static/favicon.ico",
        "consent_server/example_site/mkdocs.yml", "consent_server/example_site/docs/index.md",
    ):  # fmt: skip
        assert (packages / data_file).is_file(), data_file
    example = run(
        bin_dir / "python", "-c",
        "import sys, pathlib; from consent_server.demo import build_example_site; "
        "print(build_example_site(pathlib.Path(sys.argv[1]), '/api/v1'))", tmp_path / "example",
    )  # fmt: skip
    assert example.returncode == 0, example.stderr
    assert (tmp_path / "example" / "consent" / "manifest.json").is_file(), "the demo's site builds"
