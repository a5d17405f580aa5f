"""What `privacy_notice` in mkdocs.yml can say: the model behind the generated privacy notice.

Every text field takes a string or a mapping by language (see localized.py). Where a list or a
mapping is accepted, a plain string still works (one item, or the old one-ground shape), so
configs written for earlier versions build unchanged. `none` states that something does not
exist (no DPO, no transfers...), which the completeness check counts as stated.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

from .localized import LocalText
from .urls import checked_url

Text = Annotated[LocalText, BeforeValidator(LocalText.parse)]
NONE = "none"


def _listed(value: object) -> object:
    return [] if value is None else value if isinstance(value, list) else [value]


def _url(value: str) -> str:
    return checked_url(value, "URL") if value else value


Texts = Annotated[list[Text], BeforeValidator(_listed)]
Url = Annotated[str, AfterValidator(_url)]
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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(Strict):
    """A controller, representative, DPO or authority, with every way to reach them."""

    name: Text = LocalText.parse("")
    role: Text = LocalText.parse("")
    region: Text = LocalText.parse("")
    address: Text = LocalText.parse("")
    email: str = ""
    phone: str = ""
    fax: str = ""
    web_form: Url = ""
    url: Url = ""

    def reachable(self) -> bool:
        return bool(self.address or self.email or self.phone or self.fax or self.web_form)


class Ground(Strict):
    """One legal ground of an activity, with what it rests on (the interest, contract, law)."""

    ground: Literal[GROUNDS]  # type: ignore[valid-type]
    explanation: Text = LocalText.parse("")


class SpecialCategories(Strict):
    """Art. 9 data: which data, and the Art. 9(2) condition that allows processing it."""

    data: Texts = []
    condition: Literal[SPECIAL_CONDITIONS]  # type: ignore[valid-type]
    explanation: Text = LocalText.parse("")


class Recipient(Strict):
    name: Text
    role: Literal[ROLES] | None = None  # type: ignore[valid-type]
    purpose: Text = LocalText.parse("")
    country: Text = LocalText.parse("")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class Transfer(Strict):
    """A transfer to a third country and what allows it (Art. 44-49)."""

    recipient: Text
    country: Text
    processing: Text = LocalText.parse("")
    safeguard: Literal[SAFEGUARDS] | None = None  # type: ignore[valid-type]
    derogation: Literal[DEROGATIONS] | None = None  # type: ignore[valid-type]
    details: Text = LocalText.parse("")
    risks: Text = LocalText.parse("")
    copy_: Text = LocalText.parse("")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _free_text_safeguard(cls, value: Any) -> Any:
        """`safeguard: "Standard contractual clauses"` (the old free text) becomes details."""
        if isinstance(value, dict):
            value = dict(value)
            if "copy" in value:
                value["copy_"] = value.pop("copy")
            safeguard = value.get("safeguard")
            if isinstance(safeguard, str | dict) and safeguard not in SAFEGUARDS:
                value.pop("safeguard")
                value.setdefault("details", safeguard)
        return value

    @model_validator(mode="after")
    def _derogation_named(self) -> Transfer:
        if self.safeguard == "derogation" and self.derogation is None:
            raise ValueError(
                f"safeguard: derogation needs derogation: one of {', '.join(DEROGATIONS)}"
            )
        return self


class Requirement(Strict):
    """Art. 13(2)(e): whether providing the data is required, and what follows if not."""

    kind: Literal[REQUIREMENTS]  # type: ignore[valid-type]
    explanation: Text = LocalText.parse("")
    consequences: Text = LocalText.parse("")

    @model_validator(mode="before")
    @classmethod
    def _from_kind(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value


class AutomatedDecision(Strict):
    """Art. 13(2)(f): profiling or decisions by automated means, with logic and effects."""

    description: Text = LocalText.parse("")
    logic: Text
    effects: Text
    solely_automated: bool = False


def _grounds(value: Any) -> Any:
    """`legal_grounds: consent`, `[consent, contract]` or `[{ground: ..., explanation: ...}]`."""
    items = _listed(value)
    return [{"ground": item} if isinstance(item, str) else item for item in items]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Activity(Strict):
    """One processing activity: why, what, on which grounds, to whom, where, how long."""

    id: str = ""
    name: Text
    description: Text = LocalText.parse("")
    purposes: Texts = []
    data_categories: Texts = []
    sources: Texts = []
    legal_grounds: Annotated[list[Ground], BeforeValidator(_grounds)] = []
    special_categories: SpecialCategories | None = None
    recipients: Annotated[list[Recipient], BeforeValidator(_listed)] = []
    transfers: Annotated[list[Transfer], BeforeValidator(_listed)] = []
    retention: Text = LocalText.parse("")
    requirement: Requirement | None = None
    automated_decisions: AutomatedDecision | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_ground_shape(cls, value: Any) -> Any:
        """The earlier `legal_ground` + `legitimate_interest` become one entry of legal_grounds."""
        if not isinstance(value, dict) or "legal_ground" not in value:
            return value
        value = dict(value)
        if "legal_grounds" in value:
            raise ValueError("give legal_grounds (a list) or the older legal_ground, not both")
        ground = {"ground": value.pop("legal_ground")}
        if value.get("legitimate_interest"):
            ground["explanation"] = value["legitimate_interest"]
        value.pop("legitimate_interest", None)
        value["legal_grounds"] = [ground]
        return value

    @model_validator(mode="after")
    def _has_id(self) -> Activity:
        if not self.id:
            name, _ = self.name.pick("en", "en")
            object.__setattr__(self, "id", slug(name) or "activity")
        elif not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", self.id):
            raise ValueError("id: lowercase letters, digits and '-' only")
        return self


class RightsRequests(Strict):
    """Where and how visitors exercise their rights."""

    email: str = ""
    url: Url = ""
    identity_verification: Text = LocalText.parse("")
    fees: Text = LocalText.parse("")


class ConsentLog(Strict):
    """What the consent server does, as set in its CONSENT_* settings, for the notice to say."""

    ip_mode: Literal["truncate", "drop", "hmac"] | None = None
    retention_days: int | None = None
    cookie_name: str = "consent"


class Section(Strict):
    """A section in the owner's own words, placed after one of the generated sections."""

    id: str
    title: Text
    body: Text
    after: Literal[SECTIONS] = "changes"  # type: ignore[valid-type]


class HistoryEntry(Strict):
    version: str
    date: str
    note: Text = LocalText.parse("")


def _none_or(value: Any) -> Any:
    return NONE if isinstance(value, str) and value.lower() == NONE else value


Stated = Literal["none"]


class Notice(Strict):
    """The whole privacy notice. Leave a field out when unknown; say `none` when it is absent."""

    controller: Party = Party()
    representatives: Annotated[list[Party] | Stated, BeforeValidator(_none_or)] = []
    dpo: Annotated[Party | Stated | None, BeforeValidator(_none_or)] = None
    activities: list[Activity] = []
    recipients: Annotated[list[Recipient] | Stated, BeforeValidator(_none_or)] = []
    transfers: Annotated[list[Transfer] | Stated, BeforeValidator(_none_or)] = []
    automated_decisions: Stated | None = None
    storage: Text = LocalText.parse("")
    security: Text = LocalText.parse("")
    rights_requests: RightsRequests = RightsRequests()
    authority: Party = Party()
    children: Text = LocalText.parse("")
    changes: Text = LocalText.parse("")
    sections: list[Section] = []
    consent_log: ConsentLog = ConsentLog()
    last_modified: str = ""
    history: list[HistoryEntry] = []
    history_file: str = ""

    @model_validator(mode="after")
    def _unique_ids(self) -> Notice:
        seen: set[str] = set()
        for item in [*self.activities, *self.sections]:
            if item.id in seen:
                raise ValueError(f"the id {item.id!r} is used twice (activities and sections)")
            seen.add(item.id)
        return self
