"""Material's analytics is held until consent on the two latest Material releases, each installed
(once, from PyPI, cached under build/material/) into a folder of its own and put first on the
path of a real `mkdocs build`; Material's own dependencies come from the test extra."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_privacy_plugin.markup import PageIndex
from mkdocs_privacy_plugin.references import is_executable, page_references
from tests.plugin.conftest import BASE_PLUGIN

MATERIAL_RELEASES = ("9.8.1", "9.8.2")
"""The two latest releases of mkdocs-material on PyPI; move them on when Material releases."""
CACHE = Path(__file__).resolve().parents[2] / "build" / "material"


def material(version: str) -> Path:
    """A folder holding exactly this Material release, downloaded and unpacked once."""
    target = CACHE / version
    if not (target / "material").is_dir():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
             "--disable-pip-version-check", "--target", str(target), f"mkdocs-material=={version}"],
            check=True,
        )  # fmt: skip
    return target


@pytest.fixture(params=MATERIAL_RELEASES)
def material_site(request, tmp_path) -> tuple[str, Path]:
    version = request.param
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n")
    config = {
        "site_name": "Material",
        "site_url": "https://docs.example.com/",
        "theme": {"name": "material", "font": False},
        "extra": {"analytics": {"provider": "google", "property": "G-TEST123"}},
        "plugins": [{"consent": {**BASE_PLUGIN, "audit": "strict"}}],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    path = os.pathsep.join([str(material(version)), os.environ.get("PYTHONPATH", "")])
    script = (
        "import material, sys; from mkdocs.__main__ import cli; "
        f"assert material.__version__ == {version!r}, material.__version__; "
        "sys.argv = ['mkdocs', 'build', '-q']; cli()"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path, check=True,
        env={**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    return version, tmp_path / "site"


def test_material_analytics_waits_for_consent(material_site):
    version, site_dir = material_site
    page = (site_dir / "index.html").read_text(encoding="utf-8")
    index = PageIndex(page)
    hooks = [
        position for position in range(len(page)) if page.startswith("__md_analytics", position)
    ]
    scripts = {
        index.region_at(position).tag.start: index.region_at(position).tag for position in hooks
    }
    assert len(scripts) == 2, f"Material {version}: the definition and the call"
    for tag in scripts.values():
        assert not is_executable(tag) and tag.attrs["data-consent-category"] == "analytics"
    assert any(tag.attrs.get("id") == "__analytics" for tag in scripts.values())
    gtm = [r for r in page_references(page) if "googletagmanager" in r.url]
    assert gtm and all(r.gated for r in gtm)
    report = json.loads((site_dir / "consent/audit.json").read_text(encoding="utf-8"))
    assert report["summary"]["load_before_consent"] == 0
