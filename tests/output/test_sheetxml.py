"""Long sheets streamed as XML (output/sheetxml.py) read back exactly as sheets written cell by cell."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from python_calamine import CalamineWorkbook

from carenet_graph.errors import OutputError
from carenet_graph.locale import Locale
from carenet_graph.output import office
from carenet_graph.output.office import OfficeSheet, write_office_workbook
from carenet_graph.output.sheetxml import column_letters
from tests.output.xlsx_cells import read_workbook

HEADER = ["id", "name", "type", "sector", "degree", "betweenness", "articulation_point", "pagerank", "community",
          "extra_column"]
AWKWARD = ["=cmd|' /C calc'!A0", "+49 5231 12345", " leading and trailing ", "tab\there", "bell\x07 and _x0041_",
           "<b>&amp;</b> \"quoted\" 'single'", "Ærø – Göteborg – Ĳssel", "line\nbreak", "@SUM(A1)", "", "-1"]


def rows(count: int) -> list[list[object]]:
    out: list[list[object]] = []
    for i in range(count):
        out.append([f"A{i}", AWKWARD[i % len(AWKWARD)], ["gp", "home_nursing_service", "unknown_x"][i % 3],
                    ["medical", "nursing_care", None][i % 3], i % 7, [0.1 + 0.2, 1 / 3, math.nan, 0.0][i % 4],
                    [True, False, None][i % 3], np.float64(i) / 7, np.int64(i % 5), [2**60, -3, 1.5e-300][i % 3]])
    return out


def written(tmp_path: Path, name: str, table: list[list[object]], monkeypatch: pytest.MonkeyPatch,
            stream_above: int) -> Path:
    monkeypatch.setattr(office, "STREAM_ROWS", stream_above)
    path = tmp_path / name
    write_office_workbook(path, [OfficeSheet("actors", HEADER, table), OfficeSheet("groups", ["group", "actors"],
                                                                                 [["medical", 3]])], Locale("de"))
    return path


def test_streamed_sheet_reads_back_like_one_written_cell_by_cell(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    table = rows(60)
    plain = written(tmp_path, "plain.xlsx", table, monkeypatch, stream_above=10**9)
    streamed = written(tmp_path, "streamed.xlsx", table, monkeypatch, stream_above=10)
    with zipfile.ZipFile(streamed) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert 'inlineStr' in sheet and '<dimension ref="A1:J61"/>' in sheet  # streamed indeed
    # Values and number formats, cell for cell, as a spreadsheet program shows them.
    assert read_workbook(plain) == read_workbook(streamed)
    for path in (plain, streamed):  # and as calamine (the package's own reader) reads them
        book = CalamineWorkbook.from_path(str(path))
        assert book.get_sheet_by_index(0).to_python() == CalamineWorkbook.from_path(str(plain)).get_sheet_by_index(
            0).to_python()
    # Frozen header, autofilter over the whole table and column widths: the same frame.
    with zipfile.ZipFile(plain) as package:
        frame = package.read("xl/worksheets/sheet1.xml").decode()
    for pattern in (r"<autoFilter [^>]*/>", r"<pane [^>]*/>", r"<cols>.*</cols>"):
        assert re.search(pattern, sheet).group(0) == re.search(pattern, frame).group(0)  # type: ignore[union-attr]
    # A formula-like text stays text; the control character is escaped as Excel expects.
    texts = [c.value for row in read_workbook(streamed)["Akteure"] for c in row if isinstance(c.value, str)]
    assert "'=cmd|' /C calc'!A0" in texts and any("_x0007_" in t for t in texts)


def test_streamed_workbook_is_byte_identical_and_long_text_is_refused(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    one = written(tmp_path, "one.xlsx", rows(30), monkeypatch, stream_above=5).read_bytes()
    two = written(tmp_path, "two.xlsx", rows(30), monkeypatch, stream_above=5).read_bytes()
    assert one == two
    with zipfile.ZipFile(tmp_path / "one.xlsx") as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    too_long = rows(8)
    too_long[7][1] = "x" * 40_000
    with pytest.raises(OutputError) as caught:
        written(tmp_path, "long.xlsx", too_long, monkeypatch, stream_above=5)
    assert caught.value.key == "output.cell_too_long" and "x" * 50 not in str(caught.value)


def test_column_letters() -> None:
    assert [column_letters(c) for c in (0, 25, 26, 27, 51, 52, 701, 702, 16383)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]


def test_streamed_sheet_whose_kinds_depend_on_the_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A figures sheet: each row's value has the kind of its figure (a share, a count, a yes/no).
    figures = [["density", 0.25], ["actors", 12], ["approximate", True], ["paths.diameter", 4],
               ["extra.modularity", 0.4123], ["reciprocity", None], ["components", 2]] * 3

    def write(name: str, stream_above: int) -> Path:
        monkeypatch.setattr(office, "STREAM_ROWS", stream_above)
        write_office_workbook(tmp_path / name, [OfficeSheet("network", ["figure", "value"], figures)], Locale("sv"))
        return tmp_path / name

    plain, streamed = write("plain.xlsx", 10**9), write("streamed.xlsx", 5)
    with zipfile.ZipFile(streamed) as package:
        assert "inlineStr" in package.read("xl/worksheets/sheet1.xml").decode()
    assert read_workbook(plain) == read_workbook(streamed)
