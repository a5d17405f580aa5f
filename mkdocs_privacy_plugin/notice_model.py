"""What `privacy_notice` in mkdocs.yml can say: the model behind the generated privacy notice.

Every text field takes a string or a mapping by language (see localized.py). Where a list or a
mapping is accepted, a plain string still works (one item, or the old one-ground shape), so
configs written for earlier versions build unchanged. `none` states that something does not
exist (no DPO, no transfers...), which the completeness check counts as stated.

The parts are MkDocs config classes (notice_options.py): a key whose name clashes with the
mapping a config is (`data`, `copy`) is declared with a trailing `_` and read as `part.data_`.
"""

from __future__ import annotations

import re

from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .notice_options import NONE, Count, Flag, Items, NoneOr, Part, Strict, TextOption, Url

GROUNDS = ("consent", "contract", "legal_obligation", "vital_interests", "public_task",
           "legitimate_interests")  # fmt: skip
SPECIAL_CONDITIONS = ("explicit_consent", "employment", "vital_interests", "not_for_profit",
                      "made_public", "legal_claims", "substantial_public_interest",
                      "health_care", "public_health", "archiving")  # fmt: skip
ROLES = ("processor", "joint_controller", "controller", "public_authority", "category")
SAFEGUARDS = ("adequacy", "sccs", "bcrs", "code_of_conduct", "certification", "derogation")
DEROGATIONS = ("explicit_consent", "contract", "contract_for_you", "public_interest",
               "legal_claims", "vital_interests")  # fmt: skip
REQUIREMENTS = ("statutory", "contractual", "precontractual", "voluntary")
SECTIONS = ("controller", "general", "activities", "recipients", "transfers", "security",
            "rights", "objection", "children", "changes")  # fmt: skip


def texts() -> Items:
    """A list of texts; one text alone, or nothing, is accepted as the earlier configs wrote it."""
    return Items(TextOption())


def text() -> TextOption:
    return TextOption(default="")


class Party(Strict):
    """A controller, representative, DPO or authority, with every way to reach them."""

    name = text()
    role = text()
    region = text()
    address = text()
    email = c.Type(str, default="")
    phone = c.Type(str, default="")
    fax = c.Type(str, default="")
    web_form = Url()
    url = Url()

    def reachable(self) -> bool:
        return bool(self.address or self.email or self.phone or self.fax or self.web_form)


class Ground(Strict):
    """One legal ground of an activity, with what it rests on (the interest, contract, law)."""

    ground = c.Choice(GROUNDS)
    explanation = text()

    @classmethod
    def reshape(cls, value: object) -> object:
        """`legal_grounds: [consent, contract]` names grounds without explaining them."""
        return {"ground": value} if isinstance(value, str) else value


class SpecialCategories(Strict):
    """Art. 9 data: which data, and the Art. 9(2) condition that allows processing it."""

    data_ = texts()
    condition = c.Choice(SPECIAL_CONDITIONS)
    explanation = text()


class Recipient(Strict):
    """Who receives the data; a plain string names the recipient alone."""

    name = TextOption()
    role = c.Optional(c.Choice(ROLES))
    purpose = text()
    country = text()

    @classmethod
    def reshape(cls, value: object) -> object:
        return {"name": value} if isinstance(value, str) else value


class Transfer(Strict):
    """A transfer to a third country and what allows it (Art. 44-49)."""

    recipient = TextOption()
    country = TextOption()
    processing = text()
    safeguard = c.Optional(c.Choice(SAFEGUARDS))
    derogation = c.Optional(c.Choice(DEROGATIONS))
    details = text()
    risks = text()
    copy_ = text()

    @classmethod
    def reshape(cls, value: object) -> object:
        """`safeguard: "Standard contractual clauses"` (the old free text) becomes details;
        `copy_`, the key's name in earlier versions' code, is read as `copy`."""
        if not isinstance(value, dict):
            return value
        value = dict(value)
        if "copy_" in value:
            value.setdefault("copy", value.pop("copy_"))
        safeguard = value.get("safeguard")
        if isinstance(safeguard, str | dict) and safeguard not in SAFEGUARDS:
            value.pop("safeguard")
            value.setdefault("details", safeguard)
        return value

    def check(self) -> None:
        if self.safeguard == "derogation" and self.derogation is None:
            raise ValidationError(
                f"safeguard: derogation needs derogation: one of {', '.join(DEROGATIONS)}"
            )


class Requirement(Strict):
    """Art. 13(2)(e): whether providing the data is required, and what follows if not."""

    kind = c.Choice(REQUIREMENTS)
    explanation = text()
    consequences = text()

    @classmethod
    def reshape(cls, value: object) -> object:
        return {"kind": value} if isinstance(value, str) else value


class AutomatedDecision(Strict):
    """Art. 13(2)(f): profiling or decisions by automated means, with logic and effects."""

    description = text()
    logic = TextOption()
    effects = TextOption()
    solely_automated = Flag(default=False)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Activity(Strict):
    """One processing activity: why, what, on which grounds, to whom, where, how long."""

    id = c.Type(str, default="")
    name = TextOption()
    description = text()
    purposes = texts()
    data_categories = texts()
    sources = texts()
    legal_grounds = Items(Part(Ground))
    """`consent`, `[consent, contract]` or `[{ground: ..., explanation: ...}]`."""
    special_categories = c.Optional(Part(SpecialCategories))
    recipients = Items(Part(Recipient))
    transfers = Items(Part(Transfer))
    retention = text()
    requirement = c.Optional(Part(Requirement))
    automated_decisions = c.Optional(Part(AutomatedDecision))

    @classmethod
    def reshape(cls, value: object) -> object:
        """The earlier `legal_ground` + `legitimate_interest` become one entry of legal_grounds."""
        if not isinstance(value, dict) or "legal_ground" not in value:
            return value
        value = dict(value)
        if "legal_grounds" in value:
            raise ValidationError("give legal_grounds (a list) or the older legal_ground, not both")
        ground = {"ground": value.pop("legal_ground")}
        if value.get("legitimate_interest"):
            ground["explanation"] = value["legitimate_interest"]
        value.pop("legitimate_interest", None)
        value["legal_grounds"] = [ground]
        return value

    def check(self) -> None:
        """An activity without an id takes one from its (English) name, for its anchor."""
        if not self.id:
            name, _ = self.name.pick("en", "en")
            self.id = slug(name) or "activity"
        elif not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", self.id):
            raise ValidationError("id: lowercase letters, digits and '-' only")


class RightsRequests(Strict):
    """Where and how visitors exercise their rights."""

    email = c.Type(str, default="")
    url = Url()
    identity_verification = text()
    fees = text()


class ConsentLog(Strict):
    """What the consent server does, as set in its CONSENT_* settings, for the notice to say."""

    ip_mode = c.Optional(c.Choice(("truncate", "drop", "hmac")))
    retention_days = c.Optional(Count())
    cookie_name = c.Type(str, default="consent")


class Section(Strict):
    """A section in the owner's own words, placed after one of the generated sections."""

    id = c.Type(str)
    title = TextOption()
    body = TextOption()
    after = c.Choice(SECTIONS, default="changes")


class HistoryEntry(Strict):
    """A policy version the site published before, with its date and what changed."""

    version = c.Type(str)
    date = c.Type(str)
    note = text()


class Notice(Strict):
    """The whole privacy notice. Leave a field out when unknown; say `none` when it is absent."""

    controller = Part(Party, default={})
    representatives = NoneOr(Items(Part(Party), one_or_none=False), "a list")
    dpo = NoneOr(c.Optional(Part(Party)), "a mapping")
    activities = Items(Part(Activity), one_or_none=False)
    recipients = NoneOr(Items(Part(Recipient), one_or_none=False), "a list")
    transfers = NoneOr(Items(Part(Transfer), one_or_none=False), "a list")
    automated_decisions = c.Optional(c.Choice((NONE,)))
    storage = text()
    security = text()
    rights_requests = Part(RightsRequests, default={})
    authority = Part(Party, default={})
    children = text()
    changes = text()
    sections = Items(Part(Section), one_or_none=False)
    consent_log = Part(ConsentLog, default={})
    last_modified = c.Type(str, default="")
    history = Items(Part(HistoryEntry), one_or_none=False)
    history_file = c.Type(str, default="")

    def check(self) -> None:
        seen: set[str] = set()
        for item in [*self.activities, *self.sections]:
            if item.id in seen:
                raise ValidationError(f"the id {item.id!r} is used twice (activities and sections)")
            seen.add(item.id)
