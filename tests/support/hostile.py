"""Builders for hostile input files: every test writes its own files into ``tmp_path``.

Nothing binary is committed; each builder writes exactly the bytes a spreadsheet program (or
a careless export) would produce, so a test shows the whole input it is about.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import xlsxwriter

from carenet_graph.read.load import NetworkData, read_network
from carenet_graph.read.problems import Accounting, Problem

# A distinctive actor name: it must never appear in a message or hint (privacy).
NAME = "Zzyzx Hospiz"

Cell = str | int | float | None
Rows = Sequence[Sequence[Cell]]


# -- text files ---------------------------------------------------------------------------


def csv_text(rows: Rows, delimiter: str = ",", lineterminator: str = "\r\n") -> str:
    """Rows as delimited text, quoted only where needed (as Excel writes it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buffer.getvalue()


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8", bom: bool = False) -> Path:
    """``text`` encoded as ``encoding``, with that encoding's byte-order mark when ``bom``."""
    marks = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    return write_bytes(path, (marks[encoding] if bom else b"") + text.encode(encoding))


def write_csv(path: Path, rows: Rows, *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False) -> Path:
    return write_text(path, csv_text(rows, delimiter), encoding, bom)


# -- workbooks ----------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet: ``rows[0]`` is spreadsheet row 1; str cells are written as text cells.

    ``merged`` holds (first_row, first_col, last_row, last_col, value) blocks (0-based),
    ``errors`` formula cells whose cached result is an error value, keyed by (row, col),
    ``stray_row`` a 0-based row far below the data that only carries formatting.
    """

    name: str
    rows: Rows = ()
    hidden: bool = False
    merged: Sequence[tuple[int, int, int, int, str]] = ()
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    stray_row: int | None = None


def write_xlsx(path: Path, sheets: Iterable[Sheet]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    stray = workbook.add_format({"bg_color": "#FFFF00", "bold": True})
    for spec in sheets:
        sheet = workbook.add_worksheet(spec.name)
        for r, row in enumerate(spec.rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
        for r0, c0, r1, c1, value in spec.merged:
            sheet.merge_range(r0, c0, r1, c1, value)
        for (r, c), error in spec.errors.items():
            formula = {"#N/A": "=NA()", "#DIV/0!": "=1/0", "#VALUE!": '="a"+1'}.get(error, "=NA()")
            sheet.write_formula(r, c, formula, None, error)
        if spec.stray_row is not None:
            sheet.set_row(spec.stray_row, 30, stray)
            sheet.write_blank(spec.stray_row, 0, None, stray)
        if spec.hidden:
            sheet.hide()
    workbook.close()
    return path


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def write_ods(path: Path, sheets: Iterable[Sheet]) -> Path:
    """A minimal OpenDocument spreadsheet (mimetype + manifest + content.xml), built by hand."""
    parts: list[str] = []
    for spec in sheets:
        style = ' table:style-name="hidden"' if spec.hidden else ""
        parts.append(f"<table:table table:name={quoteattr(spec.name)}{style}>")
        for row in spec.rows:
            parts.append("<table:table-row>")
            for value in row:
                if value is None:
                    parts.append("<table:table-cell/>")
                elif isinstance(value, str):
                    parts.append(f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
                                 "</table:table-cell>")
                else:
                    parts.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                                 f"<text:p>{value}</text:p></table:table-cell>")
            parts.append("</table:table-row>")
        parts.append("</table:table>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        '<office:automatic-styles><style:style style:name="hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        "<office:body><office:spreadsheet>" + "".join(parts) + "</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        # The mimetype must come first and uncompressed: that is how ODS is recognised.
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


# -- reading and looking at the report ------------------------------------------------------


def read(*paths: Path, **options: Any) -> NetworkData:
    return read_network(list(paths), **options)


def found(data: NetworkData, rule: str) -> list[Problem]:
    """Every problem of one rule, in report order."""
    return [p for p in data.report.problems if p.rule == rule]


def one(data: NetworkData, rule: str) -> Problem:
    """The single problem of ``rule`` (fails when there are none or several)."""
    hits = found(data, rule)
    assert len(hits) == 1, f"expected one {rule}, got {[(p.row, p.column) for p in hits]}"
    return hits[0]


def values(frame: pd.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    """Rows of ``columns`` as plain tuples, every missing value (None, NaN, pd.NA) as None."""
    plain = [[None if pd.isna(v) else v for v in frame[c].tolist()] for c in columns]
    return list(zip(*plain, strict=True))


def rules(data: NetworkData) -> Counter[str]:
    """How many report entries each rule has."""
    return Counter(p.rule for p in data.report.problems)


def accounting(acc: Accounting) -> tuple[int, int, int, int]:
    """(rows_read, actor_rows, tie_rows, rows_rejected), asserting the balance first."""
    assert acc.balanced, acc
    return acc.rows_read, acc.actor_rows, acc.tie_rows, acc.rows_rejected


def leaks(data: NetworkData, secret: str = NAME) -> list[str]:
    """Report lines that show ``secret`` without --show-values (should be none)."""
    key = secret.casefold()
    out = []
    for p in data.report.problems:
        for text in (p.message, p.hint, p.describe(show_values=False)):
            if key in text.casefold():
                out.append(f"{p.rule}: {text}")
    return out
