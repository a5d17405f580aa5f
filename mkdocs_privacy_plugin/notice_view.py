"""The notice's parts as the page shows them: labels from the locale, owner prose as HTML.

Input is the notice resolved to one language (plain dicts and strings); output is the same
parts with every value escaped or rendered, ready for the block templates.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .owner_markdown import OwnerMarkdown, plain

PROSE = object()


def fill(text: str, **values: Any) -> Markup:
    """A bundled sentence with its {placeholders} filled; values that are not Markup are escaped."""
    result = escape(text)
    for key, value in values.items():
        result = Markup(str(result).replace("{" + key + "}", str(escape(value))))  # noqa: S704
    return result


def link(url: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, text)


class NoticeView:
    """Turns resolved notice parts into what the templates show, for one language."""

    def __init__(self, texts: dict[str, Any], md: OwnerMarkdown) -> None:
        self.t, self.md = texts, md

    def prose(self, text: str, option: str) -> Markup:
        return self.md.inline(text, option) if text else Markup("")

    def prose_list(self, texts: list[str], option: str) -> list[Markup]:
        return [self.prose(text, f"{option}[{index}]") for index, text in enumerate(texts) if text]

    def party(self, party: dict[str, Any], role_default: str = "") -> dict[str, Any]:
        return {
            "name": party.get("name", ""),
            "role": party.get("role") or role_default,
            "region": party.get("region", ""),
            "address": plain(party.get("address", "")),
            **{key: party.get(key, "") for key in ("email", "phone", "fax", "web_form", "url")},
        }

    def ground(self, ground: dict[str, Any], option: str) -> dict[str, Any]:
        kind = ground["ground"]
        return {
            "ground": kind,
            "label": self.t[f"ground_{kind}"],
            "explain_label": self.t[f"explain_{kind}"],
            "explanation": self.prose(ground.get("explanation", ""), f"{option}.explanation"),
        }

    def recipient(self, recipient: dict[str, Any], option: str) -> dict[str, Any]:
        role = recipient.get("role")
        return {
            "name": recipient["name"],
            "role": self.t[f"role_{role}"] if role else "",
            "country": recipient.get("country", ""),
            "purpose": self.prose(recipient.get("purpose", ""), f"{option}.purpose"),
        }

    def transfer(self, transfer: dict[str, Any], option: str) -> dict[str, Any]:
        safeguard, derogation = transfer.get("safeguard"), transfer.get("derogation")
        if safeguard == "derogation":
            basis = self.t[f"derogation_{derogation}"]
        elif safeguard:
            basis = self.t[f"safeguard_{safeguard}"]
        else:
            basis = ""
        details = self.prose(transfer.get("details", ""), f"{option}.details")
        risks = transfer.get("risks") or (
            self.t["derogation_risks_default"] if safeguard == "derogation" else ""
        )
        return {
            "recipient": transfer["recipient"],
            "country": transfer["country"],
            "processing": transfer.get("processing", ""),
            "basis": basis or details,
            "details": details if basis else "",
            "risks": self.prose(risks, f"{option}.risks"),
            "copy_text": self.prose(transfer.get("copy", ""), f"{option}.copy"),
        }

    def activity(self, activity: dict[str, Any], option: str) -> dict[str, Any]:
        special = activity.get("special_categories")
        requirement = activity.get("requirement")
        automated = activity.get("automated_decisions")
        return {
            "id": activity["id"],
            "name": activity["name"],
            "description": self.md.block(activity.get("description", ""), f"{option}.description"),
            "purposes": self.prose_list(activity.get("purposes", []), f"{option}.purposes"),
            "data": self.prose_list(
                activity.get("data_categories", []), f"{option}.data_categories"
            ),
            "sources": self.prose_list(activity.get("sources", []), f"{option}.sources"),
            "grounds": [
                self.ground(ground, f"{option}.legal_grounds[{index}]")
                for index, ground in enumerate(activity.get("legal_grounds", []))
            ],
            "special": special
            and {
                "label": self.t[f"special_{special['condition']}"],
                "data": self.prose_list(
                    special.get("data", []), f"{option}.special_categories.data"
                ),
                "explanation": self.prose(
                    special.get("explanation", ""), f"{option}.special_categories.explanation"
                ),
            },
            "recipients": [
                self.recipient(recipient, f"{option}.recipients[{index}]")
                for index, recipient in enumerate(activity.get("recipients", []))
            ],
            "transfers": [
                self.transfer(transfer, f"{option}.transfers[{index}]")
                for index, transfer in enumerate(activity.get("transfers", []))
            ],
            "retention": self.prose(activity.get("retention", ""), f"{option}.retention"),
            "requirement": requirement
            and {
                "text": self.t[f"requirement_{requirement['kind']}"],
                "explanation": self.prose(
                    requirement.get("explanation", ""), f"{option}.requirement.explanation"
                ),
                "consequences": self.prose(
                    requirement.get("consequences", ""), f"{option}.requirement.consequences"
                ),
            },
            "automated": automated
            and {
                "description": self.prose(
                    automated.get("description", ""), f"{option}.automated_decisions.description"
                ),
                "logic": self.prose(automated["logic"], f"{option}.automated_decisions.logic"),
                "effects": self.prose(
                    automated["effects"], f"{option}.automated_decisions.effects"
                ),
                "solely_automated": automated.get("solely_automated", False),
            },
        }
