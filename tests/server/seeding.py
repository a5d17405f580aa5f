"""A consent log with history: decisions spread over past days, appended through the real store.

The store keeps a record's `created_at` when it is given, so weeks of decisions can be written in
a test without waiting for them; everything else (chain, rollup, personal-field sealing) is the
store's own work.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from consent_server.chain import seal_personal_fields
from consent_server.records import Record
from consent_server.store import ConsentStore
from consent_server.timestamps import format_timestamp

AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0",
)
PAGES = (
    "https://docs.example.com/",
    "https://docs.example.com/getting-started/",
    "https://docs.example.com/server/",
)


def decision(
    moment: datetime,
    method: str,
    granted: list[str],
    denied: list[str],
    policy_version: str,
    **fields,
) -> Record:
    record = Record(
        fields.pop("consent_id", str(uuid.uuid4())),
        format_timestamp(moment),
        method,
        ["necessary", *granted],
        denied,
        policy_version,
        language="en",
        **fields,
    )
    seal_personal_fields(record)
    return record


def seed_history(
    store: ConsentStore,
    days: int,
    policy_versions: tuple[str, ...] = ("v1",),
    per_day: tuple[int, int] = (4, 18),
    seed: int = 7,
) -> int:
    """Decisions on each of the last `days` days (today included); returns how many were written.

    Later policy versions take over the later part of the range; analytics is granted more often
    than marketing, as on most sites.
    """
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    written = 0
    for back in range(days - 1, -1, -1):
        day_start = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0)
        latest = now if back == 0 else day_start + timedelta(days=1)
        version = policy_versions[
            min(len(policy_versions) - 1, (days - 1 - back) * len(policy_versions) // days)
        ]
        moments = sorted(
            day_start + (latest - day_start) * rng.random() for _ in range(rng.randint(*per_day))
        )
        for moment in moments:
            method = rng.choices(("accept_all", "reject_all", "custom"), (5, 3, 2))[0]
            analytics = method == "accept_all" or (method == "custom" and rng.random() < 0.75)
            marketing = method == "accept_all" or (method == "custom" and rng.random() < 0.2)
            granted = [
                name for name, on in (("analytics", analytics), ("marketing", marketing)) if on
            ]
            denied = [
                name for name, on in (("analytics", analytics), ("marketing", marketing)) if not on
            ]
            store.append(
                decision(
                    moment, method, granted, denied, version,
                    gpc=rng.random() < 0.08, user_agent=rng.choice(AGENTS),
                    page_url=rng.choice(PAGES), ip="203.0.113.0",
                )
            )  # fmt: skip
            written += 1
    return written
