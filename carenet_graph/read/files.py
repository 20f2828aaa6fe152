"""Files → raw sheets: every sheet or text file as rows of text cells, before any header is known.

This is the one module that opens data files. A delimited text file is decoded and split
(:mod:`carenet_graph.read.sniff` says how); a workbook (xlsx, xls, ods) yields one
:class:`RawSheet` per visible worksheet (hidden sheets, charts and macro sheets are reported and
never read as data). Cells that the spreadsheet reader already typed are
turned back into the text a person sees (``1067.0`` → ``"1067"``, a date → ``"2023-02-01"``),
because conversion to numbers, dates and vocabulary ids happens per column later
(:mod:`carenet_graph.read.cells`) and must not depend on what a reader guessed. Two things
spreadsheet readers lose are put back: formula errors (``#N/A``) and merged cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carenet_graph.errors import InputError
from carenet_graph.read.limits import DEFAULT_LIMITS, Limits
from carenet_graph.read.problems import Problem
from carenet_graph.read.sniff import EXTENSION_KIND, decode, detect_kind, sniff_delimiter


@dataclass
class RawSheet:
    """All rows of one sheet or text file before the header is known."""

    file: str
    sheet: str | None
    rows: list[list[str]]
    first_row: int = 1


def cell_text(value: Any) -> str:
    """Text a person sees for a cell value returned by a spreadsheet reader."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


# -- text files and workbooks ---------------------------------------------------------------


def read_text_file(path: Path, data: bytes, sep: str | None, problems: list[Problem]) -> RawSheet:
    """A delimited text file as rows of text (see :mod:`carenet_graph.read.sniff`)."""
    name = str(path)
    try:
        decoded = decode(data)
    except InputError as exc:
        exc.file = name
        raise
    if decoded.bom:
        problems.append(Problem("file.bom", "info", f"byte-order mark ({decoded.encoding}) removed",
                                file=name))
    if decoded.encoding.startswith("utf-16") and not decoded.bom:
        problems.append(Problem("file.utf16", "info",
                                f"file is {decoded.encoding} text without byte-order mark; decoded as such",
                                file=name))
    if decoded.encoding == "cp1252":
        problems.append(Problem(
            "file.encoding_fallback", "info",
            "file is not UTF-8; decoded as Windows-1252 (the usual 'ANSI' encoding of Excel)",
            hint="If letters such as ä, å or ë look wrong, save the file as 'CSV UTF-8'.", file=name))
    text = decoded.text
    dialect = sniff_delimiter(text, sep)
    first = 1
    if dialect.sep_line:
        text = text.partition("\n")[2]
        first = 2
        problems.append(Problem("file.sep_line", "info", "Excel 'sep=' line read and skipped", file=name, row=1))
    if not dialect.sep_line and sep is None and dialect.delimiter != ",":
        problems.append(Problem("file.delimiter", "info",
                                f"columns are separated by {_delimiter_name(dialect.delimiter)}", file=name))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, strict=False)
    rows = [row for row in reader]
    return RawSheet(name, None, rows, first)


def _delimiter_name(delimiter: str) -> str:
    return {";": "semicolons", "\t": "tabs", "|": "vertical bars", ",": "commas"}.get(delimiter, repr(delimiter))


def read_workbook(
    path: Path, kind: str, problems: list[Problem]
) -> list[RawSheet]:
    """Every visible, non-instruction sheet of a workbook as rows of text.

    Merged cells are filled with the value of their top-left cell (a merged 'Source' cell
    over three tie rows means the same source for all three) and counted.
    """
    import python_calamine as calamine

    name = str(path)
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every broken file
        raise InputError(
            f"the {kind} workbook cannot be opened ({type(exc).__name__})",
            file=name,
            hint="Open it in your spreadsheet program, check it is not password-protected, and save it again.",
        ) from None
    sheets: list[RawSheet] = []
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
            values = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or ())
        except Exception as exc:
            raise InputError(f"sheet cannot be read ({type(exc).__name__})", file=name, sheet=sheet_name,
                             hint="Save the workbook again as .xlsx.") from None
        rows = [[cell_text(v) for v in row] for row in values]
        if kind == "xlsx":
            _restore_error_cells(path, sheet_name, rows)
        filled = _fill_merged(rows, merged)
        if filled:
            problems.append(Problem("cell.merged", "info",
                                    f"{filled} merged cell(s) filled with the value of the merged block",
                                    file=name, sheet=sheet_name, count=filled))
        sheets.append(RawSheet(name, sheet_name, rows, 1))
    return sheets


_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _restore_error_cells(path: Path, sheet_name: str, rows: list[list[str]]) -> None:
    """Put error values (``#N/A``, ``#REF!``...) back into the cells where calamine left ''.

    python-calamine returns formula errors as empty cells; without this a broken lookup
    would vanish silently instead of being reported as ``cell.excel_error``. The sheet XML is
    only parsed when it holds an error cell at all (``t="e"``).
    """
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            member = _xlsx_sheet_member(zf, sheet_name)
            if member is None or not _member_contains(zf, member, b't="e"'):
                return
            with zf.open(member) as handle:
                for _, element in ET.iterparse(handle):
                    if element.tag == f"{_XLSX_MAIN}c" and element.get("t") == "e":
                        ref = _CELL_REF.match(element.get("r", ""))
                        value = element.find(f"{_XLSX_MAIN}v")
                        if ref and value is not None and value.text:
                            r = int(ref.group(2)) - 1
                            c = _column_number(ref.group(1))
                            while len(rows) <= r:
                                rows.append([])
                            row = rows[r]
                            row.extend([""] * (c + 1 - len(row)))
                            if not row[c]:
                                row[c] = value.text
                    if element.tag == f"{_XLSX_MAIN}row":
                        element.clear()
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError):
        return  # calamine has read the sheet; only the error markers are lost


def _xlsx_sheet_member(zf: Any, sheet_name: str) -> str | None:
    import xml.etree.ElementTree as ET

    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rel_id = next((s.get(f"{_XLSX_REL}id") for s in workbook.iter(f"{_XLSX_MAIN}sheet")
                   if s.get("name") == sheet_name), None)
    if rel_id is None:
        return None
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels if r.get("Id") == rel_id), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _member_contains(zf: Any, member: str, needle: bytes) -> bool:
    tail = b""
    with zf.open(member) as handle:
        while chunk := handle.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


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
            for c in range(c0, c1 + 1):
                if c < len(row) and (r, c) != (r0, c0) and row[c] == "":
                    row[c] = value
                    filled += 1
    return filled


def read_raw(path: Path, sep: str | None, problems: list[Problem],
             limits: Limits = DEFAULT_LIMITS) -> tuple[str, list[RawSheet]]:
    """Read one file (any supported spreadsheet or text kind) into raw sheets.

    The kind is recognised from the content, not the name (:func:`~carenet_graph.read.sniff.detect_kind`);
    a name that says otherwise is reported.

    Parameters
    ----------
    path:
        The file.
    sep:
        Delimiter of a text file, overriding detection.
    problems:
        Receives the file-level notes (encoding fallback, byte-order mark, format mismatch...).
    limits:
        What the file may make the reader allocate; checked before allocating.

    Returns
    -------
    tuple of (str, list of RawSheet)
        The kind ("text", "xlsx", "xls", "ods", or a graph kind, whose file is read by
        :mod:`carenet_graph.read.graphformats` and has no sheets here) and the sheets.

    Raises
    ------
    InputError
        When the file is missing, empty, unreadable or not a table at all (a web page, a PDF...).
    """
    name = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        raise InputError("file not found", file=name, hint="Check the path and the file name.") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=name, hint="Check the file permissions.") from None
    kind = detect_kind(path, head)
    expected = EXTENSION_KIND.get(path.suffix.lower())
    if kind in ("empty",):
        raise InputError("the file is empty (0 bytes)", file=name,
                         hint="Export the data again; the file has no content.")
    if kind in ("html", "pdf", "zip", "binary", "xml"):
        what = {"html": "a web page (HTML)", "pdf": "a PDF document", "zip": "a ZIP archive",
                "binary": "not a text or spreadsheet file", "xml": "XML that is neither GraphML nor GEXF"}[kind]
        raise InputError(
            f"the file is {what}, not a table" + (f" although its name ends in {path.suffix}" if path.suffix else ""),
            file=name,
            hint="Open it in your spreadsheet program and save it as .xlsx or 'CSV UTF-8'.",
        )
    if expected and expected != kind and not (expected == "text" and kind == "text"):
        problems.append(Problem(
            "file.format_mismatch", "warning",
            f"the file's name ends in {path.suffix} but its content is {kind}; read as {kind}",
            hint=f"Rename the file to end in the right extension (e.g. .{'csv' if kind == 'text' else kind}).",
            file=name))
    if kind == "text":
        data = path.read_bytes()
        return kind, [read_text_file(path, data, sep, problems)]
    if kind in ("xlsx", "xls", "ods"):
        return kind, read_workbook(path, kind, problems)
    return kind, []
