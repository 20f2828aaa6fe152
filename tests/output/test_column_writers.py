"""The column-wise writers (output/cells.py, output/sheetxml.py) against simple per-cell references.

CSV and streamed xlsx rows are made a column at a time, with fast paths per type of column
(floats by bit pattern, texts and integers once per distinct value, texts escaped joined). Each
test here writes awkward values both ways and wants the very same bytes or cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from carenet_graph.errors import OutputError
from carenet_graph.locale import Locale
from carenet_graph.output import office
from carenet_graph.output.cells import cell_text, column_texts, decimal_comma_cell, is_missing, neutralise_cell
from carenet_graph.output.dialects import MACHINE_CSV, csv_dialect
from carenet_graph.output.files import write_csv
from carenet_graph.output.office import OfficeSheet, write_office_workbook
from carenet_graph.output.sheetxml import StreamedSheet, column_letters
from tests.output.xlsx_cells import read_workbook

FLOATS: list[Any] = [0.1 + 0.2, -0.0, 0.0, 1e-300, 5e-324, 1e20, 1e16, 9.3, 1.125, -1.125, 123.4567, 1 / 3, math.nan,
                     math.inf, -math.inf, None, 2.5, -7e-5, 1e-7, 12345678.9]
INTS: list[Any] = [0, -1, 2**53, 2**53 + 1, -(2**53) - 1, 10**20, None, 7, 7, -3]
BOOLS: list[Any] = [True, False, None, True]
TEXTS: list[Any] = ["=1+1", "+49 5231 12345", "-3.5", "-x", "@SUM(A1)", "<b>&amp;\"q\"</b>", "tab\there",
                    "ctrl\x01\x1f", "_x0041_", " lead", "trail ", "", "Ærø – Ĳssel", "odd \uffff\ue000 char",
                    "line\nbreak",
                    "semi;colon", 'say "hi"', "comma,", "\r\nx", None, "=1+1", "\u00a0nbsp"]
OTHERS: list[Any] = [np.float64(0.5), np.int64(3), np.float32(1.5), np.bool_(True), np.float64("nan"),
                     dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5), dt.time(8, 30), np.int64(2**60),
                     np.str_("=np")]
MIXED: list[Any] = [v for group in zip(FLOATS, INTS * 2, TEXTS, OTHERS * 2, BOOLS * 5, strict=False) for v in group]
# Texts no space starts or ends: the streamed writer escapes such a column in one pass.
TRIMMED: list[Any] = [text.strip() if text else text for text in TEXTS]
HEADER = ["floats", "ints", "bools", "texts", "others", "mixed", "empty", "float_none", "trimmed"]


def table(count: int = 60) -> list[list[Any]]:
    """Rows whose columns each hold one pattern of types (so that every fast path is taken)."""
    rows = []
    for i in range(count):
        rows.append([FLOATS[i % len(FLOATS)], INTS[i % len(INTS)], BOOLS[i % len(BOOLS)], TEXTS[i % len(TEXTS)],
                     OTHERS[i % len(OTHERS)], MIXED[i % len(MIXED)], None, None if i % 3 else 0.25 * i,
                     TRIMMED[i % len(TRIMMED)]])
    return rows


def reference_csv(header: list[str], rows: list[list[Any]], decimal_comma: bool, delimiter: str, bom: bool) -> bytes:
    """The CSV the way the writers worked before columns: csv.writer, one cell at a time."""
    cell = decimal_comma_cell if decimal_comma else cell_text
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([neutralise_cell(h) for h in header])
    writer.writerows([["" if is_missing(value) else cell(value) for value in row] for row in rows])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


@pytest.mark.parametrize("dialect", [MACHINE_CSV, csv_dialect("excel", "de"), csv_dialect("excel", "en")],
                         ids=["machine", "excel-de", "excel-en"])
def test_csv_columns_write_what_the_per_cell_writer_wrote(tmp_path: Path, dialect: Any) -> None:
    rows = table()
    write_csv(tmp_path / "t.csv", HEADER, rows, dialect=dialect)
    expected = reference_csv(HEADER, rows, dialect.decimal == ",", dialect.delimiter, dialect.bom)
    assert (tmp_path / "t.csv").read_bytes() == expected
    text = expected.decode("utf-8")
    # The awkward cells are there, as the rules want them (not only equal to the reference).
    assert "'=1+1" in text and "'-inf" in text and '"say ""hi"""' in text and "9007199254740993" in text
    if dialect.decimal == ",":
        assert "1,1250" in text and "-1,1250" in text and "0,30000000000000004" in text
    else:
        assert "-0.0" in text and "5e-324" in text and "1e+16" in text


def test_csv_of_one_column_keeps_empty_cells_quoted(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["a"], [""], [None], [1.5], ["x,y"]]
    write_csv(tmp_path / "one.csv", ["only"], rows)
    assert (tmp_path / "one.csv").read_bytes() == reference_csv(["only"], rows, False, ",", False)
    assert (tmp_path / "one.csv").read_text(encoding="utf-8") == 'only\na\n""\n""\n1.5\n"x,y"\n'


def test_column_texts_of_each_column_alone() -> None:
    for values in (FLOATS, INTS, BOOLS, TEXTS, TRIMMED, OTHERS, MIXED, [None, None], [], [-0.0, 0.0, -0.0]):
        for comma, cell in ((False, cell_text), (True, decimal_comma_cell)):
            assert column_texts(values, comma) == ["" if is_missing(v) else cell(v) for v in values], values


def reference_xml(sheet: StreamedSheet, first: int, columns: list[tuple[list[Any], Any]]) -> str:
    """The rows of a block with :meth:`StreamedSheet.cell`, one cell at a time (text cells never styled)."""
    out = []
    for k in range(len(columns[0][0])):
        cells = []
        for c, (values, styles) in enumerate(columns):
            style = styles[k] if isinstance(styles, list) else None if isinstance(values[k], str) else styles
            cells.append(sheet.cell(f"{column_letters(c)}{first + k}", values[k], style, first + k, c))
        out.append(f'<row r="{first + k}">{"".join(cells)}</row>')
    return "".join(out)


@pytest.mark.parametrize("style", [None, 0, 3])
def test_streamed_columns_make_the_xml_of_one_cell_at_a_time(style: int | None) -> None:
    rows = table()
    columns = [list(column) for column in zip(*rows, strict=True)]
    per_cell_styles = [[None if k % 4 else style for k in range(len(rows))] for _ in columns]
    for styles in ([style] * len(columns), per_cell_styles):
        block = list(zip(columns, styles, strict=True))
        sheet = StreamedSheet([(17, block)], neutralise_cell, cell_text, "Sheet")
        assert "".join(sheet.chunks()) == reference_xml(sheet, 17, block)
    xml = "".join(StreamedSheet([(2, list(zip(columns, [style] * len(columns), strict=True)))], neutralise_cell,
                                cell_text, "Sheet").chunks())
    # The rules themselves: escaped, neutralised, preserved spaces, big integers as text, -0.0 kept.
    for part in ("&lt;b&gt;&amp;amp;\"q\"&lt;/b&gt;",
                 "ctrl_x0001__x001F_", "_x005F_x0041_", "<t xml:space=\"preserve\"> lead</t>", "'=1+1",
                 "<v>-0</v>", "<v>1E-300</v>", "<v>1E+20</v>", "<v>9.300000000000001</v>", ">9007199254740993</t>",
                 "odd _xFFFF_\ue000 char"):
        assert part in xml, part


def test_workbook_streamed_by_columns_reads_back_like_one_written_by_xlsxwriter(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = table(90)
    header = ["name", "degree", "betweenness", "articulation_point", "type", "sector", "extra", "more"]
    # Known columns get number formats and words; the messy ones are "number" columns of any value.
    picked = [[row[3], row[1], row[0], row[2], ["gp", "hospice", None][i % 3], row[5], row[4], row[7]]
              for i, row in enumerate(rows)]

    def write(name: str, stream_above: int) -> Path:
        monkeypatch.setattr(office, "STREAM_ROWS", stream_above)
        write_office_workbook(tmp_path / name, [OfficeSheet("actors", header, picked)], Locale("nl"))
        return tmp_path / name

    plain, streamed = write("plain.xlsx", 10**9), write("streamed.xlsx", 7)
    with zipfile.ZipFile(streamed) as package:
        assert "inlineStr" in package.read("xl/worksheets/sheet1.xml").decode()
    assert read_workbook(plain) == read_workbook(streamed)


def test_a_text_too_long_is_located_in_a_streamed_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[list[Any]] = [[f"A{i}", "short", 1.0] for i in range(30)]
    rows[23][1] = "y" * 40_000
    rows[27][1] = "z" * 40_000
    monkeypatch.setattr(office, "STREAM_ROWS", 5)
    with pytest.raises(OutputError) as caught:
        write_office_workbook(tmp_path / "long.xlsx", [OfficeSheet("actors", ["id", "name", "degree"], rows)],
                              Locale("en"))
    # The first such cell, in the sheet's own numbering: row 25 (header + 24th row), column B.
    assert caught.value.key == "output.cell_too_long"
    assert (caught.value.row, caught.value.column_index) == (25, 1)
