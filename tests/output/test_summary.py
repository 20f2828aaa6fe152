"""Tables longer than an Excel sheet (output/summary.py): the run goes on, the CSV file holds every
row, and the sheet says where the table is and sums up its columns, in the workbook's language."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from carenet_graph.locale import Locale
from carenet_graph.output import summary
from carenet_graph.output.dialects import csv_dialect
from carenet_graph.output.office import OfficeSheet, header_text, sheet_name
from carenet_graph.output.summary import summarise
from carenet_graph.output.tables import frame_rows, write_table_folder
from tests.output.xlsx_cells import read_workbook, values
from tests.support.commands import Invoke

ROWS = 1_234


def actors() -> pd.DataFrame:
    ids = [f"A{i:05d}" for i in range(ROWS)]
    return pd.DataFrame({
        "name": [f"=Actor {i % 700}" if i % 50 == 0 else f"Actor {i % 700}" for i in range(ROWS)],
        "type": ["gp", "hospice", None, "home_nursing_service"][0:4] * (ROWS // 4) + ["gp"] * (ROWS % 4),
        "degree": [(i * 7) % 23 for i in range(ROWS)],
        "betweenness": [math.nan if i % 9 == 0 else (i % 101) / 7 for i in range(ROWS)],
        "articulation_point": [i % 5 == 0 for i in range(ROWS)],
        "removal_impact": [2**60 if i == 3 else i / ROWS for i in range(ROWS)],
    }, index=pd.Index(ids, name="id"))


def write(folder: Path, lang: str, dialect: Any = None) -> list[Path]:
    tables = {"actors": frame_rows(actors(), "id"), "groups": frame_rows(pd.DataFrame({"size": [3, 4]},
                                                                                    index=["a", "b"]), "group")}
    header, rows = tables["actors"]
    office = [OfficeSheet("actors", header, rows),  # the table of actors.csv
              OfficeSheet("brokerage", ["id", "name", "degree"], [row[:3] for row in rows]),  # no CSV of its own
              OfficeSheet("groups", *tables["groups"])]
    return write_table_folder(folder, tables, workbook="analysis.xlsx", office=office, locale=Locale(lang),
                              dialect=dialect or csv_dialect("machine"))


@pytest.fixture
def small_sheets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "SHEET_ROWS", 1_000)


@pytest.mark.usefixtures("small_sheets")
def test_a_table_too_long_for_a_sheet_is_summed_up_and_its_csv_holds_every_row(tmp_path: Path) -> None:
    written = write(tmp_path, "de")
    assert [p.name for p in written] == ["actors.csv", "groups.csv", "analysis_brokerage.csv", "analysis.xlsx"]
    book = read_workbook(tmp_path / "analysis.xlsx")
    sheet = values(book["Akteure"])
    assert sheet[0][0] == ("Diese Tabelle hat 1.234 Zeilen, mehr als ein Excel-Tabellenblatt fassen kann (1.000 "
                           "Zeilen einschließlich der Kopfzeile). Die vollständige Tabelle steht in actors.csv. "
                           "Darunter: eine Zusammenfassung jeder Spalte.")
    assert sheet[1] == ["Spalte", "Ausgefüllte Zellen", "Verschiedene Werte", "Kleinster Wert", "Zentralwert (Median)",
                        "Mittelwert", "Größter Wert"]
    figures = {row[0]: row[1:] for row in sheet[2:]}
    # The CSV file holds every row, and the figures are those pandas finds in it.
    frame = pd.read_csv(tmp_path / "actors.csv")
    texts = pd.read_csv(tmp_path / "actors.csv", dtype=str, keep_default_na=False)
    assert len(frame) == ROWS and list(frame["id"]) == list(actors().index)
    checked = 0
    for column in ("degree", "betweenness", "removal_impact"):
        filled, distinct, smallest, median, mean, largest = figures[header_text("actors", column, Locale("de"))]
        numbers = frame[column].dropna()
        assert (filled, distinct) == (len(numbers), None)
        assert smallest == pytest.approx(numbers.min()) and largest == pytest.approx(numbers.max())
        assert median == pytest.approx(numbers.median(), rel=1e-12)
        assert mean == pytest.approx(numbers.mean(), rel=1e-12)
        checked += 1
    for column in ("id", "name", "type", "articulation_point"):
        filled_texts = texts[column][texts[column] != ""]
        row = figures[header_text("actors", column, Locale("de"))]
        assert row == [len(filled_texts), filled_texts.nunique(), None, None, None, None]
        checked += 1
    assert checked == 7 and len(figures) == 7  # every shown column, once
    # A sheet whose table has no CSV file gets one next to the workbook, named on its sheet.
    brokerage = values(book[sheet_name("brokerage", Locale("de"))])
    assert "in analysis_brokerage.csv." in str(brokerage[0][0])
    own = pd.read_csv(tmp_path / "analysis_brokerage.csv")
    assert list(own.columns) == ["id", "name", "degree"] and len(own) == ROWS
    assert own["name"].iloc[0] == "'=Actor 0"  # formula-safe like every CSV
    # Short tables keep their sheet; the read-me sheet names each summed-up sheet first.
    assert values(book["Gruppen"])[1:] == [["a", 3.0], ["b", 4.0]]
    readme = values(book["Erläuterungen"])
    assert readme[1] == ["Tabellenblatt", "Spalte", "Bedeutung"]
    assert readme[2][:2] == ["Akteure", None] and readme[3][0] == sheet_name("brokerage", Locale("de"))
    assert readme[2][2] == ("Nur eine Zusammenfassung: Die Tabelle hat 1.234 Zeilen, mehr als ein Tabellenblatt "
                            "fassen kann. Die vollständige Tabelle steht in actors.csv.")


@pytest.mark.usefixtures("small_sheets")
@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "This table has 1,234 rows, more than an Excel sheet can hold (1,000 rows, the header row included). "
           "The complete table is in actors.csv."),
    ("nl", "Deze tabel heeft 1.234 rijen, meer dan een Excel-werkblad kan bevatten (1.000 rijen, de kopregel "
           "meegerekend). De volledige tabel staat in actors.csv."),
    ("sv", "Den här tabellen har 1\u00a0234 rader, fler än ett kalkylblad i Excel rymmer (1\u00a0000 rader, "
           "rubrikraden inräknad). Hela tabellen finns i actors.csv."),
])
def test_the_sentence_in_each_language(tmp_path: Path, lang: str, sentence: str) -> None:
    write(tmp_path, lang, csv_dialect("excel", lang))
    book = read_workbook(tmp_path / "analysis.xlsx")
    first = next(iter(book.values()))
    assert str(first[0][0].value).startswith(sentence)


def test_a_table_that_fits_is_written_as_before(tmp_path: Path) -> None:
    written = write(tmp_path, "en")
    assert [p.name for p in written] == ["actors.csv", "groups.csv", "analysis.xlsx"]
    sheet = values(read_workbook(tmp_path / "analysis.xlsx")["Actors"])
    assert len(sheet) == ROWS + 1 and sheet[1][0] == "A00000"
    assert summary.fits_sheet(1_048_575) and not summary.fits_sheet(1_048_576)


def test_summarise_numbers_and_texts() -> None:
    numbers = summarise([3, None, 1.5, math.nan, 2**60, -2])
    assert (numbers.filled, numbers.distinct, numbers.minimum, numbers.maximum) == (4, None, -2, 2**60)
    assert numbers.median == 2.25 and numbers.mean == pytest.approx((3 + 1.5 + 2**60 - 2) / 4)
    texts = summarise(["a", "", None, "a", "=b", True, 1])  # any text makes a column one of texts
    assert (texts.filled, texts.distinct, texts.minimum, texts.mean) == (5, 4, None, None)
    assert summarise([None, math.nan]) == summary.ColumnSummary(0, 0)
    assert summarise([True, False]).distinct == 2


def test_analyze_goes_on_past_the_row_limit(tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    # 60 actors in a ring with chords: more rows than a sheet of 55 holds (the 50 rows of network
    # figures fit), so actors and brokerage are summed up; the brokerage sheet (with names) is no
    # CSV file of analyze and gets its own.
    monkeypatch.setattr(summary, "SHEET_ROWS", 55)
    actors_csv, ties_csv = tmp_path / "actors.csv", tmp_path / "ties.csv"
    actors_csv.write_text("id,name,type\n" + "".join(f"a{i},Akteur {i},Hausarzt\n" for i in range(60)),
                          encoding="utf-8")
    ties_csv.write_text("source,target,level\n" + "".join(f"a{i},a{(i + 1) % 60},3\na{i},a{(i + 7) % 60},2\n"
                                                          for i in range(60)), encoding="utf-8")
    result = invoke("analyze", actors_csv, ties_csv, "-o", tmp_path / "out", "--lang", "de")
    assert result.exit_code == 0, result.output
    assert "analysis_brokerage.csv" in result.output
    book = read_workbook(tmp_path / "out" / "analysis.xlsx")
    actors_sheet = values(book[sheet_name("actors", Locale("de"))])
    assert str(actors_sheet[0][0]).startswith("Diese Tabelle hat 60 Zeilen, mehr als ein Excel-Tabellenblatt fassen "
                                              "kann (55 Zeilen einschließlich der Kopfzeile). Die vollständige "
                                              "Tabelle steht in actors.csv.")
    assert "in analysis_brokerage.csv." in str(values(book[sheet_name("brokerage", Locale("de"))])[0][0])
    assert len(pd.read_csv(tmp_path / "out" / "actors.csv")) == 60
    assert len(pd.read_csv(tmp_path / "out" / "analysis_brokerage.csv")) == 60
    figures = values(book[sheet_name("network", Locale("de"))])
    assert len(figures) > 40 and figures[1][0] != figures[0][0]  # a short table keeps its sheet
