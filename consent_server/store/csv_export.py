"""CSV lines built by the database, so that a million-record export never runs Python per cell.

The rules are those of a spreadsheet-safe CSV (RFC 4180 with CRLF line ends):
- lists of category or service ids are space-separated (ids hold no spaces, commas or quotes);
- free text that visitors control (page URL, user agent, origin) is quoted when it holds a comma,
  a quote or a line break, with quotes doubled;
- a cell that would start a spreadsheet formula (=, +, -, @, tab, CR) gets a leading apostrophe.
Every other column has a restricted alphabet (validated on the way in) and needs no quoting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

EXPORT_FIELDS = (
    "seq", "consent_id", "created_at", "method", "granted", "denied", "granted_services",
    "denied_services", "policy_version",
    "language", "page_url", "gpc", "ip", "user_agent", "origin", "schema_version", "request_id",
    "personal_digest", "erased", "prev_hash", "hash",
)  # fmt: skip
HEADER = ",".join(EXPORT_FIELDS)
LINE_END = "\r\n"
CHUNK_LINES = 2000

ID_LISTS = ("granted", "denied", "granted_services", "denied_services")
FREE_TEXT = ("page_url", "user_agent", "origin")
MAY_START_WITH_MINUS = ("policy_version", "request_id", "consent_id")
NUMBERS = ("seq", "schema_version")
FLAGS = {
    "gpc": "gpc",
    "erased": "personal_digest <> '' AND personal_salt = ''",
}


def csv_line_sql(char: str, find: str) -> str:
    """One SELECT expression giving the whole CSV line of a record.

    `char` and `find` name the database's functions for a character by code and the position of
    a substring (SQLite: char, instr; PostgreSQL: chr, strpos).
    """
    tab, cr, lf = f"{char}(9)", f"{char}(13)", f"{char}(10)"

    def formula_guard(column: str, starters: str) -> str:
        return f"CASE WHEN substr({column}, 1, 1) IN ({starters}) THEN '''' ELSE '' END"

    def cell(column: str) -> str:
        if column in NUMBERS:
            return f"CAST({column} AS TEXT)"
        if column in FLAGS:
            return f"CASE WHEN {FLAGS[column]} THEN 'True' ELSE 'False' END"
        if column in ID_LISTS:
            return (
                f"CASE WHEN {column} = '[]' THEN '' ELSE "
                f"replace(substr({column}, 3, length({column}) - 4), '\", \"', ' ') END"
            )
        if column in MAY_START_WITH_MINUS:
            return formula_guard(column, "'-'") + f" || {column}"
        if column in FREE_TEXT:
            guard = formula_guard(column, f"'=', '+', '-', '@', {tab}, {cr}")
            needs_quotes = " OR ".join(
                f"{find}({column}, {needle}) > 0" for needle in ("','", "'\"'", lf, cr)
            )
            return (
                f"CASE WHEN {needs_quotes} "
                f"THEN '\"' || {guard} || replace({column}, '\"', '\"\"') || '\"' "
                f"ELSE {guard} || {column} END"
            )
        return column

    return " || ',' || ".join(f"({cell(name)})" for name in EXPORT_FIELDS) + " AS line"


def csv_chunks(lines: Iterator[str], progress: Callable[[int], object] | None) -> Iterator[str]:
    """The header and the lines, joined in chunks; the first chunk waits for the first lines, so
    a log that cannot be read fails before anything is sent."""
    batch = [HEADER]
    for line in lines:
        batch.append(line)
        if len(batch) >= CHUNK_LINES:
            yield LINE_END.join(batch) + LINE_END
            if progress:
                progress(len(batch) - (batch[0] is HEADER))
            batch = []
    if batch:
        yield LINE_END.join(batch) + LINE_END
        if progress:
            progress(len(batch) - (batch[0] is HEADER))
