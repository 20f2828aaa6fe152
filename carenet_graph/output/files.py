"""Safe output: atomic files, formula-injection defence, deterministic CSV and XLSX.

Three promises of the design meet here:

* **Atomic** – every file, and every set of files a run writes, replaces its targets whole
  or not at all (:mod:`carenet_graph.output.atomic`; re-exported here).
* **No formulas** – every text cell passes :func:`neutralise_cell` (:mod:`carenet_graph.output.cells`,
  re-exported here); XLSX text is written as string cells only, so a spreadsheet never evaluates
  anything read from user data.
* **Reproducible** – same data, same bytes: CSV is written with fixed ``\\n`` line ends and
  shortest round-trip floats; XLSX gets fixed document dates and a normalised zip container
  (:func:`reproducible_zip`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from carenet_graph.errors import OutputError
from carenet_graph.output.atomic import atomic_write_bytes, atomic_write_text, atomic_writer
from carenet_graph.output.cells import cell_text, column_texts, decimal_comma_cell, is_missing, neutralise_cell
from carenet_graph.output.dialects import CSV_STYLES, MACHINE_CSV, CsvDialect, csv_dialect
from carenet_graph.output.sheetxml import StreamedSheet, reproducible_zip, splice_rows

__all__ = [
    "CSV_STYLES",
    "MACHINE_CSV",
    "CsvDialect",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_writer",
    "cell_text",
    "csv_dialect",
    "is_missing",
    "neutralise_cell",
    "reproducible_zip",
    "write_csv",
    "write_xlsx",
]

#: Document date stored in every XLSX (core.xml); a fixed value keeps the bytes reproducible.
FIXED_CREATED = dt.datetime(2000, 1, 1)
#: Options for every workbook: text is text, never turned into a formula, number or link.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_STRING = 32_767
# Excel stores numbers as doubles; larger integers would silently lose digits.
_XLSX_MAX_EXACT_INT = 2**53


# -- CSV ------------------------------------------------------------------------------------
def write_csv(
    path: str | os.PathLike[str],
    header: list[str],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    dialect: CsvDialect | None = None,
) -> None:
    """Write a table as UTF-8 CSV, atomically and without formulas.

    Parameters
    ----------
    path:
        Output file.
    header:
        Column names (neutralised like any other text).
    rows:
        The rows; consumed once, so a generator is fine.
    delimiter:
        Field separator, e.g. ``";"`` for spreadsheets set to a decimal comma.
    bom:
        Start with a UTF-8 byte order mark, which older Excel versions need to read
        Umlauts correctly when a CSV is opened by double-click.
    dialect:
        Separator, decimal sign and BOM together (:func:`csv_dialect`); replaces
        ``delimiter`` and ``bom`` when given.

    Notes
    -----
    Cells: ``None``/NaN → empty; ``bool`` → ``true``/``false``; integers as digits;
    floats with :func:`repr` (shortest round-trip; with a decimal comma through
    :func:`~carenet_graph.output.dialects.decimal_comma_text`); dates ISO 8601; every text through
    :func:`neutralise_cell`. Line ends are ``\\n`` on every platform.
    """
    if dialect is not None:
        delimiter, bom = dialect.delimiter, dialect.bom
    comma = dialect is not None and dialect.decimal == ","
    cell = decimal_comma_cell if comma else cell_text
    with atomic_writer(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            if bom:
                text.write("\ufeff")
            # Rows go through a string buffer, a block at a time: a write to the file costs
            # microseconds, one to the buffer nanoseconds.
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
            writer.writerow([neutralise_cell(str(h)) for h in header])
            remaining = iter(rows)
            while block := list(islice(remaining, 4096)):
                if len({len(row) for row in block}) > 1 or not block[0]:  # short rows stay short
                    writer.writerows(["" if is_missing(v) else cell(v) for v in row] for row in block)
                elif len(block[0]) == 1:  # one column: an empty cell is written "" (csv's rule)
                    writer.writerows([text] for text in column_texts([row[0] for row in block], comma))
                else:
                    # Column by column: a column's cells mostly share one type (10^6 cells in seconds).
                    columns = [column_texts(column, comma) for column in zip(*block, strict=True)]
                    buffer.write(_lines(columns, delimiter, writer, buffer))
                text.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
            text.write(buffer.getvalue())
            text.flush()
        finally:
            # Hand the binary file back to atomic_writer instead of closing it here.
            text.detach()


def _lines(columns: list[list[str]], delimiter: str, writer: Any, buffer: io.StringIO) -> str:
    """The CSV lines of the rows whose cells are ``columns`` (of two or more cells), as ``writer``
    writes them: a cell that needs quotes (it holds the delimiter, a quote or a line break; csv
    quotes nothing else) is quoted by ``writer`` itself, every other cell is joined as it is."""
    for texts in columns:
        joined = "".join(texts)
        if delimiter in joined or '"' in joined or "\n" in joined or "\r" in joined:
            for i, text in enumerate(texts):
                if delimiter in text or '"' in text or "\n" in text or "\r" in text:
                    start = buffer.tell()
                    writer.writerow([text, ""])  # two cells: a field's quoting never depends on the row
                    texts[i] = buffer.getvalue()[start:-len(delimiter) - 1]
                    buffer.seek(start)
                    buffer.truncate()
    return "\n".join(map(delimiter.join, zip(*columns, strict=True))) + "\n"


# -- XLSX -----------------------------------------------------------------------------------
def new_workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """An in-memory workbook with safe string handling and fixed document dates."""
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    workbook.set_properties({"created": FIXED_CREATED})
    return workbook


def workbook_bytes(workbook: xlsxwriter.Workbook, buffer: io.BytesIO,
                   streamed: Mapping[str, tuple[StreamedSheet, str]] | None = None) -> bytes:
    """Close ``workbook`` and return its reproducible bytes, with the rows of any ``streamed``
    sheets (zip entry → sheet and cell range, :mod:`carenet_graph.output.sheetxml`) put in."""
    try:
        workbook.close()
    except XlsxWriterException as exc:
        raise OutputError(
            f"cannot build the spreadsheet ({type(exc).__name__})",
            hint="Write CSV instead, or report this as a bug.",
            key="output.xlsx_not_built",
            values={"error": type(exc).__name__},
        ) from exc
    if streamed:
        return splice_rows(buffer.getvalue(), streamed)
    return reproducible_zip(buffer.getvalue())


def cell_width(value: object) -> int:
    """The length of ``value``'s text as :func:`write_cell` counts it, without writing it."""
    if is_missing(value):
        return 0
    if isinstance(value, bool):
        return 5
    text = repr(float(value)) if type(value) is float else cell_text(value)
    return max((len(line) for line in text.splitlines()), default=0)


def write_cell(
    sheet: Any, row: int, col: int, value: object, cell_format: Any = None
) -> int:
    """Write one value as a typed cell; return the length of its text (for column widths).

    Text goes through :func:`neutralise_cell` and ``write_string`` (never a formula);
    finite numbers through ``write_number``; booleans through ``write_boolean``;
    ``None``/NaN stays blank. Integers beyond 2**53 are written as text because Excel
    would round them.
    """
    if is_missing(value):
        if cell_format is not None:
            sheet.write_blank(row, col, None, cell_format)
        return 0
    kind = type(value)
    if kind is str and len(value) <= _XLSX_MAX_STRING:  # type: ignore[arg-type]
        text = neutralise_cell(value)  # type: ignore[arg-type]
        sheet.write_string(row, col, text, cell_format)
        return len(text) if "\n" not in text else max(len(line) for line in text.splitlines())
    if kind is float and math.isfinite(value):  # type: ignore[arg-type]
        sheet.write_number(row, col, value, cell_format)
        return len(repr(value))
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
        return 5
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        number = float(value)
        if math.isfinite(number):
            sheet.write_number(row, col, number, cell_format)
            return len(repr(number))
    elif isinstance(value, numbers.Integral) and abs(int(value)) <= _XLSX_MAX_EXACT_INT:
        sheet.write_number(row, col, int(value), cell_format)
        return len(str(int(value)))
    text = cell_text(value)
    if len(text) > _XLSX_MAX_STRING:
        raise OutputError(
            f"a cell is longer than the {_XLSX_MAX_STRING} characters Excel can hold",
            sheet=sheet.name,
            row=row + 1,
            column_index=col,
            hint="Shorten that text, or write CSV instead of XLSX.",
            key="output.cell_too_long",
            values={"limit": _XLSX_MAX_STRING},
        )
    sheet.write_string(row, col, text, cell_format)
    return max((len(line) for line in text.splitlines()), default=0)


def _column_width(chars: int) -> int:
    # Wide enough for typical content, never so wide that one long note hides the rest.
    return min(max(chars + 2, 8), 60)


def write_xlsx(
    path: str | os.PathLike[str],
    sheets: Sequence[tuple[str, list[str], Iterable[Sequence[object]]]],
) -> None:
    """Write tables as an Excel workbook, atomically, without formulas, reproducibly.

    Parameters
    ----------
    path:
        Output ``.xlsx`` file.
    sheets:
        ``(sheet name, header, rows)`` per sheet, in order. Rows are consumed once.

    Notes
    -----
    Cell types follow :func:`write_cell`. The header row is bold and frozen, an autofilter
    covers the table, and column widths follow the longest text (8–60 characters).
    Two calls with the same data give byte-identical files.

    Raises
    ------
    OutputError
        If a sheet name is invalid or duplicated, a sheet has more rows than Excel allows,
        a text is too long for a cell, or the file cannot be written.
    """
    if not sheets:
        raise OutputError(
            "a spreadsheet needs at least one sheet", file=str(path), hint="Report this as a bug.",
            key="output.no_sheet", values={},
        )
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    bold = workbook.add_format({"bold": True})
    for name, header, rows in sheets:
        try:
            sheet = workbook.add_worksheet(name)
        except XlsxWriterException as exc:
            raise OutputError(
                f"'{name}' cannot be used as a sheet name ({type(exc).__name__})",
                file=str(path),
                hint="Use a unique name of at most 31 characters without [ ] : * ? / \\.",
                key="output.bad_sheet_name",
                values={"name": name, "error": type(exc).__name__},
            ) from exc
        widths = [write_cell(sheet, 0, c, h, bold) for c, h in enumerate(header)]
        last_row = 0
        for r, row in enumerate(rows, start=1):
            if r >= _XLSX_MAX_ROWS:
                raise OutputError(
                    f"more than {_XLSX_MAX_ROWS - 1} rows do not fit in an Excel sheet",
                    file=str(path),
                    sheet=name,
                    hint="Write CSV instead of XLSX for tables this large.",
                    key="output.too_many_rows",
                    values={"limit": _XLSX_MAX_ROWS - 1},
                )
            for c, value in enumerate(row):
                chars = write_cell(sheet, r, c, value)
                if c < len(widths):
                    widths[c] = max(widths[c], chars)
                else:
                    widths.append(chars)
            last_row = r
        for c, chars in enumerate(widths):
            sheet.set_column(c, c, _column_width(chars))
        if header:
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, last_row, len(header) - 1)
    atomic_write_bytes(path, workbook_bytes(workbook, buffer))

