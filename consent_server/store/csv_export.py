"""The CSV export: the database hands over each record's cells in one piece, and Python makes whole
batches of them spreadsheet-safe with a few passes over the batch's text.

The rules are those of a spreadsheet-safe CSV (RFC 4180 with CRLF line ends), one rule for every
text column, whatever validation let into the log (rows from older servers, or written straight
into the database):
- a cell that would start a spreadsheet formula (`FORMULA_STARTS`: = + - @, tab, CR) gets a
  leading apostrophe, so a spreadsheet shows it as text;
- a cell holding a comma, a quote or a line break is quoted, with quotes doubled;
- numbers and flags are written by the database and need neither.
`csv_cell` is that rule and `csv_line` a whole line built with it. Checking each cell in SQL or in
Python costs several times the export itself, so the database joins a record's cells with a unit
separator (`cells_sql`) and `csv_text` looks at a whole batch at once: one pass each finds a quote,
a line break, a stray separator or a cell starting a formula (all rare), and only the cells holding
a comma (user agents do) are quoted one by one. A batch with anything rarer is rendered line by
line with `csv_cell`, and a record holding the separator itself by `csv_line` from its stored
row. A property test holds the export to `csv_line` on both backends. (SQLite's `printf` ends a
cell at a NUL character, which no validated field holds and PostgreSQL cannot store.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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
    "erased": "personal_digest <> '' AND personal_salt = ''",  # Record.erased, in SQL
}
TEXT_FIELDS = tuple(name for name in EXPORT_FIELDS if name not in NUMBERS and name not in FLAGS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEEDS_QUOTES = (",", '"', "\n", "\r")

# Between two cells of a record as the database hands it over: a character no export holds (a
# record that holds one anyway is rendered from its stored row).
SEP = "\x1f"
SEPS_PER_LINE = len(EXPORT_FIELDS) - 1
FORMULA_CELL = re.compile(SEP + "[" + re.escape("".join(FORMULA_STARTS)) + "]")
RARE = ('"', "\n", "\r")

Lookup = Callable[[list[int]], Iterable[Mapping[str, Any]]]


def csv_cell(text: str) -> str:
    """One text cell: neutralised when it would start a formula, quoted when it must be."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    if any(character in text for character in NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(row: Mapping[str, Any]) -> str:
    """One record's CSV line built in Python from its stored values (id lists as stored text)."""
    erased = bool(row["personal_digest"]) and not row["personal_salt"]
    cells = {"gpc": str(bool(row["gpc"])), "erased": str(erased)}
    for name in NUMBERS:
        cells[name] = str(row[name])
    for name in TEXT_FIELDS:
        cells[name] = csv_cell(row[name])
    return ",".join(cells[name] for name in EXPORT_FIELDS)


def cells_sql(join: str) -> str:
    """One SELECT expression giving a record's cells as stored, `SEP` between them, in one call
    (a chain of `||` copies the growing line once per cell). `join` spells that call for the
    database: `{args}` the cells, `{formats}` one `%s` per cell with `SEP` between, or
    `{with_seps}` the cells with a `SEP` literal between."""
    cells = [
        f"CASE WHEN {FLAGS[name]} THEN 'True' ELSE 'False' END" if name in FLAGS else name
        for name in EXPORT_FIELDS
    ]
    return join.format(
        args=", ".join(cells),
        formats=SEP.join("%s" for _ in cells),
        with_seps=f", '{SEP}', ".join(cells),
    )


def csv_text(lines: list[str], lookup: Lookup) -> str:
    """A batch of records (their cells joined by `SEP`) as CSV lines, each one `csv_line`'s:
    plain lines joined, the separators made commas, the cells holding commas quoted."""
    cells = "".join(lines)
    if (
        cells.count(SEP) != len(lines) * SEPS_PER_LINE
        or any(character in cells for character in RARE)
        or FORMULA_CELL.search(cells)
    ):
        return _careful(lines, lookup)
    text = LINE_END.join(lines)
    if "," in cells:
        text = _quote_comma_cells(text)
    return text.replace(SEP, ",") + LINE_END


def _quote_comma_cells(text: str) -> str:
    """Quote every cell holding a comma, in lines with no other character to escape. A line's
    first cell is its seq, so the separator before a comma is in the comma's own line."""
    pieces: list[str] = []
    done, find, rfind = 0, text.find, text.rfind
    comma = find(",")
    while comma >= 0:
        start = max(rfind(SEP, done, comma) + 1, done)
        end = find(SEP, comma)
        line_end = find("\r", comma, None if end < 0 else end)
        end = line_end if line_end >= 0 else len(text) if end < 0 else end
        pieces += (text[done:start], '"', text[start:end], '"')
        done = end
        comma = find(",", end)
    pieces.append(text[done:])
    return "".join(pieces)


def _careful(lines: list[str], lookup: Lookup) -> str:
    """A batch holding some rare cell: every line by `csv_cell`, from its stored row where a cell
    held a separator (a record purged since the batch was read is left out)."""
    split = [line.split(SEP) for line in lines]
    # lines that do not split into the export's cells
    stray = [int(cells[0]) for cells in split if len(cells) != len(EXPORT_FIELDS)]
    stored = {row["seq"]: csv_line(row) for row in lookup(stray)} if stray else {}
    return "".join(
        _line(cells, stored) + LINE_END
        for cells in split
        if len(cells) == len(EXPORT_FIELDS) or int(cells[0]) in stored
    )


def _line(cells: list[str], stored: Mapping[int, str]) -> str:
    if len(cells) != len(EXPORT_FIELDS):
        return stored[int(cells[0])]
    return ",".join(
        csv_cell(cell) if name in TEXT_FIELDS else cell
        for name, cell in zip(EXPORT_FIELDS, cells, strict=True)
    )


def csv_chunks(
    batches: Iterator[list[str]], progress: Callable[[int], object] | None, lookup: Lookup
) -> Iterator[str]:
    """The header, then one chunk per batch of records. The header waits for the first batch,
    so a log that cannot be read fails before anything is sent."""
    first = next(batches, [])
    yield HEADER + LINE_END + (csv_text(first, lookup) if first else "")
    if progress and first:
        progress(len(first))
    for batch in batches:
        yield csv_text(batch, lookup)
        if progress:
            progress(len(batch))
