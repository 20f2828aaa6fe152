"""Office workbooks: the tables of analyze, gaps and compare as a coordinator reads them.

A workbook written here shows each table on a sheet named in the user's language, under
headers in that language, with vocabulary ids as their labels ("Ambulanter Pflegedienst", not
``home_nursing``), codes as words, booleans as the language's yes and no, and numbers as
numbers: the cell keeps the full value and an xlsx number format (``0.000``, ``0%``) rounds it
for display, with the decimal sign Excel takes from the reader's own settings. A last sheet
explains the columns that need it. Which column holds what is said once, in
:mod:`carenet_graph.output.columns`; the words are the ``tables`` area of the catalogues
(``i18n/tables_LANG.yaml``), chosen in :mod:`carenet_graph.output.words`. A sheet of more than
5,000 rows is streamed (:mod:`carenet_graph.output.sheetxml`); a table longer than a sheet can
hold is summed up on its sheet instead, which names the CSV file holding it
(:mod:`carenet_graph.output.summary`).

The CSV files next to a workbook keep the column ids and raw values for scripts. Like every
workbook of the package, these are written atomically, formula-safe and byte-identical for the
same tables (:mod:`carenet_graph.output.files`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carenet_graph.locale import Locale
from carenet_graph.output.columns import NUMBER_FORMATS, column_kind
from carenet_graph.output.dialects import MACHINE_CSV, CsvDialect
from carenet_graph.output.files import (
    atomic_write_bytes,
    cell_text,
    cell_width,
    is_missing,
    neutralise_cell,
    new_workbook,
    workbook_bytes,
    write_cell,
    write_csv,
)
from carenet_graph.output.sheetxml import STREAM_ROWS, Block, StreamedSheet, Styles, column_letters
from carenet_graph.output.summary import fits_sheet, summarise, too_long_sentence, write_summary
from carenet_graph.output.words import Kind, cell_value, figure_kind, group_kinds, has_text, header_text, sheet_name

__all__ = ["OfficeSheet", "cell_value", "group_kinds", "header_text", "sheet_name",
           "write_office_workbook"]

# Kinds whose cells are written as they are, and kinds that look at the rest of the row.
_PLAIN_KINDS = frozenset({"text", "id", "number", *NUMBER_FORMATS})
_ROW_KINDS = frozenset({"structural_group"})


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
    csv:
        The file name of the CSV file next to the workbook that holds this very table (None: no
        such file). A table too long for a sheet is summed up on its sheet, which names this file
        (:mod:`carenet_graph.output.summary`); without one, the table is written to
        ``<workbook>_<table>.csv`` first.
    """

    table: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    words: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    csv: str | None = None


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
        return figure_kind  # a sheet of figures: each row is a figure of its own kind
    return column_kind(sheet.table, column) or "number"


def _shown(sheet: OfficeSheet) -> list[tuple[int, str, Kind]]:
    """(index, column id, kind) of each column the sheet shows."""
    return [(i, column, kind) for i, column in enumerate(sheet.header) if (kind := _resolve(sheet, column)) != "omit"]


def _write_sheet(workbook: Any, formats: _Formats, sheet: OfficeSheet, name: str, rows: Sequence[Sequence[Any]],
                 locale: Locale) -> tuple[StreamedSheet, str] | None:
    """Write ``sheet``; a long one gets its frame only and is returned with its cell range, to be
    streamed into the workbook's zip (:mod:`carenet_graph.output.sheetxml`)."""
    ws = workbook.add_worksheet(name)
    shown = _shown(sheet)
    widths = []
    for c, (_, column, _) in enumerate(shown):
        text = header_text(sheet.table, column, locale)
        write_cell(ws, 0, c, text, formats.header)
        # Headers wrap onto two lines rather than widen a column of small numbers.
        widths.append(min(len(text), 18))
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
        # Rows of one length (the rule): their columns in one transpose.
        transposed = list(zip(*block, strict=True)) if len(set(map(len, block))) == 1 else None
        columns: list[tuple[Sequence[Any], Styles]] = []
        for c, (i, column, fixed) in enumerate(shown):
            kind = str(fixed)  # not a function of the row (by_row is False)
            if transposed is None:
                values = [row[i] if i < len(row) else None for row in block]
            else:
                values = list(transposed[i]) if i < len(transposed) else [None] * len(block)
            if column in sheet.words:
                values = [value if is_missing(value) else sheet.words[column](value) for value in values]
            if kind not in _PLAIN_KINDS:
                values = _worded(values, words[c], kind, locale)
            number_format = formats.number(kind)
            # One style for the column's numbers (text cells never take a number format).
            columns.append((values, None if number_format is None else number_format._get_xf_index()))
        yield start + 2, columns


def _worded(values: list[Any], known: dict[Any, Any], kind: str, locale: Locale) -> list[Any]:
    """:func:`cell_value` of each value, each distinct value looked up once (``known`` keeps them
    for the next block)."""
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # an unhashable value (a list of codes): cell by cell
        return [cell_value(kind, value, locale, {}) if not isinstance(value, Hashable)
                else known[value] if value in known
                else known.setdefault(value, cell_value(kind, value, locale, {})) for value in values]
    for value in distinct:
        if value not in known:
            known[value] = cell_value(kind, value, locale, {})
    return list(map(known.__getitem__, values))


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
            if has_text(locale, key):
                rows.append([name, header_text(sheet.table, column, locale), locale.t(key)])
                continue
            pattern = _PATTERN_HELP.get(column.rpartition("_")[2])
            if pattern and pattern not in explained and header_text(sheet.table, column, locale) != column:
                explained.add(pattern)
                rows.append([name, locale.t(f"tables.pattern.{pattern}", measure="…"),
                             locale.t(f"tables.help.pattern.{pattern}")])
    return rows


def _write_readme(workbook: Any, formats: _Formats, rows: Sequence[Sequence[str | None]], name: str,
                  locale: Locale) -> None:
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


def write_office_workbook(path: str | Path, sheets: Sequence[OfficeSheet], locale: Locale, *,
                          dialect: CsvDialect = MACHINE_CSV) -> list[Path]:
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
    dialect:
        How a table too long for a sheet and without a CSV file of its own
        (:attr:`OfficeSheet.csv`) is written next to the workbook.

    Returns
    -------
    list of Path
        The CSV files written for tables too long for a sheet (usually none).

    Notes
    -----
    Cells are typed as :func:`~carenet_graph.output.files.write_cell` types them (text never a
    formula); a number cell gets the xlsx number format of its kind and keeps its full value.
    The header row is bold, wraps and is frozen, with an autofilter over the table. A table with
    more rows than a sheet holds (:data:`~carenet_graph.output.summary.SHEET_ROWS`) does not stop
    the run: its sheet names the CSV file that holds it and sums up its columns, and the last sheet
    says so too. The same sheets give the same bytes.
    """
    target = Path(path)
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    formats = _Formats(workbook)
    taken: set[str] = set()
    named = [(sheet, sheet_name(sheet.table, locale, taken)) for sheet in sheets]
    streamed = {}
    written: list[Path] = []
    notes: list[list[str | None]] = []
    for sheet, name in named:
        rows = sheet.rows if isinstance(sheet.rows, Sequence) else list(sheet.rows)
        if not fits_sheet(len(rows)):
            file = sheet.csv
            if file is None:
                file = f"{target.stem}_{sheet.table}.csv"
                write_csv(target.parent / file, [str(column) for column in sheet.header], rows, dialect=dialect)
                written.append(target.parent / file)
            _write_summary(workbook, formats, sheet, name, rows, file, locale)
            notes.append([name, None, locale.t("tables.readme.summary", rows=locale.number(len(rows)), file=file)])
            continue
        long_sheet = _write_sheet(workbook, formats, sheet, name, rows, locale)
        if long_sheet is not None:
            streamed[f"xl/worksheets/sheet{len(workbook.worksheets())}.xml"] = long_sheet
    _write_readme(workbook, formats, [*notes, *_readme_rows(named, locale)], sheet_name("readme", locale, taken),
                  locale)
    atomic_write_bytes(target, workbook_bytes(workbook, buffer, streamed))
    return written


def _write_summary(workbook: Any, formats: _Formats, sheet: OfficeSheet, name: str, rows: Sequence[Sequence[Any]],
                   file: str, locale: Locale) -> None:
    """The sheet of a table too long for one: where the table is, and a summary of each shown column."""
    ws = workbook.add_worksheet(name)
    sentence = too_long_sentence(locale, len(rows), file)
    width = len(sheet.header)
    if rows and all(len(row) == width for row in rows):
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if width else []
    else:
        columns = [[row[i] if i < len(row) else None for row in rows] for i in range(width)]
    summaries = []
    for i, column, kind in _shown(sheet):
        values = columns[i] if i < len(columns) else []
        if column in sheet.words:
            values = [value if is_missing(value) else sheet.words[column](value) for value in values]
        fixed = kind if isinstance(kind, str) else ""
        extreme = formats.number(fixed)
        # The mean of whole numbers is rarely whole: it keeps two decimals.
        middle = formats.number("decimal2") if fixed == "integer" else extreme
        summaries.append((header_text(sheet.table, column, locale), summarise(values), extreme, middle))
    write_summary(ws, sentence, summaries, locale, formats.header, formats.wrap, formats.number("integer"))
