"""Workbooks (xlsx, xls, ods) → raw sheets, within the limits of :mod:`carenet_graph.read.limits`.

:func:`read_workbook` yields one :class:`~carenet_graph.read.files.RawSheet` per visible
worksheet (hidden sheets, charts and macro sheets are reported and never read as data). It
first has :mod:`carenet_graph.read.bounds` check what the file would make python-calamine
allocate (file and unpacked size, sheets, each sheet's used area), because the reader fills a
sheet's whole used rectangle at once and aborts the process when it cannot. Two things the
reader loses are put back: formula errors (``#N/A``) and merged cells.

:func:`workbook_refusal` phrases what a file that only looks like a workbook is: Excel's lock
file, a cut-off download, a PDF with a workbook's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from carenet_graph.errors import InputError
from carenet_graph.i18n.formatting import english_plural
from carenet_graph.read.bounds import check_extent, check_sheet_count, scan_workbook
from carenet_graph.read.files import RawSheet, cell_text
from carenet_graph.read.isolation import xls_opens_safely
from carenet_graph.read.limits import DEFAULT_LIMITS, Limits
from carenet_graph.read.problems import Problem
from carenet_graph.read.sheetscan import Extent

#: Kinds :func:`~carenet_graph.read.sniff.detect_kind` gives a file that looks like, but is not, a workbook.
NOT_WORKBOOKS = ("lockfile", "truncated")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def workbook_refusal(path: Path, kind: str) -> InputError | None:
    """The error for a file that is not the workbook it seems to be, or None."""
    name = str(path)
    if kind == "lockfile":
        return InputError("this is the lock file Excel keeps while the workbook is open (its name starts with ~$), "
                          "not the workbook", file=name,
                          hint="Open the workbook itself: the file of the same name without '~$' at the start.",
                          key="workbook.lock_file", values={})
    if kind == "truncated":
        return InputError("the workbook is incomplete: the file ends before its table of contents (it was cut off "
                          "while copying, downloading or saving)", file=name,
                          hint="Copy or download the file again, or save it again from your spreadsheet program.",
                          key="workbook.incomplete", values={})
    if kind == "pdf" and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return InputError(f"the file is a PDF document, not a workbook, although its name ends in {path.suffix}",
                          file=name, hint="A PDF cannot be read as a table: open the original workbook and save "
                                          "it as .xlsx (or export 'CSV UTF-8').",
                          key="workbook.is_pdf", values={"suffix": path.suffix})
    return None


def read_workbook(path: Path, kind: str, problems: list[Problem], limits: Limits = DEFAULT_LIMITS) -> list[RawSheet]:
    """Every visible, non-instruction sheet of a workbook as rows of text.

    Merged cells are filled with the value of their top-left cell (a merged 'Source' cell
    over three tie rows means the same source for all three) and counted.

    Raises
    ------
    InputError
        When the workbook cannot be opened or exceeds ``limits`` (before it is read).
    """
    import python_calamine as calamine

    name = str(path)
    scan = scan_workbook(path, kind, limits)
    if kind == "xls" and not xls_opens_safely(path):
        raise InputError(
            "the xls workbook states sheet sizes or cell positions far beyond any real sheet; it was not opened",
            file=name, hint="Open it in your spreadsheet program and save it as .xlsx.",
            key="workbook.xls_unsafe", values={})
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every broken file
        raise InputError(
            f"the {kind} workbook cannot be opened ({type(exc).__name__})",
            file=name,
            hint="Open it in your spreadsheet program, check it is not password-protected, and save it again.",
            key="workbook.cannot_open", values={"kind": kind, "reason": type(exc).__name__},
        ) from None
    check_sheet_count(name, len(workbook.sheet_names), limits)
    sheets: list[RawSheet] = []
    total = 0
    for meta in workbook.sheets_metadata:
        sheet_name = meta.name
        if str(meta.visible).split(".")[-1].lower() != "visible":
            problems.append(Problem("table.hidden_sheet", "info", "hidden sheet not read as data",
                                    file=name, sheet=sheet_name))
            continue
        if str(meta.typ).split(".")[-1].lower() not in ("worksheet",):
            problems.append(Problem("table.not_worksheet", "info", "chart or macro sheet not read",
                                    file=name, sheet=sheet_name))
            continue
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
            end = sheet.end
            # The reader has the sheet; its Python lists are made only within the limits (for
            # xls, whose sheets are not scanned before, this is the check).
            extent = Extent(end[0] + 1, end[1] + 1) if end else Extent()
            total += check_extent(name, sheet_name, extent, total, limits)
            values: list[Any] = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or ())
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"sheet cannot be read ({type(exc).__name__})", file=name, sheet=sheet_name,
                             hint="Save the workbook again as .xlsx.", key="workbook.sheet_unreadable",
                             values={"reason": type(exc).__name__}) from None
        for i, row in enumerate(values):  # in place: one copy of the sheet at a time
            values[i] = [cell_text(v) for v in row]
        rows: list[list[str]] = values
        if sheet_name in scan.error_sheets:
            _restore_error_cells(path, scan.error_sheets[sheet_name], rows)
        filled = _fill_merged(rows, merged)
        if filled:
            problems.append(Problem("cell.merged", "info", f"{english_plural(filled, 'merged cell')} filled "
                                    "with the value of the merged block",
                                    file=name, sheet=sheet_name, count=filled))
        sheets.append(RawSheet(name, sheet_name, rows, 1))
    return sheets


_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _restore_error_cells(path: Path, member: str, rows: list[list[str]]) -> None:
    """Put error values (``#N/A``, ``#REF!``...) back into the cells where calamine left ''.

    python-calamine returns formula errors as empty cells; without this a broken lookup
    would vanish silently instead of being reported as ``cell.excel_error``. Only sheets the
    scan saw an error cell in (``t="e"``) are parsed again, and only within the area read.
    """
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as handle:
            for _, element in ET.iterparse(handle):
                if element.tag == f"{_XLSX_MAIN}c" and element.get("t") == "e":
                    ref = _CELL_REF.match(element.get("r", ""))
                    value = element.find(f"{_XLSX_MAIN}v")
                    if ref and value is not None and value.text:
                        r = int(ref.group(2)) - 1
                        c = _column_number(ref.group(1))
                        while len(rows) <= r:  # within the area the scan checked
                            rows.append([])
                        row = rows[r]
                        row.extend([""] * (c + 1 - len(row)))
                        if not row[c]:
                            row[c] = value.text
                if element.tag == f"{_XLSX_MAIN}row":
                    element.clear()
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError):
        return  # calamine has read the sheet; only the error markers are lost


def _column_number(letters: str) -> int:
    """0-based column index of a column letter (A → 0, AA → 26)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _fill_merged(rows: list[list[str]], merged: Sequence[Any]) -> int:
    filled = 0
    for block in merged:
        (r0, c0), (r1, c1) = block
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            # Only cells that were read: a merge over the whole sheet costs no more than the sheet.
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and row[c] == "":
                    row[c] = value
                    filled += 1
    return filled
