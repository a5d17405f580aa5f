"""The policy's change history: each policy version (the manifest's content hash) and its date.

A build knows only the version it makes. Earlier versions come from the site's own record:
`privacy_notice.history` in mkdocs.yml (with notes on what changed) and, when
`privacy_notice.history_file` names a YAML file beside mkdocs.yml, that file, to which the
build adds each new version with the day it first built it. Commit the file with the site.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from .localized import LocalText
from .notice_model import Notice

log = get_plugin_logger(__name__)


def _file_entries(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise PluginError(
            f"consent plugin: option 'privacy_notice.history_file': {error}"
        ) from None
    if not isinstance(data, list) or not all(
        isinstance(item, dict) and {"version", "date"} <= set(item) for item in data
    ):
        raise PluginError(
            f"consent plugin: option 'privacy_notice.history_file': {path} must be a list of "
            "{version: ..., date: YYYY-MM-DD}"
        )
    return [{"version": str(item["version"]), "date": str(item["date"])} for item in data]


def history_of(notice: Notice, config: MkDocsConfig, version: str) -> list[dict[str, Any]]:
    """Every known version, newest first; the current one is always there."""
    entries: dict[str, dict[str, Any]] = {}
    path = None
    if notice.history_file:
        path = Path(config.config_file_path or ".").parent / notice.history_file
        for entry in _file_entries(path):
            entries[entry["version"]] = {**entry, "note": LocalText.parse("")}
    for entry in notice.history:
        entries[entry.version] = {"version": entry.version, "date": entry.date, "note": entry.note}
    if version not in entries:
        first_built = notice.last_modified or date.today().isoformat()
        entries[version] = {"version": version, "date": first_built, "note": LocalText.parse("")}
        if path is not None:
            _append(path, version, first_built)
    return sorted(
        entries.values(),
        key=lambda entry: (entry["date"], entry["version"] == version),
        reverse=True,
    )


def _append(path: Path, version: str, day: str) -> None:
    recorded = [*_file_entries(path), {"version": version, "date": day}]
    path.write_text(yaml.safe_dump(recorded, sort_keys=False), encoding="utf-8")
    log.info("policy version %s added to %s: commit it with the site", version, path)
