"""The words of an office workbook: sheet names, column headers and what a cell of each kind shows.

A vocabulary id becomes its label in the user's language ("Ambulanter Pflegedienst", not
``home_nursing``), a code its word from the ``tables`` area of the catalogues
(``i18n/tables_LANG.yaml``), a boolean the language's yes or no; numbers stay numbers (their
format comes from :data:`~carenet_graph.output.columns.NUMBER_FORMATS`). Used by
:mod:`carenet_graph.output.office`, which lays the words out on sheets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from carenet_graph.locale import Locale
from carenet_graph.output.cells import is_missing
from carenet_graph.output.columns import FIGURE_KINDS

__all__ = ["Kind", "cell_value", "figure_kind", "group_kinds", "has_text", "header_text", "sheet_name"]

#: A column's kind, or a function of the row (as ``{column id: value}``) giving it.
Kind = str | Callable[[Mapping[str, Any]], str]

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31


def has_text(locale: Locale, key: str) -> bool:
    """Whether the catalogue of the locale's language has a text ``key``."""
    return key in locale.messages


def header_text(table: str, column: str, locale: Locale) -> str:
    """The header of ``column`` in ``table`` in the locale's language.

    ``tables.col.<table>.<column>``, else ``tables.col.<column>``; measures before and after a
    change and expected counts and z-scores of brokerage roles are worded from their measure;
    a column the catalogue does not know keeps its id (a test keeps that from happening to
    the package's own columns).
    """
    for key in (f"tables.col.{table}.{column}", f"tables.col.{column}"):
        if has_text(locale, key):
            return locale.t(key)
    base, _, suffix = column.rpartition("_")
    patterns = {"before": "tables.pattern.before", "after": "tables.pattern.after", "delta": "tables.pattern.delta",
                "expected": "tables.pattern.expected_count", "z": "tables.pattern.z_score"}
    if base and suffix in patterns and has_text(locale, f"tables.col.{base}"):
        return locale.t(patterns[suffix], measure=locale.t(f"tables.col.{base}"))
    return column


def sheet_name(table: str, locale: Locale, taken: set[str] | None = None) -> str:
    """The sheet name of ``table`` in the locale's language, made valid for Excel (at most 31
    characters, none of ``[]:*?/\\``) and unique among ``taken`` (which it joins)."""
    key = f"tables.sheet.{table}"
    name = locale.t(key) if has_text(locale, key) else table
    name = _SHEET_FORBIDDEN.sub(" ", name).strip(" '")[:_MAX_SHEET_NAME].strip() or table[:_MAX_SHEET_NAME]
    taken = taken if taken is not None else set()
    unique, number = name, 2
    while unique.casefold() in taken:
        suffix = f" {number}"
        unique, number = name[:_MAX_SHEET_NAME - len(suffix)] + suffix, number + 1
    taken.add(unique.casefold())
    return unique


def _code(locale: Locale, group: str, code: Any) -> str:
    key = f"tables.value.{group}.{code}"
    return locale.t(key) if has_text(locale, key) else str(code)


def _level(value: Any, locale: Locale) -> Any:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return value
    if level != value or not 0 <= level <= 5:
        return value
    return f"{level} – {locale.label('level', level)}"


def _listed(value: Any, convert: Callable[[str], str]) -> str:
    """A ``;``-separated list of codes (``a;b`` or ``a; b``) as words joined by ``; ``."""
    return "; ".join(convert(part.strip()) for part in str(value).split(";") if part.strip())


def _sector_counts(value: Any, locale: Locale) -> str:
    """"medical:4; nursing_care:2" as "Medizin: 4; Pflege: 2"."""
    parts = []
    for part in str(value).split(";"):
        sector, _, count = part.strip().rpartition(":")
        if sector:
            parts.append(f"{_sector(sector, locale)}: {count}")
        elif count:
            parts.append(count)
    return "; ".join(parts)


def _sector(ident: str, locale: Locale) -> str:
    return locale.t("tables.value.unknown") if ident in ("", "unknown") else locale.label("sector", ident)


def cell_value(kind: str, value: Any, locale: Locale, row: Mapping[str, Any] | None = None) -> Any:
    """What a workbook cell of ``kind`` shows for ``value``: a word, a label, or the value itself
    (numbers stay numbers; their format comes from :data:`~carenet_graph.output.columns.NUMBER_FORMATS`)."""
    if is_missing(value) or kind == "blank":
        return None
    if kind == "yes_no":
        return locale.t("tables.yes") if bool(value) else locale.t("tables.no")
    if kind in ("actor_type", "tie_type"):
        return locale.t("tables.value.unknown") if str(value) == "" else locale.label(kind, str(value))
    if kind == "sector":
        return _sector(str(value), locale)
    if kind == "group":
        return locale.t("tables.value.unknown") if str(value) in ("", "unknown") else value
    if kind == "level":
        return _level(value, locale)
    if kind == "actor_types":
        return _listed(value, lambda t: locale.label("actor_type", t))
    if kind == "tie_types":
        if isinstance(value, (list, tuple)):
            value = ";".join(map(str, value))
        return _listed(value, lambda t: locale.label("tie_type", t))
    if kind == "sector_counts":
        return _sector_counts(value, locale)
    if kind.startswith("code:"):
        return _code(locale, kind[5:], value)
    if kind.startswith("code_list:"):
        return _listed(value, lambda c: _code(locale, kind[10:], c))
    if kind == "structural_group":
        is_sector = row is not None and row.get("kind") == "sector_pair"
        return _sector(str(value), locale) if is_sector else value
    if kind == "figure":
        return _figure(str(value), locale)
    return value


def _figure(key: str, locale: Locale) -> str:
    if key.startswith("versions."):
        return locale.t("tables.figure.version", package=key.partition(".")[2])
    if key.startswith("approximation."):
        return locale.t("tables.figure.approximation", measure=header_text("actors", key.partition(".")[2], locale))
    name = f"tables.figure.{key}"
    return locale.t(name) if has_text(locale, name) else key


def figure_kind(row: Mapping[str, Any]) -> str:
    """The kind of the value on a row of a figures sheet: its figure's kind
    (:data:`~carenet_graph.output.columns.FIGURE_KINDS`)."""
    return FIGURE_KINDS.get(str(row.get("figure")), "number")


def _group_kind(group_by: str) -> str:
    return {"sector": "sector", "type": "actor_type"}.get(group_by, "group")


def group_kinds(group_by: str) -> dict[str, Kind]:
    """Kinds of the ``group`` and ``other_group`` columns of tables grouped by ``group_by``."""
    kind = _group_kind(group_by)
    return {"group": kind, "other_group": kind}
