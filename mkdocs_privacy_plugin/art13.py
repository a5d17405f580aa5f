"""The Art. 13 completeness check of the generated privacy notice, run at build time.

Each of the 15 items of Art. 13(1) and (2) is present, stated absent (`none` in the config),
not applicable, not stated, or missing. A missing mandatory item is a warning naming the key to
set, which `mkdocs build --strict` turns into a failed build; an item the GDPR requires only
"where applicable" that the config does not mention is listed, since only the owner knows.
The table goes into consent/notice-check.json and, when the privacy audit ran, into
consent/audit.json under "privacy_notice".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from .config import ConsentPluginConfig
from .notice_model import Notice
from .notice_options import NONE

log = get_plugin_logger(__name__)
CHECK_PATH = "consent/notice-check.json"
COPY_NEEDED = {"sccs", "bcrs", "code_of_conduct", "certification"}
DONE = ("present", "stated absent", "not applicable")


@dataclass
class Item:
    article: str
    item: str
    status: str
    section: str = ""
    keys: tuple[str, ...] = ()
    mandatory: bool = True


def _activities(notice: Notice) -> list[tuple[str, Any]]:
    return [(f"privacy_notice.activities[{i}]", a) for i, a in enumerate(notice.activities)]


def _all_transfers(notice: Notice) -> list[tuple[str, Any]]:
    found = []
    if notice.transfers != NONE:
        found += [(f"privacy_notice.transfers[{i}]", t) for i, t in enumerate(notice.transfers)]
    for option, activity in _activities(notice):
        found += [(f"{option}.transfers[{i}]", t) for i, t in enumerate(activity.transfers)]
    return found


def _where(missing: list[str], section: str, ok: str = "present") -> tuple[str, str, tuple]:
    return ("missing", section, tuple(missing)) if missing else (ok, section, ())


def check(plugin: ConsentPluginConfig) -> list[Item]:
    notice = plugin.privacy_notice
    activities = _activities(notice)
    c = notice.controller
    items = [
        Item("13(1)(a)", "identity of the controller", *_where([] if c.name else ["privacy_notice.controller.name"], "controller-identity")),
        Item("13(1)(a)", "contact details of the controller", *_where([] if c.reachable() else ["privacy_notice.controller.email"], "controller-identity")),
        _stated("13(1)(a)", "representative (Art. 27)", notice.representatives, "representatives", "privacy_notice.representatives"),
        _dpo(notice),
        Item("13(1)(c)", "purposes of the processing", *_where([f"{o}.purposes" for o, a in activities if not a.purposes], "activities")),
        Item("13(1)(c)", "legal basis of the processing", *_where([f"{o}.legal_grounds" for o, a in activities if not a.legal_grounds], "activities")),
        _interests(activities),
        _recipients(plugin, notice),
        _transfers(notice),
        _retention(plugin, activities),
        Item("13(2)(b)", "rights of access, rectification, erasure, restriction, objection, portability", "present", "rights"),
        Item("13(2)(c)", "right to withdraw consent", "present", "right-7-3"),
        Item("13(2)(d)", "right to lodge a complaint with a supervisory authority", "present", "right-77"),
        _requirement(activities),
        _automated(notice, activities),
    ]  # fmt: skip
    return items


def _stated(article: str, what: str, value: Any, section: str, key: str) -> Item:
    if value == NONE:
        return Item(article, what, "stated absent", section)
    if value:
        return Item(article, what, "present", section)
    return Item(article, what, "not stated", "", (key,), mandatory=False)


def _dpo(notice: Notice) -> Item:
    dpo = notice.dpo
    if dpo is not None and dpo != NONE and not (dpo.name or dpo.reachable()):
        dpo = None  # `dpo: {}`, as earlier configs could say for "no DPO given"
    if dpo is not None and dpo != NONE and not dpo.reachable():
        return Item(
            "13(1)(b)",
            "contact details of the data protection officer",
            "missing",
            "dpo",
            ("privacy_notice.dpo.email",),
        )
    return _stated("13(1)(b)", "contact details of the data protection officer", dpo, "dpo", "privacy_notice.dpo")  # fmt: skip


def _interests(activities: list[tuple[str, Any]]) -> Item:
    uses = [
        (f"{option}.legal_grounds[{i}].explanation", ground)
        for option, activity in activities
        for i, ground in enumerate(activity.legal_grounds)
        if ground.ground == "legitimate_interests"
    ]
    if not uses:
        return Item("13(1)(d)", "legitimate interests pursued", "not applicable")
    return Item("13(1)(d)", "legitimate interests pursued", *_where([key for key, g in uses if not g.explanation], "activities"))  # fmt: skip


def _recipients(plugin: ConsentPluginConfig, notice: Notice) -> Item:
    known = plugin.services or (notice.recipients and notice.recipients != NONE)
    known = known or any(activity.recipients for activity in notice.activities)
    if known:
        return Item("13(1)(e)", "recipients or categories of recipients", "present", "recipients")
    return _stated("13(1)(e)", "recipients or categories of recipients", notice.recipients, "recipients", "privacy_notice.recipients")  # fmt: skip


def _transfers(notice: Notice) -> Item:
    what = "transfers to third countries and their safeguards"
    transfers = _all_transfers(notice)
    if not transfers:
        return _stated("13(1)(f)", what, notice.transfers, "transfers", "privacy_notice.transfers")
    missing = []
    for option, transfer in transfers:
        if not transfer.safeguard and not transfer.details:
            missing.append(f"{option}.safeguard")
        if transfer.safeguard in COPY_NEEDED and not transfer.copy_:
            missing.append(f"{option}.copy")
    return Item("13(1)(f)", what, *_where(missing, "transfers"))


def _retention(plugin: ConsentPluginConfig, activities: list[tuple[str, Any]]) -> Item:
    missing = [f"{option}.retention" for option, activity in activities if not activity.retention]
    if plugin.endpoint and not plugin.privacy_notice.consent_log.retention_days:
        missing.append("privacy_notice.consent_log.retention_days")
    return Item("13(2)(a)", "storage period or the criteria for it", *_where(missing, "activities"))


def _requirement(activities: list[tuple[str, Any]]) -> Item:
    what = "whether providing the data is required, and the consequences of not providing it"
    missing = tuple(
        f"{option}.requirement" for option, activity in activities if not activity.requirement
    )
    if missing:
        return Item("13(2)(e)", what, "not stated", "", missing, mandatory=False)
    return Item("13(2)(e)", what, "present", "activities")


def _automated(notice: Notice, activities: list[tuple[str, Any]]) -> Item:
    what = "automated decision-making, including profiling"
    if any(activity.automated_decisions for _, activity in activities):
        return Item("13(2)(f)", what, "present", "right-22")
    return _stated("13(2)(f)", what, notice.automated_decisions, "right-22", "privacy_notice.automated_decisions")  # fmt: skip


def report(items: list[Item]) -> dict[str, Any]:
    """Warn about each missing mandatory item, list the unstated ones, print the summary."""
    for item in items:
        if item.status == "missing":
            for key in item.keys:
                log.warning(
                    "privacy notice: Art. %s %s is missing: set %s", item.article, item.item, key
                )
        elif item.status == "not stated":
            log.info(
                "privacy notice: Art. %s %s is not stated: set %s (or `none` where it does not apply)",
                item.article, item.item, " or ".join(item.keys),
            )  # fmt: skip
    done = sum(item.status in DONE for item in items)
    log.info("privacy notice: %d/%d Art. 13 items", done, len(items))
    return {
        "checked": True,
        "complete": done,
        "total": len(items),
        "items": [asdict(item) for item in items],
    }


def read_table(site_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((site_dir / CHECK_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_table(site_dir: Path, table: dict[str, Any] | None) -> None:
    """The table in consent/notice-check.json (the audit's report carries it too)."""
    if table is None:
        return
    own = site_dir / CHECK_PATH
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(json.dumps(table, indent=2, ensure_ascii=False), encoding="utf-8")
