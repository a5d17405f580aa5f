"""The data subject's rights, explained in full, and how to exercise them.

Art. 21 (objection) is its own section, apart from the other rights, as Art. 21(4) requires.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .notice_view import NoticeView, fill, link
from .page_parts import Section

P = Markup("<p>{}</p>")


def _listed(intro: str, entries: list[str], after: list[str] = ()) -> Markup:
    items = Markup("").join(Markup("<li>{}</li>").format(entry) for entry in entries)
    return P.format(intro) + Markup("<ul>{}</ul>").format(items) + _paragraphs(after)


def _paragraphs(texts: list[Any]) -> Markup:
    return Markup("").join(P.format(text) for text in texts if text)


def objection_html(t: dict[str, Any]) -> Markup:
    body = _paragraphs([t["objection_situation"], t["objection_marketing"], t["objection_how"]])
    return Markup('<div class="consent-objection" role="note">{}</div>').format(body)


def rights_sections(
    t: dict[str, Any], notice: dict[str, Any], view: NoticeView, html: Any,
    endpoint: str | None, policy: Markup,
) -> Section:  # fmt: skip
    automated = [P.format(t["right_22_text"])]
    if notice.get("automated_decisions") == "none":
        automated.append(P.format(t["pn_automated_none"]))
    if any(activity.get("automated_decisions") for activity in notice["activities"]):
        automated.append(P.format(t["pn_automated_declared"]))
    complaint = P.format(t["right_77_text"])
    authority = notice["authority"]
    if authority.get("name"):
        complaint += P.format(t["right_77_authority"]) + html.party(view.party(authority))
    children = [
        Section("right-7-3", t["right_7_3_title"], P.format(t["right_7_3_text"])),
        Section("right-15", t["right_15_title"], _paragraphs([t["right_15_text"], t["right_15_copy"]])),
        Section("right-16", t["right_16_title"], P.format(t["right_16_text"])),
        Section("right-17", t["right_17_title"], _listed(t["right_17_intro"], t["right_17_grounds"])
                + _listed(t["right_17_exceptions_intro"], t["right_17_exceptions"], [t["right_17_public"]])),
        Section("right-18", t["right_18_title"], _listed(t["right_18_intro"], t["right_18_cases"], [t["right_18_effect"]])),
        Section("right-19", t["right_19_title"], P.format(t["right_19_text"])),
        Section("right-20", t["right_20_title"], _listed(t["right_20_intro"], t["right_20_conditions"], [t["right_20_direct"]])),
        Section("right-22", t["right_22_title"], Markup("").join(automated)),
        Section("right-77", t["right_77_title"], complaint),
        Section("exercise", t["pn_exercise_title"], _exercise(t, notice, view, endpoint, policy)),
    ]  # fmt: skip
    return Section("rights", t["pn_rights_title"], P.format(t["pn_rights_intro"]), children)


def _exercise(
    t: dict[str, Any], notice: dict[str, Any], view: NoticeView, endpoint: str | None,
    policy: Markup,
) -> Markup:  # fmt: skip
    route = notice["rights_requests"]
    parts = []
    if route.get("email"):
        email = link(f"mailto:{route['email']}", route["email"])
        parts.append(fill(t["pn_exercise_email"], email=email))
    if route.get("url"):
        parts.append(
            fill(t["pn_exercise_form"], form=link(route["url"], t["pn_exercise_form_label"]))
        )
    controller = notice["controller"]
    if not parts and (
        controller.get("email") or controller.get("address") or controller.get("web_form")
    ):
        parts.append(fill(t["pn_exercise_controller"]))
    parts.append(fill(t["pn_exercise_cookies"]))
    if endpoint:
        parts.append(fill(t["pn_exercise_record"], policy_link=policy))
    parts.append(fill(t["pn_exercise_deadline"]))
    body = _paragraphs(parts)
    for key, label in (("identity_verification", "pn_identity"), ("fees", "pn_fees")):
        if route.get(key):
            text = view.prose(route[key], f"privacy_notice.rights_requests.{key}")
            body += Markup("<p><strong>{}</strong>{}{}</p>").format(t[label], t["label_sep"], text)
    return body
