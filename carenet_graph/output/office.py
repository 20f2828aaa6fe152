"""Office workbooks: the tables of analyze, gaps and compare as a coordinator reads them.

A workbook written here shows each table on a sheet named in the user's language, under
headers in that language, with vocabulary ids as their labels ("Ambulanter Pflegedienst", not
``home_nursing``), codes as words, booleans as the language's yes and no, and numbers as
numbers: the cell keeps the full value and an xlsx number format (``0.000``, ``0%``) rounds it
for display, with the decimal sign Excel takes from the reader's own settings. A last sheet
explains the columns that need it. Which column holds what is said once, in
:mod:`carenet_graph.output.columns`; the words are the ``tables`` area of the catalogues
(``i18n/tables_LANG.yaml``).

The CSV files next to a workbook keep the column ids and raw values for scripts. Like every
workbook of the package, these are written atomically, formula-safe and byte-identical for the
same tables (:mod:`carenet_graph.output.files`).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carenet_graph.errors import OutputError
from carenet_graph.locale import Locale
from carenet_graph.output.columns import FIGURE_KINDS, NUMBER_FORMATS, column_kind
from carenet_graph.output.files import (
    atomic_write_bytes,
    cell_text,
    cell_width,
    is_missing,
    neutralise_cell,
    new_workbook,
    workbook_bytes,
    write_cell,
)
from carenet_graph.output.sheetxml import STREAM_ROWS, Block, StreamedSheet, column_letters

__all__ = ["OfficeSheet", "cell_value", "group_kinds", "header_text", "sheet_name",
           "write_office_workbook"]

#: A column's kind, or a function of the row (as ``{column id: value}``) giving it.
Kind = str | Callable[[Mapping[str, Any]], str]

_XLSX_MAX_ROWS = 1_048_576
# Kinds whose cells are written as they are, and kinds that look at the rest of the row.
_PLAIN_KINDS = frozenset({"text", "id", "number", *NUMBER_FORMATS})
_ROW_KINDS = frozenset({"structural_group"})
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class OfficeSheet:
    """One table for an office workbook.

    Parameters
    ----------
    table:
        The table's id (``actors``, ``gaps``, …): it names the sheet (``tables.sheet.<table>``)
        and can give its columns their own headers (``tables.col.<table>.<column>``).
    header:
        The column ids, as in the CSV file.
    rows:
        The rows, values as in the CSV file.
    kinds:
        Kinds that replace those of :func:`~carenet_graph.output.columns.column_kind` for this
        sheet (e.g. the groups of a table grouped by actor type).
    words:
        Functions that turn a column's values into words the caller knows (e.g. a rule id into
        its title); such a column is written as text.
    """

    table: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    words: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)


def _known(locale: Locale, key: str) -> bool:
    return key in locale.messages


def header_text(table: str, column: str, locale: Locale) -> str:
    """The header of ``column`` in ``table`` in the locale's language.

    ``tables.col.<table>.<column>``, else ``tables.col.<column>``; measures before and after a
    change and expected counts and z-scores of brokerage roles are worded from their measure;
    a column the catalogue does not know keeps its id (a test keeps that from happening to
    the package's own columns).
    """
    for key in (f"tables.col.{table}.{column}", f"tables.col.{column}"):
        if _known(locale, key):
            return locale.t(key)
    base, _, suffix = column.rpartition("_")
    patterns = {"before": "tables.pattern.before", "after": "tables.pattern.after", "delta": "tables.pattern.delta",
                "expected": "tables.pattern.expected_count", "z": "tables.pattern.z_score"}
    if base and suffix in patterns and _known(locale, f"tables.col.{base}"):
        return locale.t(patterns[suffix], measure=locale.t(f"tables.col.{base}"))
    return column


def sheet_name(table: str, locale: Locale, taken: set[str] | None = None) -> str:
    """The sheet name of ``table`` in the locale's language, made valid for Excel (at most 31
    characters, none of ``[]:*?/\\``) and unique among ``taken`` (which it joins)."""
    key = f"tables.sheet.{table}"
    name = locale.t(key) if _known(locale, key) else table
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
    return locale.t(key) if _known(locale, key) else str(code)


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
    return locale.t(name) if _known(locale, name) else key


def _figure_kind(row: Mapping[str, Any]) -> str:
    return FIGURE_KINDS.get(str(row.get("figure")), "number")


def _group_kind(group_by: str) -> str:
    return {"sector": "sector", "type": "actor_type"}.get(group_by, "group")


def group_kinds(group_by: str) -> dict[str, Kind]:
    """Kinds of the ``group`` and ``other_group`` columns of tables grouped by ``group_by``."""
    kind = _group_kind(group_by)
    return {"group": kind, "other_group": kind}


class _Formats:
    """The workbook's cell formats, made once each (xlsxwriter adds a style per call)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.made: dict[str, Any] = {}
        self.header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    def number(self, kind: str) -> Any:
        pattern = NUMBER_FORMATS.get(kind)
        if pattern is None:
            return None
        if kind not in self.made:
            self.made[kind] = self.workbook.add_format({"num_format": pattern})
        return self.made[kind]


def _resolve(sheet: OfficeSheet, column: str) -> Kind:
    if column in sheet.words:
        return "text"
    if column in sheet.kinds:
        return sheet.kinds[column]
    if "figure" in sheet.header and column in ("value", "before", "after", "delta"):
        return _figure_kind  # a sheet of figures: each row is a figure of its own kind
    return column_kind(sheet.table, column) or "number"


def _write_sheet(workbook: Any, formats: _Formats, sheet: OfficeSheet, name: str, locale: Locale
                 ) -> tuple[StreamedSheet, str] | None:
    """Write ``sheet``; a long one gets its frame only and is returned with its cell range, to be
    streamed into the workbook's zip (:mod:`carenet_graph.output.sheetxml`)."""
    ws = workbook.add_worksheet(name)
    shown = [(i, column, kind) for i, column in enumerate(sheet.header)
             if (kind := _resolve(sheet, column)) != "omit"]
    widths = []
    for c, (_, column, _) in enumerate(shown):
        text = header_text(sheet.table, column, locale)
        write_cell(ws, 0, c, text, formats.header)
        # Headers wrap onto two lines rather than widen a column of small numbers.
        widths.append(min(len(text), 18))
    rows = sheet.rows if isinstance(sheet.rows, Sequence) else list(sheet.rows)
    if len(rows) >= _XLSX_MAX_ROWS:
        raise OutputError(f"more than {_XLSX_MAX_ROWS - 1} rows do not fit in an Excel sheet", sheet=name,
                          hint="Use the CSV file of this table instead.", key="output.too_many_rows",
                          values={"limit": _XLSX_MAX_ROWS - 1})
    streamed = len(rows) > STREAM_ROWS
    for r, cells in enumerate(_cells(sheet, shown, rows[:1000] if streamed else rows, formats, locale), start=1):
        for c, (value, number_format, cap) in enumerate(cells):
            chars = cell_width(value) if streamed else write_cell(ws, r, c, value, number_format)
            widths[c] = max(widths[c], min(chars, cap))
    for c, chars in enumerate(widths):
        ws.set_column(c, c, min(max(chars + 2, 8), 60))
    ws.set_row(0, None, formats.header)
    if shown:
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(rows), len(shown) - 1)
    if not streamed:
        return None
    for kind in NUMBER_FORMATS:  # styles are written when the workbook closes, before the rows are streamed
        formats.number(kind)._get_xf_index()
    last = f"{column_letters(max(len(shown) - 1, 0))}{len(rows) + 1}"
    return StreamedSheet(_blocks(sheet, shown, rows, formats, locale), neutralise_cell, cell_text, name), f"A1:{last}"


def _blocks(sheet: OfficeSheet, shown: list[tuple[int, str, Kind]], rows: Sequence[Sequence[Any]],
            formats: _Formats, locale: Locale, size: int = 2000) -> Iterator[Block]:
    """What :func:`_cells` gives, a block at a time, worked out per column where a column's kind is fixed."""
    words: list[dict[Any, Any]] = [{} for _ in shown]
    by_row = any(callable(kind) or kind in _ROW_KINDS for _, _, kind in shown)
    for start in range(0, len(rows), size):
        block = rows[start:start + size]
        if by_row:  # a kind that looks at the row: cell by cell
            cells = list(_cells(sheet, shown, block, formats, locale))
            yield start + 2, [([row[c][0] for row in cells], [row[c][1] and row[c][1]._get_xf_index() for row in cells])
                              for c in range(len(shown))]
            continue
        columns = []
        for c, (i, column, fixed) in enumerate(shown):
            kind = str(fixed)  # not a function of the row (by_row is False)
            values = [row[i] if i < len(row) else None for row in block]
            if column in sheet.words:
                values = [value if is_missing(value) else sheet.words[column](value) for value in values]
            if kind not in _PLAIN_KINDS:
                known = words[c]
                values = [cell_value(kind, value, locale, {}) if not isinstance(value, Hashable)
                          else known[value] if value in known
                          else known.setdefault(value, cell_value(kind, value, locale, {})) for value in values]
            number_format = formats.number(kind)
            style = None if number_format is None else number_format._get_xf_index()
            columns.append((values, [None if isinstance(value, str) else style for value in values]))
        yield start + 2, columns


def _cells(sheet: OfficeSheet, shown: list[tuple[int, str, Kind]], rows: Iterable[Sequence[Any]],
           formats: _Formats, locale: Locale) -> Iterator[list[tuple[Any, Any, int]]]:
    """Each row's shown cells as (value, number format or None, widest width it may claim)."""
    # Words repeat down a column (sector labels, severities): each is looked up once per column.
    words: list[dict[Any, Any]] = [{} for _ in shown]
    by_row = any(callable(kind) or kind in _ROW_KINDS for _, _, kind in shown)
    for values in rows:
        row = dict(zip(sheet.header, values, strict=False)) if by_row else {}
        cells = []
        for c, (i, column, kind) in enumerate(shown):
            value = values[i] if i < len(values) else None
            if column in sheet.words and not is_missing(value):
                value = sheet.words[column](value)
            chosen = kind(row) if callable(kind) else kind
            if chosen in _PLAIN_KINDS:
                shown_value = value
            elif chosen in _ROW_KINDS or not isinstance(value, Hashable):
                shown_value = cell_value(chosen, value, locale, row)
            elif value in words[c]:
                shown_value = words[c][value]
            else:
                shown_value = words[c][value] = cell_value(chosen, value, locale, row)
            if isinstance(shown_value, float) and not math.isfinite(shown_value):
                shown_value = None
            number_format = formats.number(chosen) if not isinstance(shown_value, str) else None
            cap = len(NUMBER_FORMATS[chosen]) + 3 if number_format is not None else 1 << 30
            cells.append((shown_value, number_format, cap))
        yield cells


_PATTERN_HELP = {"expected": "expected_count", "z": "z_score"}


def _readme_rows(sheets: Sequence[tuple[OfficeSheet, str]], locale: Locale) -> list[list[str]]:
    """(sheet, header, explanation) of each column with a ``tables.help`` text; columns worded
    from a measure (``<role>_expected``, ``<role>_z``) share one explanation per sheet."""
    rows = []
    for sheet, name in sheets:
        explained: set[str] = set()
        for column in sheet.header:
            key = f"tables.help.{column}"
            if _resolve(sheet, column) == "omit":
                continue
            if _known(locale, key):
                rows.append([name, header_text(sheet.table, column, locale), locale.t(key)])
                continue
            pattern = _PATTERN_HELP.get(column.rpartition("_")[2])
            if pattern and pattern not in explained and header_text(sheet.table, column, locale) != column:
                explained.add(pattern)
                rows.append([name, locale.t(f"tables.pattern.{pattern}", measure="…"),
                             locale.t(f"tables.help.pattern.{pattern}")])
    return rows


def _write_readme(workbook: Any, formats: _Formats, rows: list[list[str]], name: str, locale: Locale) -> None:
    ws = workbook.add_worksheet(name)
    ws.set_row(0, 90)
    ws.merge_range(0, 0, 0, 2, locale.t("tables.readme.intro"), formats.wrap)
    for c, key in enumerate(("tables.readme.sheet", "tables.readme.column", "tables.readme.meaning")):
        write_cell(ws, 2, c, locale.t(key), formats.header)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            write_cell(ws, r, c, value, formats.wrap)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 2, 90)
    ws.freeze_panes(3, 0)


def write_office_workbook(path: str | Path, sheets: Sequence[OfficeSheet], locale: Locale) -> None:
    """Write ``sheets`` as one xlsx workbook in the locale's language, with a last sheet that
    explains the columns (``tables.help.<column>``).

    Parameters
    ----------
    path:
        The ``.xlsx`` file, replaced atomically.
    sheets:
        The tables, in order.
    locale:
        Language and vocabulary of headers, sheet names, labels and words.

    Notes
    -----
    Cells are typed as :func:`~carenet_graph.output.files.write_cell` types them (text never a
    formula); a number cell gets the xlsx number format of its kind and keeps its full value.
    The header row is bold, wraps and is frozen, with an autofilter over the table. The same
    sheets give the same bytes.
    """
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    formats = _Formats(workbook)
    taken: set[str] = set()
    named = [(sheet, sheet_name(sheet.table, locale, taken)) for sheet in sheets]
    streamed = {}
    for sheet, name in named:
        long_sheet = _write_sheet(workbook, formats, sheet, name, locale)
        if long_sheet is not None:
            streamed[f"xl/worksheets/sheet{len(workbook.worksheets())}.xml"] = long_sheet
    _write_readme(workbook, formats, _readme_rows(named, locale), sheet_name("readme", locale, taken), locale)
    atomic_write_bytes(path, workbook_bytes(workbook, buffer, streamed))
