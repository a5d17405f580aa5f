"""The notice's option types on their own: every problem at once, earlier shapes, read-only parts."""

from __future__ import annotations

import pytest
from mkdocs.config.base import ValidationError

from mkdocs_privacy_plugin.config import NoticeOption
from mkdocs_privacy_plugin.localized import resolve


def _notice(value: dict):
    return NoticeOption().run_validation(value)


def _problems(value: dict) -> list[str]:
    with pytest.raises(ValidationError) as failure:
        _notice(value)
    return str(failure.value).splitlines()


def test_every_problem_is_named_at_once_by_its_path():
    lines = _problems(
        {
            "authority": {"url": "javascript:alert(1)"},
            "consent_log": {"retention_days": "many"},
            "activities": [{"name": "A", "purposes": ["ok", None], "special_categories": {}}],
        }
    )
    assert [line.split(":")[0] for line in lines] == [
        "privacy_notice.activities[0].purposes[1]",
        "privacy_notice.activities[0].special_categories.condition",
        "privacy_notice.authority.url",
        "privacy_notice.consent_log.retention_days",
    ]


def test_an_unknown_key_is_an_error_that_lists_the_known_ones():
    (line,) = _problems({"controller": {"name": "A", "mail": "a@example.com"}})
    assert line.startswith("privacy_notice.controller.mail: not an option here")
    assert "email" in line


def test_the_earlier_shapes_load_as_their_current_form():
    notice = _notice(
        {
            "dpo": "None",
            "activities": [
                {
                    "name": "Server Logs",
                    "legal_ground": "legitimate_interests",
                    "legitimate_interest": "Security",
                    "recipients": "Host Inc",
                    "requirement": "voluntary",
                    "purposes": "Keeping the site up",
                }
            ],
            "transfers": [{"recipient": "A", "country": "US", "safeguard": "SCCs", "copy_": "Ask"}],
            "consent_log": {"retention_days": "365"},
        }
    )
    activity, transfer = notice.activities[0], notice.transfers[0]
    assert notice.dpo == "none" and activity.id == "server-logs"
    assert activity.legal_grounds[0].ground == "legitimate_interests"
    assert resolve(activity.legal_grounds[0].explanation, "en", "en", print, "") == "Security"
    assert activity.recipients[0].role is None and activity.requirement.kind == "voluntary"
    assert len(activity.purposes) == 1 and notice.consent_log.retention_days == 365
    assert transfer.safeguard is None and bool(transfer.details) and bool(transfer.copy_)


def test_a_checked_part_is_read_only():
    notice = _notice({"controller": {"name": "A"}})
    with pytest.raises(TypeError):
        notice.controller.name = "B"
    with pytest.raises(TypeError):
        notice["activities"] = []


def test_a_resolved_notice_is_plain_data_with_the_keys_of_mkdocs_yml():
    notice = _notice({"transfers": [{"recipient": "A", "country": "US", "copy": {"de": "Kopie"}}]})
    warned = []
    resolved = resolve(notice, "en", "de", lambda *args: warned.append(args), "privacy_notice")
    assert type(resolved["transfers"][0]) is dict and resolved["transfers"][0]["copy"] == "Kopie"
    assert warned == [("privacy_notice.transfers[0].copy", "en")]
