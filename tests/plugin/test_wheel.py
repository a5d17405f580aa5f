"""An installed wheel carries every asset, template and locale: build a site with it."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[2]


def test_wheel_installs_and_builds_a_site(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    [wheel] = dist.glob("*.whl")
    environment = tmp_path / "env"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.md").write_text("# Hello\n")
    config = {
        "site_name": "Wheel test",
        "theme": {"name": "mkdocs", "highlightjs": False},
        "plugins": [
            {
                "consent": {
                    "categories": {"analytics": {"title": "Analytics"}},
                    "privacy_notice": {
                        "controller": {"name": "Wheel Ltd", "email": "p@example.com"}
                    },
                }
            }
        ],
    }
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [str(python), "-m", "mkdocs", "build", "--strict", "-f", str(site / "mkdocs.yml"), "-d", str(site / "out")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = site / "out"
    for produced in ("assets/consent/consent.js", "assets/consent/consent.css", "assets/consent/consent-record.js",
                     "cookie-policy/index.html", "privacy-notice/index.html", "consent/manifest.json"):  # fmt: skip
        assert (out / produced).is_file(), produced
    assert "Cookie policy" in (out / "cookie-policy/index.html").read_text()
    assert "Right to erasure" in (out / "privacy-notice/index.html").read_text()
    probe = subprocess.run(
        [str(python), "-c", "import consent_server.store.sqlite, consent_server.ops as o; print(len(o.openapi_spec()['paths']))"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert probe.returncode == 0 and int(probe.stdout) > 5, probe.stderr
    assert list(
        (environment / "lib").glob("python*/site-packages/consent_server/store/schema_sqlite.sql")
    )
    assert list(
        (environment / "lib").glob("python*/site-packages/consent_server/templates/dashboard.html")
    )
