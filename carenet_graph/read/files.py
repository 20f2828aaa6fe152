"""Files → raw sheets: every sheet or text file as rows of text cells, before any header is known.

This is the one module that opens data files. A delimited text file is decoded and split
(:mod:`carenet_graph.read.sniff` says how); a workbook (xlsx, xls, ods) yields one
:class:`RawSheet` per visible worksheet, read within limits by :mod:`carenet_graph.read.workbooks`
(hidden sheets, charts and macro sheets are reported and never read as data). Cells that the
spreadsheet reader already typed are turned back into the text a person sees (``1067.0`` →
``"1067"``, a date → ``"2023-02-01"``), because conversion to numbers, dates and vocabulary ids happens per column later
(:mod:`carenet_graph.read.cells`) and must not depend on what a reader guessed. Two things
spreadsheet readers lose are put back: formula errors (``#N/A``) and merged cells.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from carenet_graph.errors import InputError
from carenet_graph.read.limits import DEFAULT_LIMITS, Limits
from carenet_graph.read.opening import open_input
from carenet_graph.read.problems import Problem
from carenet_graph.read.sniff import EXTENSION_KIND, detect_kind, first_nul
from carenet_graph.read.textfiles import read_rows


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


def read_text_file(path: Path, data: bytes | IO[bytes], sep: str | None, problems: list[Problem],
                   limits: Limits = DEFAULT_LIMITS) -> RawSheet:
    """A delimited text file as rows of text, within ``limits`` (see :mod:`carenet_graph.read.textfiles`).

    ``data`` is the file's bytes or a seekable binary handle on them (read as a stream).
    """
    read = read_rows(str(path), io.BytesIO(data) if isinstance(data, bytes) else data, sep, limits)
    problems.extend(read.problems)
    return RawSheet(str(path), None, read.rows, read.first_row)


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
    from carenet_graph.read.bounds import check_archive
    from carenet_graph.read.workbooks import read_workbook, workbook_refusal  # workbooks imports RawSheet

    name = str(path)
    handle, spooled = open_input(path, limits)  # a pipe is read once, into a spool
    try:
        head = handle.read(8192)
        if not spooled:
            check_archive(path, head, limits)  # a zip's table of contents, before zipfile reads it
        # detect_kind opens a zip by its name, which a pipe no longer leads to: a pipe is text or nothing.
        kind = "piped" if spooled and head.startswith(b"PK\x03\x04") else detect_kind(path, head)
    except InputError:
        handle.close()
        raise
    except OSError as exc:
        handle.close()
        raise InputError(f"cannot be read ({exc.strerror})", file=name, hint="Check the file permissions.",
                         key="file.unreadable", values={"reason": exc.strerror}) from None
    if kind != "text":
        handle.close()
    if kind == "nul":
        at, line = first_nul(head)
        raise InputError(f"the file holds NUL bytes (the first at byte {at}, line {line}), which no text file has: "
                         "it is damaged, or not a text file", file=name,
                         hint="Open it in your spreadsheet program and save it again as 'CSV UTF-8', or export the "
                         "data again.", key="text.nul_bytes", values={"byte": at, "line": line})
    if spooled and kind not in ("text", "empty", "binary", "html", "pdf"):
        raise InputError("a workbook or network file cannot be read from a pipe, only CSV or TSV text", file=name,
                         hint="Save it as a file and name that file.", key="file.workbook_from_pipe", values={})
    expected = EXTENSION_KIND.get(path.suffix.lower())
    if kind in ("empty",):
        raise InputError("the file is empty (0 bytes)", file=name,
                         hint="Export the data again; the file has no content.", key="file.empty", values={})
    refusal = workbook_refusal(path, kind)  # a lock file, a cut-off workbook, a PDF named .xlsx
    if refusal is not None:
        raise refusal
    if kind in ("html", "pdf", "zip", "binary", "xml"):
        raise _not_a_table(name, kind, path.suffix)
    if expected and expected != kind and not (expected == "text" and kind == "text"):
        problems.append(Problem(
            "file.format_mismatch", "warning",
            f"the file's name ends in {path.suffix} but its content is {kind}; read as {kind}",
            hint=f"Rename the file to end in the right extension (e.g. .{'csv' if kind == 'text' else kind}).",
            file=name))
    if kind == "text":
        with handle:
            return kind, [read_text_file(path, handle, sep, problems, limits)]
    if kind in ("xlsx", "xls", "ods"):
        return kind, read_workbook(path, kind, problems, limits)
    return kind, []


# The error key of each kind of file that is not a table, without and with the name's ending.
_NOT_A_TABLE_KEYS = {
    "html": ("not_a_table.html", "not_a_table.html_named"),
    "pdf": ("not_a_table.pdf", "not_a_table.pdf_named"),
    "zip": ("not_a_table.zip", "not_a_table.zip_named"),
    "xml": ("not_a_table.xml", "not_a_table.xml_named"),
    "binary": ("not_a_table.binary", "not_a_table.binary_named"),
}


def _not_a_table(name: str, kind: str, suffix: str) -> InputError:
    """The error for a file of ``kind`` (html, pdf, zip, binary, xml) whose name ends in ``suffix``
    ('' for none): one key per kind and per form of the sentence (with or without the name's
    ending), since a translation cannot leave out a part the English has not."""
    what = {"html": "a web page (HTML)", "pdf": "a PDF document", "zip": "a ZIP archive",
            "binary": "not a text or spreadsheet file", "xml": "XML that is neither GraphML nor GEXF"}[kind]
    message = f"the file is {what}, not a table" + (f" although its name ends in {suffix}" if suffix else "")
    hint = "Open it in your spreadsheet program and save it as .xlsx or 'CSV UTF-8'."
    return InputError(message, file=name, hint=hint, key=_NOT_A_TABLE_KEYS[kind][bool(suffix)],
                      values={"suffix": suffix})
