"""What the store's SQL modules know of a database: how it spells SQL, and how it hands out
transactions.

The shared SQL (sql.py, appending.py, retention.py, stats.py, csv_export.py) is written once with
`{name}` parameters; a `Dialect` spells them for the driver, names the few functions that differ,
and says how the chain head is locked. A `Database` is what those modules run on: a dialect and
read and write transactions, which each backend (sqlite.py, postgres.py) provides.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol


@dataclass(frozen=True)
class Dialect:
    """The spellings one database needs."""

    name: str  # the backend's name in migration file names: schema_{name}.sql
    placeholder_format: str  # a named parameter, e.g. ":{}" -> ":seq"
    head_lock: str  # appended to the SELECT of the chain head inside an append
    join_cells: str  # one call joining the export's cells (csv_export.cells_sql)
    week_start: str  # the Monday (YYYY-MM-DD) of the text column `day`

    def placeholder(self, name: str) -> str:
        """How the driver spells the named parameter `name`."""
        return self.placeholder_format.format(name)

    def sql(self, text: str) -> str:
        """`text` with each `{name}` spelled as the driver's named parameter."""
        return _spell(text, self.placeholder_format)

    def bucket_sql(self, bucket: str) -> str:
        """SQL for the day (YYYY-MM-DD) or the week (its Monday) of a `day` column; an hourly
        source already holds the hour there."""
        return self.week_start if bucket == "week" else "day"


# BEGIN IMMEDIATE already holds SQLite's write lock when the head is read.
SQLITE = Dialect(
    name="sqlite",
    placeholder_format=":{}",
    head_lock="",
    join_cells="printf('{formats}', {args})",
    week_start="date(day, 'weekday 0', '-6 days')",
)
POSTGRES = Dialect(
    name="postgres",
    placeholder_format="%({})s",
    head_lock=" FOR UPDATE",
    join_cells="concat({with_seps})",
    week_start="to_char(date_trunc('week', day::date), 'YYYY-MM-DD')",
)


class Database(Protocol):
    """A backend as the SQL modules use it; connections execute SQL and fetch mapping rows."""

    dialect: Dialect

    def reading(self) -> AbstractContextManager[Any]:
        """A connection inside a read transaction (one consistent snapshot)."""
        ...

    def writing(self) -> AbstractContextManager[Any]:
        """A connection inside a write transaction, committed on success."""
        ...


@lru_cache(maxsize=256)
def _spell(text: str, placeholder_format: str) -> str:
    """Cached: the same statements are spelled on every request."""
    return text.format_map(_Placeholders(placeholder_format.format))


class _Placeholders(dict):
    def __init__(self, spell: Callable[[str], str]) -> None:
        super().__init__()
        self.spell = spell

    def __missing__(self, key: str) -> str:
        return self.spell(key)
