"""CSV lines built by the database, so that a million-record export never runs Python per cell.

The rules are those of a spreadsheet-safe CSV (RFC 4180 with CRLF line ends), one rule for every
text column, whatever validation let into the log (rows from older servers, or written straight
into the database):
- a cell that would start a spreadsheet formula (`FORMULA_STARTS`: = + - @, tab, CR) gets a
  leading apostrophe, so a spreadsheet shows it as text;
- a cell holding a comma, a quote or a line break is quoted, with quotes doubled;
- numbers and flags are written by the database and need neither.
`csv_cell` is the rule in Python and `csv_line` a whole line built with it; `csv_line_sql` spells
the same rule, from the same constants, for the database. Anything that writes CSV in Python uses
them, and a property test holds the database's lines to `csv_line` on both backends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .rows import COLUMN_NAMES

# The log's columns, with the salt (never shown) replaced by whether the record was erased; a
# purge record's detail (its cut and signature) is in the JSON Lines export and evidence bundles.
EXPORT_FIELDS = tuple(
    field
    for name in COLUMN_NAMES
    if name not in ("personal_salt", "detail")
    for field in ((name, "erased") if name == "personal_digest" else (name,))
)
HEADER = ",".join(EXPORT_FIELDS)
LINE_END = "\r\n"

NUMBERS = ("seq", "schema_version")
FLAGS = {
    "gpc": "gpc",
    "erased": "personal_digest <> '' AND personal_salt = ''",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEEDS_QUOTES = (",", '"', "\n", "\r")
APOSTROPHE, QUOTE = "''''", "'\"'"


def csv_cell(text: str) -> str:
    """One text cell: neutralised when it would start a formula, quoted when it must be."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    if any(character in text for character in NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(row: Mapping[str, Any]) -> str:
    """One record's CSV line built in Python from its stored values (id lists as stored text),
    the same line `csv_line_sql` has the database build."""
    erased = bool(row["personal_digest"]) and not row["personal_salt"]
    cells = {"gpc": str(bool(row["gpc"])), "erased": str(erased)}
    for name in EXPORT_FIELDS:
        if name in NUMBERS:
            cells[name] = str(row[name])
        elif name not in FLAGS:
            cells[name] = csv_cell(row[name])
    return ",".join(cells[name] for name in EXPORT_FIELDS)


def csv_line_sql(char: str, find: str) -> str:
    """One SELECT expression giving the whole CSV line of a record, by `csv_cell`'s rule.

    `char` and `find` name the database's functions for a character by code and the position of
    a substring (SQLite: char, instr; PostgreSQL: chr, strpos).
    """

    def literal(character: str) -> str:
        return f"'{character}'" if character.isprintable() else f"{char}({ord(character)})"

    starts = ", ".join(literal(character) for character in FORMULA_STARTS)

    def text_cell(column: str) -> str:
        guard = f"(CASE WHEN substr({column}, 1, 1) IN ({starts}) THEN {APOSTROPHE} ELSE '' END)"
        needs_quotes = " OR ".join(
            f"{find}({column}, {literal(character)}) > 0" for character in NEEDS_QUOTES
        )
        doubled = f"replace({column}, {QUOTE}, '\"\"')"
        return (
            f"CASE WHEN {needs_quotes} THEN {QUOTE} || {guard} || {doubled} || {QUOTE} "
            f"ELSE {guard} || {column} END"
        )

    def cell(column: str) -> str:
        if column in NUMBERS:
            return f"CAST({column} AS TEXT)"
        if column in FLAGS:
            return f"CASE WHEN {FLAGS[column]} THEN 'True' ELSE 'False' END"
        return text_cell(column)

    return " || ',' || ".join(f"({cell(name)})" for name in EXPORT_FIELDS) + " AS line"


def csv_chunks(
    batches: Iterator[list[str]], progress: Callable[[int], object] | None
) -> Iterator[str]:
    """The header, then one chunk per batch of lines. The header waits for the first batch, so
    a log that cannot be read fails before anything is sent."""
    first = next(batches, [])
    yield LINE_END.join([HEADER, *first]) + LINE_END
    if progress and first:
        progress(len(first))
    for batch in batches:
        yield LINE_END.join(batch) + LINE_END
        if progress:
            progress(len(batch))
