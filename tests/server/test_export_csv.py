"""The CSV export, built by the database: the same cells on both backends, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from consent_server.chain import seal_personal_fields
from consent_server.records import Record
from consent_server.store import RecordFilter
from consent_server.store.csv_export import EXPORT_FIELDS, csv_line
from consent_server.store.rows import row_values

HOSTILE_TEXTS = [
    '=HYPERLINK("https://evil.example"),"x"',
    "+1, -1",
    "-2",
    "https://starts.like/a-url",
    "@SUM(A1)",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "line\nbreak",
    'plain "quoted" text',
    "ü, 日本語",
    "a\x1funit separator",
    "a\x1erecord separator",
    "",
]


def record(index: int, user_agent: str, **fields: object) -> Record:
    base = Record(
        consent_id=f"visitor-{index}",
        created_at="",
        method="custom",
        granted=["analytics", "necessary"],
        denied=["marketing"],
        policy_version="v1",
        language="en",
        page_url=f'https://docs.example.com/a,b/{index}?q="x"',
        ip="203.0.113.0/24",
        user_agent=user_agent,
        origin=user_agent,
    )
    for name, value in fields.items():
        setattr(base, name, value)
    seal_personal_fields(base)
    return base


def expected_cell(value: object) -> str:
    """What a spreadsheet-safe export shows for a value, written independently of the SQL."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return " ".join(value)
    text = str(value)
    if text.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + text
    return text


def exported_rows(store, record_filter: RecordFilter | None = None) -> list[dict[str, str]]:
    text = "".join(store.export_csv(record_filter))
    assert text.endswith("\r\n")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == EXPORT_FIELDS
    return list(reader)


def test_every_cell_matches_the_record_and_formulas_are_neutralised(backend):
    store = backend.open()
    stored = [store.append(record(index, text)) for index, text in enumerate(HOSTILE_TEXTS)]
    stored.append(
        store.append(
            record(
                99,
                "Agent/1",
                granted=[],
                denied=[],
                granted_services=["video.example"],
                denied_services=["ads-1", "maps"],
                policy_version="v2.1_b-c",
                request_id="a-request-id_0001",
                gpc=True,
            )
        )
    )

    rows = exported_rows(store)

    assert len(rows) == len(stored)
    for row, original in zip(rows, stored, strict=True):
        public = original.public()
        assert row == {name: expected_cell(public[name]) for name in EXPORT_FIELDS}


def test_erased_records_export_blank_personal_fields(backend):
    store = backend.open()
    first = store.append(record(1, "Agent/1"))
    erase = Record(first.consent_id, "", "erase", [], [], "")
    store.erase(first.consent_id, erase)

    rows = exported_rows(store)

    assert [(row["erased"], row["user_agent"], row["page_url"]) for row in rows] == [
        ("True", "", ""),
        ("False", "", ""),
    ]


def test_filters_apply_and_an_empty_log_exports_its_header(backend):
    store = backend.open()
    assert exported_rows(store) == []
    store.append(record(1, "Agent/1"))
    store.append(record(2, "Agent/1", policy_version="v2"))

    rows = exported_rows(store, RecordFilter(policy_version="v2"))

    assert [row["seq"] for row in rows] == ["2"]


def test_progress_counts_every_record_once(backend):
    store = backend.open()
    for index in range(5):
        store.append(record(index, "Agent/1"))
    counted: list[int] = []

    list(store.export_csv(None, counted.append))

    assert sum(counted) == 5


def lines_by_python(stored: list[Record]) -> list[str]:
    return [
        csv_line(row_values(record) | {"seq": record.seq, "hash": record.hash}) for record in stored
    ]


@pytest.mark.parametrize(
    "agents",
    [
        ["Agent/1 (KHTML, like Gecko)", "Agent/2", "a,b,c", ",", "x,"],
        ["Agent/1 (KHTML, like Gecko)", "=1+1", "Agent/3, plain"],
        ["Agent/1 (KHTML, like Gecko)", "split\x1fcell", "Agent/3, plain"],
    ],
    ids=["commas only", "a formula among them", "a separator among them"],
)
def test_each_line_is_the_one_python_builds(backend, agents):
    """Cells with commas next to plain ones, with or without a rarer cell in the same batch."""
    store = backend.open()
    stored = [
        store.append(
            record(index, agent, origin="https://o.example", page_url=f"https://p/{agent}")
        )
        for index, agent in enumerate(agents)
    ]

    exported = "".join(store.export_csv()).split("\r\n")

    assert exported == [",".join(EXPORT_FIELDS), *lines_by_python(stored), ""]
