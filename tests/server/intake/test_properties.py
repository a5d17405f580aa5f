"""Properties of the CSV neutraliser and the timestamp parser, for any input Hypothesis finds."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from consent_server.chain import seal_personal_fields
from consent_server.records import Record
from consent_server.store.csv_export import FORMULA_STARTS, csv_cell, csv_line
from consent_server.store.rows import row_values
from consent_server.timestamps import (
    EARLIEST,
    LATEST,
    format_timestamp,
    normalise_timestamp,
    parse_timestamp,
)

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
STORABLE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30), timezones=OFFSETS
)
BACKEND_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def spreadsheet_reads(cell: str) -> list[str]:
    return next(csv.reader(io.StringIO(cell, newline="")), [""])


@given(ANY_TEXT)
def test_a_cell_reads_back_as_its_text_and_never_starts_a_formula(text):
    cell = csv_cell(text)

    [value] = spreadsheet_reads(cell) if text else [""]
    assert value == ("'" + text if text.startswith(FORMULA_STARTS) else text)
    assert not cell.lstrip('"').startswith(FORMULA_STARTS)


@given(st.lists(ANY_TEXT, min_size=1, max_size=6))
def test_cells_joined_into_a_line_keep_their_boundaries(texts):
    line = ",".join(["7", *(csv_cell(text) for text in texts)])

    [row] = list(csv.reader(io.StringIO(line, newline="")))
    assert row == ["7", *(("'" + t if t.startswith(FORMULA_STARTS) else t) for t in texts)]


def hostile_record(texts: dict[str, str]) -> Record:
    record = Record(
        consent_id=texts["consent_id"],
        created_at="",
        method=texts["method"],
        granted=["analytics"],
        denied=[],
        policy_version=texts["policy_version"],
        language=texts["language"],
        page_url=texts["page_url"],
        ip=texts["ip"],
        user_agent=texts["user_agent"],
        origin=texts["origin"],
    )
    seal_personal_fields(record)
    return record


TEXT_FIELDS = ("consent_id", "method", "policy_version", "language", "page_url", "ip",
               "user_agent", "origin")  # fmt: skip


@BACKEND_SETTINGS
@given(st.fixed_dictionaries({name: STORABLE_TEXT for name in TEXT_FIELDS}))
def test_the_database_builds_the_line_python_builds(backend, texts):
    """One rule for both paths: the SQL-built line of any record is `csv_line` of its row."""
    store = backend.open()
    stored = store.append(hostile_record(texts))

    exported = "".join(store.export_csv()).split("\r\n")
    by_python = csv_line(row_values(stored) | {"seq": stored.seq, "hash": stored.hash})

    assert by_python in exported


@given(MOMENTS)
def test_any_offset_names_the_same_instant(moment):
    parsed = parse_timestamp(moment.isoformat())

    assert parsed == moment and parsed.tzinfo is UTC
    assert normalise_timestamp(moment.isoformat()) == format_timestamp(moment.astimezone(UTC))


@given(MOMENTS)
def test_a_plus_sent_unescaped_in_a_url_still_means_plus(moment):
    text = moment.isoformat()
    assume("+" in text)

    assert parse_timestamp(text.replace("+", " ")) == moment


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30)))
def test_a_time_without_an_offset_is_utc(moment):
    assert parse_timestamp(moment.isoformat()) == moment.replace(tzinfo=UTC)


@given(MOMENTS, MOMENTS)
def test_text_order_is_time_order(first, second):
    assume(first != second)

    assert (normalise_timestamp(first.isoformat()) < normalise_timestamp(second.isoformat())) == (
        first < second
    )


@given(st.one_of(ANY_TEXT, st.dates().map(str), MOMENTS.map(datetime.isoformat)))
def test_any_text_is_a_time_in_range_or_a_value_error(text):
    try:
        parsed = parse_timestamp(text)
    except ValueError:
        return
    assert EARLIEST <= parsed < LATEST


@pytest.mark.parametrize(
    "text",
    ["9999-12-31", "0001-01-01T00:00+01:00", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00"],
)
def test_times_outside_the_range_are_value_errors(text):
    with pytest.raises(ValueError, match="from 1970 to 9998"):
        parse_timestamp(text)
