"""What the plugin itself processes, disclosed on both pages without the owner writing it.

Only what the build knows is said: the `consent` local-storage key always; the consent server,
its cookie and its record only when an `endpoint` is set; how the server keeps IP addresses and
how long it keeps records only when `privacy_notice.consent_log` says so.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from .notice_view import fill, link

STORAGE_KEY = "consent"
OWN_ACTIVITY_ID = "cookie-choices"


def server_host(endpoint: str, site_url: str) -> str:
    """Where the consent server runs: its host, or the site's own for a path endpoint."""
    return urlsplit(endpoint).netloc or urlsplit(site_url).netloc or endpoint


def own_storage(
    t: dict[str, Any], *, endpoint: str | None, lifetime_days: int, cookie_name: str,
    site_name: str, site_url: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """The rows the necessary category shows in the cookie policy."""
    provider = fill(t["cp_own_provider"], site=site_name)
    rows = [
        {
            "name": STORAGE_KEY,
            "type": t["cp_type_local_storage"],
            "provider": provider,
            "purpose": t["cp_local_purpose"],
            "duration": fill(t["cp_local_duration"], days=lifetime_days),
        }
    ]
    if endpoint:
        rows.append(
            {
                "name": cookie_name,
                "type": t["cp_type_cookie"],
                "provider": provider,
                "purpose": fill(t["cp_cookie_purpose"], host=server_host(endpoint, site_url)),
                "duration": fill(t["cp_cookie_duration"], days=lifetime_days),
            }
        )
    return rows


def own_activity(
    t: dict[str, Any], *, endpoint: str | None, lifetime_days: int, consent_log: dict[str, Any],
    site_url: str,
) -> dict[str, Any]:  # fmt: skip
    """The processing of cookie choices, in the shape NoticeView.activity returns."""
    code = Markup("<code>{}</code>")
    paragraphs = [fill(t["own_choice_local"], key=code.format(STORAGE_KEY), days=lifetime_days)]
    purposes, data = [fill(t["own_purpose_local"])], [fill(t["own_data_choice"])]
    retention = [fill(t["own_retention_local"], days=lifetime_days)]
    if endpoint:
        ip_mode = consent_log.get("ip_mode") or "unknown"
        paragraphs.append(
            fill(
                t["own_choice_server"],
                host=server_host(endpoint, site_url),
                ip=t[f"own_ip_{ip_mode}"],
                cookie=code.format(consent_log.get("cookie_name") or "consent"),
                days=lifetime_days,
            )
        )
        purposes.append(fill(t["own_purpose_record"]))
        data.append(fill(t["own_data_record"]))
        if consent_log.get("retention_days"):
            retention.append(fill(t["own_retention_record"], days=consent_log["retention_days"]))
    else:
        paragraphs.append(fill(t["own_choice_local_only"]))
    return {
        "id": OWN_ACTIVITY_ID,
        "name": t["own_choice_title"],
        "description": Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs),
        "purposes": purposes,
        "data": data,
        "sources": [],
        "grounds": [
            {
                "ground": "legal_obligation",
                "label": t["ground_legal_obligation"],
                "explain_label": t["explain_legal_obligation"],
                "explanation": fill(t["own_ground_text"]),
            }
        ],
        "special": None,
        "recipients": [],
        "transfers": [],
        "retention": Markup("<br>").join(retention),
        "requirement": {"text": fill(t["own_requirement"]), "explanation": "", "consequences": ""},
        "automated": None,
    }


def category_activities(
    t: dict[str, Any], categories: list[dict], services: list[dict], policy_url: str
) -> list[dict[str, Any]]:
    """Each optional cookie category, as an activity that rests on consent."""
    policy = link(policy_url, t["cookie_policy_title"])
    activities = []
    for category in categories:
        if category["required"]:
            continue
        own = [service for service in services if service["category"] == category["id"]]
        activities.append(
            {
                "id": f"consent-{category['id']}",
                "name": category["title"],
                "description": "",
                "purposes": [fill(category["description"] or category["title"])],
                "data": [],
                "sources": [],
                "grounds": [
                    {
                        "ground": "consent",
                        "label": t["ground_consent"],
                        "explain_label": "",
                        "explanation": "",
                    }
                ],
                "special": None,
                "recipients": [
                    {
                        "name": service["provider"] or service["name"],
                        "role": "",
                        "country": "",
                        "purpose": fill(service["purpose"] or service["name"]),
                    }
                    for service in own
                ],
                "transfers": [],
                "retention": fill(t["category_retention"], policy_link=policy),
                "requirement": {
                    "text": fill(t["category_requirement"]),
                    "explanation": "",
                    "consequences": "",
                },
                "automated": None,
            }
        )
    return activities
