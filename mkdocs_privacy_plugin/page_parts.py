"""Shared pieces of the generated pages: the template environment, dates, history, style."""

from __future__ import annotations

import pickle
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    select_autoescape,
)
from jinja2.bccache import Bucket
from markupsafe import Markup


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's compiled templates, kept in its per-user temporary folder between builds.

    Compiling the page templates costs more than a tenth of what the plugin adds to a build;
    reading them back costs almost nothing. A cache that cannot be read or written is skipped,
    and a damaged entry compiles the template again.
    """

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache() -> BytecodeCache | None:
    try:
        return TemplateCache()
    except (OSError, RuntimeError):  # no safe temporary folder: compile every build
        return None


environment = Environment(
    loader=PackageLoader(__package__, "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "md"), default=True),
    keep_trailing_newline=True,
    bytecode_cache=template_cache(),
)

# Tables, facts and boxes readable on the mkdocs, readthedocs and Material themes, light or dark:
# borders and highlights take the text colour, so they follow the theme.
STYLE = """<style>
.consent-table-wrap{overflow-x:auto;margin:1em 0}
table.consent-table{border-collapse:collapse;width:100%;font-size:.9em}
table.consent-table th,table.consent-table td{border:1px solid color-mix(in srgb,currentColor 25%,transparent);padding:.4em .6em;text-align:start;vertical-align:top;overflow-wrap:break-word}
table.consent-table thead th{background:color-mix(in srgb,currentColor 8%,transparent)}
div.consent-section dl.consent-facts{display:grid;grid-template-columns:minmax(8em,14em) 1fr;gap:.3em 1em;margin:.5em 0 1.5em}
div.consent-section dl.consent-facts>dt{display:block!important;font-weight:bold;margin:0!important;padding:0!important;border:0!important;background:none!important;color:inherit!important;font-size:inherit!important}
div.consent-section dl.consent-facts>dd{margin:0!important;padding:0!important}
div.consent-section dl.consent-facts ul{margin:0;padding-inline-start:1.2em}
@media (max-width:40em){div.consent-section dl.consent-facts{grid-template-columns:1fr}div.consent-section dl.consent-facts>dd{margin-bottom:.5em}}
address.consent-party{font-style:normal;margin:.5em 0 1em}
.consent-contents ol{list-style:none;padding-inline-start:1.2em;margin:.2em 0}
.consent-objection{border:2px solid currentColor;border-radius:.3em;padding:.2em 1em;margin:1em 0}
</style>
"""


@dataclass
class Section:
    """A numbered section of a generated page, with its stable id and its subsections."""

    anchor: str
    title: str
    html: Markup = field(default_factory=Markup)
    children: list[Section] = field(default_factory=list)


def blocks(texts: dict[str, Any]) -> Any:
    """The block macros of the notice, bound to one language's texts."""
    return environment.get_template("notice_blocks.html").make_module({"t": texts})


def babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_day(iso: str, language: str) -> str:
    """`2026-11-25` as the language writes it ("25. November 2026", "2026年11月25日")."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return format_date(day, format="long", locale=babel_locale(language))


def history_rows(texts: dict[str, Any], history: list[dict], language: str, view: Any) -> Markup:
    """The versions of the policy, newest first, with the date each one took effect."""
    rows = Markup("").join(
        Markup('<tr><td><code>{}</code>{}</td><td><time datetime="{}">{}</time></td><td>{}</td></tr>').format(
            entry["version"],
            Markup(" ({})").format(texts["pn_history_current"]) if index == 0 else "",
            entry["date"],
            format_day(entry["date"], language),
            view.prose(entry.get("note", ""), f"privacy_notice.history[{index}].note"),
        )
        for index, entry in enumerate(history)
    )  # fmt: skip
    head = Markup(
        '<p><strong>{}</strong></p><div class="consent-table-wrap"><table class="consent-table '
        'consent-history"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead><tbody>'
    ).format(
        texts["pn_history"], texts["pn_history_version"], texts["pn_history_date"],
        texts["pn_history_note"],
    )  # fmt: skip
    return head + rows + Markup("</tbody></table></div>")
