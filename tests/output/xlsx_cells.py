"""Read a written xlsx as a spreadsheet program shows it: each cell's value and number format.

python-calamine (a dependency) reads values but not formats, and openpyxl is not a test
dependency, so the few parts of the Office Open XML package a test needs are read here with
:mod:`zipfile` and :mod:`xml.etree`: the sheet names (workbook.xml and its relationships), the
shared strings, the cell formats (styles.xml: cellXfs → numFmtId → formatCode, with Excel's
built-in format ids) and the cells of each sheet.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
# Built-in number formats (ECMA-376 part 1, 18.8.30) that xlsxwriter writes by id.
_BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
            49: "@"}


@dataclass(frozen=True)
class Cell:
    """A cell's value (str, float or bool; None when blank) and its number format."""

    value: str | float | bool | None
    format: str


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    assert letters is not None, ref
    number = 0
    for char in letters.group(0):
        number = number * 26 + ord(char) - 64
    return number - 1


def read_workbook(path: Path) -> dict[str, list[list[Cell]]]:
    """Every sheet of ``path`` by name, in order, as rows of :class:`Cell` (short rows padded)."""
    with zipfile.ZipFile(path) as package:
        def xml(name: str) -> ElementTree.Element:
            return ElementTree.fromstring(package.read(name))

        strings = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t"))
                   for si in xml("xl/sharedStrings.xml").findall("m:si", _NS)] \
            if "xl/sharedStrings.xml" in package.namelist() else []
        styles = xml("xl/styles.xml")
        custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "")
                  for f in styles.findall("m:numFmts/m:numFmt", _NS)}
        formats = [custom.get(int(xf.get("numFmtId", "0")), _BUILTIN.get(int(xf.get("numFmtId", "0")), "?"))
                   for xf in styles.findall("m:cellXfs/m:xf", _NS)]
        targets = {rel.get("Id"): rel.get("Target") for rel in xml("xl/_rels/workbook.xml.rels")}
        out: dict[str, list[list[Cell]]] = {}
        for sheet in xml("xl/workbook.xml").findall("m:sheets/m:sheet", _NS):
            target = targets[sheet.get(f"{{{_NS['r']}}}id")]
            rows: list[list[Cell]] = []
            for row in xml(f"xl/{target}").findall("m:sheetData/m:row", _NS):
                cells: list[Cell] = []
                for c in row.findall("m:c", _NS):
                    index = _column(c.get("r", "A"))
                    cells += [Cell(None, "General")] * (index - len(cells))
                    raw = c.find("m:v", _NS)
                    kind, text = c.get("t"), raw.text if raw is not None else None
                    inline = c.find("m:is", _NS)
                    if kind == "inlineStr" and inline is not None:  # a streamed sheet's text
                        text = "".join(t.text or "" for t in inline.iter(f"{{{_NS['m']}}}t"))
                    value: str | float | bool | None
                    if text is None:
                        value = None
                    elif kind == "s":
                        value = strings[int(text)]
                    elif kind == "b":
                        value = text == "1"
                    elif kind in ("str", "inlineStr"):
                        value = text
                    else:
                        value = float(text)
                    cells.append(Cell(value, formats[int(c.get("s", "0"))]))
                rows.append(cells)
            width = max((len(r) for r in rows), default=0)
            out[str(sheet.get("name"))] = [r + [Cell(None, "General")] * (width - len(r)) for r in rows]
    return out


def values(rows: list[list[Cell]]) -> list[list[str | float | bool | None]]:
    """The values of ``rows`` (from :func:`read_workbook`)."""
    return [[c.value for c in row] for row in rows]


def column(rows: list[list[Cell]], header: str) -> list[Cell]:
    """The cells under ``header`` (the first row), without the header."""
    index = [c.value for c in rows[0]].index(header)
    return [row[index] for row in rows[1:]]
