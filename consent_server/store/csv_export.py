"""CSV lines built by the database, so that a million-record export never runs Python per cell.

The rules are those of a spreadsheet-safe CSV (RFC 4180 with CRLF line ends):
- id lists are stored space-separated already (ids hold no spaces, commas or quotes);
- text that visitors control is quoted when it holds a comma, a quote or a line break, with quotes
  doubled; a user agent or origin that would start a spreadsheet formula (=, +, -, @, tab, CR)
  gets a leading apostrophe (a page URL is validated to start with http and to hold no spaces);
- every other column has an alphabet, validated on the way in, that starts with a letter or digit
  and holds no separator, so it needs neither quotes nor a guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .rows import COLUMN_NAMES

# The log's columns, with the salt (never shown) replaced by whether the record was erased.
EXPORT_FIELDS = tuple(
    field
    for name in COLUMN_NAMES
    if name != "personal_salt"
    for field in ((name, "erased") if name == "personal_digest" else (name,))
)
HEADER = ",".join(EXPORT_FIELDS)
LINE_END = "\r\n"

HEADER_TEXT = ("user_agent", "origin")
URL_TEXT = ("page_url",)
NUMBERS = ("seq", "schema_version")
FLAGS = {
    "gpc": "gpc",
    "erased": "personal_digest <> '' AND personal_salt = ''",
}
QUOTE = "'\"'"
COMMA = "','"


def csv_line_sql(char: str, find: str) -> str:
    """One SELECT expression giving the whole CSV line of a record.

    `char` and `find` name the database's functions for a character by code and the position of
    a substring (SQLite: char, instr; PostgreSQL: chr, strpos).
    """
    tab, cr, lf = f"{char}(9)", f"{char}(13)", f"{char}(10)"

    def quoted(column: str, needles: tuple[str, ...], guard: str = "''") -> str:
        needs_quotes = " OR ".join(f"{find}({column}, {needle}) > 0" for needle in needles)
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
        if column in URL_TEXT:
            return quoted(column, (COMMA, QUOTE))
        if column in HEADER_TEXT:
            starters = f"'=', '+', '-', '@', {tab}, {cr}"
            guard = f"(CASE WHEN substr({column}, 1, 1) IN ({starters}) THEN '''' ELSE '' END)"
            return quoted(column, (COMMA, QUOTE, lf, cr), guard)
        return column

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
