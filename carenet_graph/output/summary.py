"""A table too long for an Excel sheet: a sheet that says where the whole table is, and sums it up.

An Excel sheet holds 1,048,576 rows, its header included (:data:`SHEET_ROWS`); a table of 10^6
actors or ties does not fit. Its CSV file holds every row, so its sheet in the workbook says so in
the reader's language ("This table has 1,234,567 rows, more than an Excel sheet can hold …
The complete table is in actors.csv.") and sums up each column instead: for a column of numbers
how many there are, their smallest, median, mean and largest value; for any other column how
many cells are filled and how many different values they hold (as the CSV file writes them).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from carenet_graph.locale import Locale
from carenet_graph.output.cells import column_texts, is_missing
from carenet_graph.output.files import write_cell

__all__ = ["SHEET_ROWS", "ColumnSummary", "fits_sheet", "summarise", "too_long_sentence", "write_summary"]

#: The rows an Excel sheet holds, the header row included (the limit of Excel 2007 and later and
#: of LibreOffice). A module constant, so that a test can make it small.
SHEET_ROWS = 1_048_576


def fits_sheet(rows: int) -> bool:
    """Whether a table of ``rows`` rows and its header row fit on one sheet (:data:`SHEET_ROWS`)."""
    return rows + 1 <= SHEET_ROWS


def too_long_sentence(locale: Locale, rows: int, file: str) -> str:
    """The sentence atop the sheet of a table of ``rows`` rows too long for it, whose CSV is ``file``."""
    return locale.t("tables.summary.too_long", rows=locale.number(rows), limit=locale.number(SHEET_ROWS), file=file)


@dataclass(frozen=True)
class ColumnSummary:
    """What the summary sheet says about one column.

    ``filled`` counts the numbers of a column of numbers, or the non-empty cells of any other
    column, whose ``distinct`` counts its different texts; ``minimum``, ``median``, ``mean`` and
    ``maximum`` are those of the numbers (None for a column that is not one of numbers).
    """

    filled: int
    distinct: int | None = None
    minimum: Any = None
    median: float | None = None
    mean: float | None = None
    maximum: Any = None


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float or (isinstance(value, numbers.Real) and not isinstance(value, bool))


def summarise(values: Sequence[Any]) -> ColumnSummary:
    """The :class:`ColumnSummary` of a column's raw values (missing values, None and NaN, left out).

    A column is one of numbers when every value that is not missing is a real number (booleans
    are not); its median and mean are those of the values as 64-bit floats (``numpy.median``,
    ``numpy.mean``), its minimum and maximum the values themselves (exact for large integers).
    Any other column is counted by the texts its CSV file holds
    (:func:`~carenet_graph.output.cells.column_texts`).
    """
    present = [value for value in values if not is_missing(value)]
    if present and all(map(_is_number, present)):
        floats = np.asarray([float(value) for value in present], dtype=np.float64)
        return ColumnSummary(len(present), None, min(present), float(np.median(floats)), float(floats.mean()),
                             max(present))
    texts = [text for text in column_texts(values) if text]
    return ColumnSummary(len(texts), len(set(texts)))


def write_summary(ws: Any, sentence: str, columns: Sequence[tuple[str, ColumnSummary, Any, Any]],
                  locale: Locale, header_format: Any, wrap_format: Any, count_format: Any) -> None:
    """Write the summary sheet: ``sentence`` across the top, then a row per column.

    ``columns`` holds each column's header, its :class:`ColumnSummary` and the number formats of
    its smallest and largest value and of its median and mean (None: Excel's general format).
    """
    ws.set_row(0, 48)
    ws.merge_range(0, 0, 0, 6, sentence, wrap_format)
    labels = ("tables.readme.column", "tables.summary.filled", "tables.summary.distinct", "tables.summary.minimum",
              "tables.summary.median", "tables.summary.mean", "tables.summary.maximum")
    for c, key in enumerate(labels):
        write_cell(ws, 2, c, locale.t(key), header_format)
    for r, (header, summary, extreme_format, middle_format) in enumerate(columns, start=3):
        write_cell(ws, r, 0, header)
        write_cell(ws, r, 1, summary.filled, count_format)
        write_cell(ws, r, 2, summary.distinct, count_format)
        write_cell(ws, r, 3, summary.minimum, extreme_format)
        write_cell(ws, r, 4, summary.median, middle_format)
        write_cell(ws, r, 5, summary.mean, middle_format)
        write_cell(ws, r, 6, summary.maximum, extreme_format)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 6, 16)
    ws.freeze_panes(3, 0)
