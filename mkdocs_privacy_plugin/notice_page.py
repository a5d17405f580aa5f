"""The privacy notice page: numbered sections in the order a reader and an auditor expect.

Each section is shown only when the configuration or the build knows what it says; owner
sections go after the generated section they name. Headings are Markdown, so they appear in
the table of contents; each carries a stable id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .heading_ids import with_id
from .notice_own import category_activities, own_activity
from .notice_view import NoticeView, fill, link
from .owner_markdown import OwnerMarkdown, heading_text
from .page_parts import STYLE, Section, blocks, format_day, history_rows
from .rights import objection_html, rights_sections

ORDER = ("controller", "general", "activities", "recipients", "transfers", "security",
         "objection", "rights", "children", "changes")  # fmt: skip


@dataclass
class NoticeInputs:
    """Everything the notice needs for one language."""

    language: str
    texts: dict[str, Any]
    notice: dict[str, Any]
    site_name: str
    site_url: str
    categories: list[dict]
    services: list[dict]
    endpoint: str | None
    lifetime_days: int
    policy_url: str
    md: OwnerMarkdown
    history: list[dict] = field(default_factory=list)


def privacy_notice_markdown(inputs: NoticeInputs) -> str:
    t, notice = inputs.texts, inputs.notice
    view = NoticeView(t, inputs.md)
    html = blocks(t)
    policy = link(inputs.policy_url, t["cookie_policy_title"])
    builders = {
        "controller": lambda: _controller(t, notice, view, html),
        "general": lambda: _prose_section("general", t["pn_general_title"], view, notice, "storage"),
        "activities": lambda: _activities(inputs, view, html),
        "recipients": lambda: _recipients(t, notice, view, inputs.services, policy),
        "transfers": lambda: _transfers(t, notice, view, html),
        "security": lambda: _prose_section("security", t["pn_security_title"], view, notice, "security"),
        "objection": lambda: Section("objection", t["objection_title"], objection_html(t)),
        "rights": lambda: rights_sections(t, notice, view, html, inputs.endpoint, policy),
        "children": lambda: _prose_section("children", t["pn_children_title"], view, notice, "children"),
        "changes": lambda: _changes(inputs, view, html),
    }  # fmt: skip
    sections: list[Section] = []
    for key in ORDER:
        built = builders[key]()
        if built is not None:
            sections.append(built)
        for index, own in enumerate(notice.get("sections", [])):
            if own["after"] == key:
                body = inputs.md.block(own["body"], f"privacy_notice.sections[{index}].body")
                sections.append(Section(own["id"], own["title"], body))
    intro = fill(t["pn_intro"], site=inputs.site_name, policy_link=policy)
    return _markdown(t["privacy_notice_title"], intro, sections, t["pn_contents"])


def _contents(sections: list[Section], label: str) -> Markup:
    """Every section and activity, numbered and linked, whatever depth the theme's TOC shows."""
    item = Markup('<li><a href="#{}">{} {}</a>{}</li>')
    entries = Markup("").join(
        item.format(
            section.anchor, f"{number}.", section.title,
            Markup("<ol>{}</ol>").format(Markup("").join(
                item.format(child.anchor, f"{number}.{sub}", child.title, "")
                for sub, child in enumerate(section.children, start=1)
            )) if section.children else "",
        )
        for number, section in enumerate(sections, start=1)
    )  # fmt: skip
    return Markup('<nav class="consent-contents" aria-label="{0}"><p><strong>{0}</strong></p>'
                  "<ol>{1}</ol></nav>").format(label, entries)  # fmt: skip


def _markdown(title: str, intro: Markup, sections: list[Section], contents: str) -> str:
    lines = [f"# {heading_text(title)}", "", f'<p class="consent-intro">{intro}</p>', ""]
    lines += [str(_contents(sections, contents)), ""]
    for number, section in enumerate(sections, start=1):
        lines += [f"## {with_id(f'{number}. ' + heading_text(section.title), section.anchor)}", ""]
        if section.html:
            lines += [f'<div class="consent-section">{section.html}</div>', ""]
        for sub_number, child in enumerate(section.children, start=1):
            numbered = f"{number}.{sub_number} " + heading_text(child.title)
            lines += [f"### {with_id(numbered, child.anchor)}", ""]
            if child.html:
                lines += [f'<div class="consent-section">{child.html}</div>', ""]
    return "\n".join(lines) + "\n" + STYLE


def _prose_section(
    anchor: str, title: str, view: NoticeView, notice: dict, key: str
) -> Section | None:
    text = notice.get(key, "")
    if not text:
        return None
    return Section(anchor, title, view.md.block(text, f"privacy_notice.{key}"))


def _controller(t: dict, notice: dict, view: NoticeView, html: Any) -> Section | None:
    children = []
    controller = notice["controller"]
    if controller.get("name") or _reachable(controller):
        body = Markup("<p>{}</p>").format(t["pn_controller_text"]) + html.party(
            view.party(controller)
        )
        children.append(Section("controller-identity", t["pn_controller_sub"], body))
    representatives = notice["representatives"]
    if representatives == "none":
        children.append(
            Section(
                "representatives",
                t["pn_representatives_sub"],
                Markup("<p>{}</p>").format(t["pn_representatives_none"]),
            )
        )
    elif representatives:
        parties = Markup("").join(
            html.party(view.party(item, t["pn_representative_role"])) for item in representatives
        )
        children.append(Section("representatives", t["pn_representatives_sub"], parties))
    dpo = notice["dpo"]
    if dpo == "none":
        children.append(
            Section("dpo", t["pn_dpo_sub"], Markup("<p>{}</p>").format(t["pn_dpo_none"]))
        )
    elif dpo and (dpo.get("name") or _reachable(dpo)):
        body = Markup("<p>{}</p>").format(t["pn_dpo_text"]) + html.party(view.party(dpo))
        children.append(Section("dpo", t["pn_dpo_sub"], body))
    return Section("controller", t["pn_controller_title"], children=children) if children else None


def _reachable(party: dict) -> bool:
    return any(party.get(key) for key in ("address", "email", "phone", "fax", "web_form"))


def _activities(inputs: NoticeInputs, view: NoticeView, html: Any) -> Section:
    t, notice = inputs.texts, inputs.notice
    owner = [
        view.activity(activity, f"privacy_notice.activities[{index}]")
        for index, activity in enumerate(notice["activities"])
    ]
    own = own_activity(
        t, endpoint=inputs.endpoint, lifetime_days=inputs.lifetime_days,
        consent_log=notice["consent_log"], site_url=inputs.site_url,
    )  # fmt: skip
    consented = category_activities(t, inputs.categories, inputs.services, inputs.policy_url)
    children = [Section(a["id"], a["name"], html.activity(a)) for a in [*owner, own, *consented]]
    intro = Markup("<p>{}</p>").format(t["pn_activities_intro"])
    return Section("activities", t["pn_activities_title"], intro, children)


def _recipients(
    t: dict, notice: dict, view: NoticeView, services: list, policy: Markup
) -> Section | None:
    parts: list[Markup] = []
    listed = notice["recipients"]
    if listed and listed != "none":
        entries = [
            view.recipient(item, f"privacy_notice.recipients[{i}]") for i, item in enumerate(listed)
        ]
        items = [
            Markup("{}{}{}{}").format(
                r["name"], Markup(", {}").format(r["role"]) if r["role"] else "",
                Markup(", {}").format(r["country"]) if r["country"] else "",
                Markup("{}{}").format(t["label_sep"], r["purpose"]) if r["purpose"] else "",
            )
            for r in entries
        ]  # fmt: skip
        parts.append(blocks(t).listed(t["pn_recipients_intro"], items))
    if services:
        names = [f"{s['provider'] or s['name']} ({s['name']})" for s in services]
        parts.append(blocks(t).listed(fill(t["pn_recipients_services"], policy_link=policy), names))
    if listed == "none" and not services:
        parts.append(Markup("<p>{}</p>").format(t["pn_recipients_none"]))
    return (
        Section("recipients", t["pn_recipients_title"], Markup("").join(parts)) if parts else None
    )


def _transfers(t: dict, notice: dict, view: NoticeView, html: Any) -> Section | None:
    rows = []
    declared = notice["transfers"]
    if declared and declared != "none":
        rows += [view.transfer(x, f"privacy_notice.transfers[{i}]") for i, x in enumerate(declared)]
    for index, activity in enumerate(notice["activities"]):
        for number, transfer in enumerate(activity.get("transfers", [])):
            row = view.transfer(transfer, f"privacy_notice.activities[{index}].transfers[{number}]")
            rows.append({**row, "processing": row["processing"] or activity["name"]})
    if rows:
        body = Markup("<p>{}</p>").format(t["pn_transfers_intro"]) + html.transfers_table(rows)
        return Section("transfers", t["pn_transfers_title"], body)
    if declared == "none":
        return Section(
            "transfers", t["pn_transfers_title"], Markup("<p>{}</p>").format(t["pn_transfers_none"])
        )
    return None


def _changes(inputs: NoticeInputs, view: NoticeView, html: Any) -> Section:
    t, notice = inputs.texts, inputs.notice
    text = notice.get("changes")
    body = (
        view.md.block(text, "privacy_notice.changes")
        if text
        else Markup("<p>{}</p>").format(t["pn_changes_text"])
    )
    last = notice.get("last_modified") or (inputs.history[0]["date"] if inputs.history else "")
    if last:
        body += Markup('<p>{}{}<time datetime="{}">{}</time></p>').format(
            t["pn_last_modified"], t["label_sep"], last, format_day(last, inputs.language)
        )
    if inputs.history:
        body += history_rows(t, inputs.history, inputs.language, view)
    return Section("changes", t["pn_changes_title"], body)
