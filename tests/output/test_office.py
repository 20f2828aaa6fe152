"""Office workbooks in the user's language (output/office.py) and the CSV dialects (output/dialects.py)."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from carenet_graph.errors import OptionError
from carenet_graph.i18n import LANGUAGES, catalog
from carenet_graph.locale import Locale
from carenet_graph.output.columns import CODE_LISTS, COLUMN_KINDS, FIGURE_KINDS, NUMBER_FORMATS
from carenet_graph.output.dialects import MACHINE_CSV, csv_dialect, decimal_comma_text
from carenet_graph.output.files import write_csv
from carenet_graph.output.office import OfficeSheet, header_text, sheet_name, write_office_workbook
from carenet_graph.read.cells import column_numbers
from tests.output.xlsx_cells import column, read_workbook, values

ACTOR_HEADER = ["id", "name", "type", "sector", "degree", "betweenness", "removal_impact", "articulation_point",
                "pagerank", "extra_column"]
ACTOR_ROWS = [
    ["A1", "=cmd|' /C calc'!A0", "home_nursing_service", "nursing_care", 3, 0.7692307692307693, 0.25, True,
     0.123456789, "x"],
    ["A2", "Hospiz Lemgo", "inpatient_hospice", "hospice", 1, 0.0, 0.0, False, None, None],
]


# -- CSV dialects ---------------------------------------------------------------------------------

def test_csv_dialect_per_style_and_language() -> None:
    assert csv_dialect() == MACHINE_CSV and csv_dialect("machine", "de") == MACHINE_CSV
    for lang in ("de", "nl", "sv"):
        dialect = csv_dialect("excel", lang)
        assert (dialect.delimiter, dialect.decimal, dialect.bom) == (";", ",", True)
    english = csv_dialect("excel", "en")
    assert (english.delimiter, english.decimal, english.bom) == (",", ".", True)
    with pytest.raises(OptionError) as caught:
        csv_dialect("libreoffice", "de")
    assert caught.value.key == "option.unknown_csv_style" and caught.value.values["style"] == "libreoffice"


def test_decimal_comma_text_reads_back_exactly_and_is_never_a_thousands_group() -> None:
    assert decimal_comma_text(0.7692307692307693) == "0,7692307692307693"
    assert decimal_comma_text(1.125) == "1,1250" and decimal_comma_text(-512.5) == "-512,5"
    assert decimal_comma_text(1000.125) == "1000,125" and decimal_comma_text(2.5e-07) == "2,5e-07"
    generator = random.Random(7)
    numbers = [generator.uniform(-2000, 2000) for _ in range(2000)] + [round(generator.uniform(0, 999), 3)
                                                                        for _ in range(2000)]
    texts = [decimal_comma_text(x) for x in numbers]
    assert all(float(t.replace(",", ".")) == x for t, x in zip(texts, numbers, strict=True))
    assert not any(re.fullmatch(r"-?\d{1,3},\d{3}", t) for t in texts)
    # Our loader reads a column of them as the same numbers, none of them ambiguous.
    read = column_numbers(texts)
    assert [value for value, _ in read] == numbers and {how for _, how in read} <= {"ok", "decimal_comma"}


def test_excel_csv_opens_in_german_excel_and_reads_back_in_pandas(tmp_path: Path) -> None:
    header = ["id", "name", "share", "count", "linked"]
    rows = [["A1", "Caritas; Beratung", 0.7692307692307693, 1234, True],
            ["A2", "=1+1", 1.125, 7, False], ["A3", "Ärztenetz Süd", None, None, None]]
    machine, excel = tmp_path / "machine.csv", tmp_path / "excel.csv"
    write_csv(machine, header, rows)
    write_csv(excel, header, rows, dialect=csv_dialect("excel", "de"))
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not machine.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "id;name;share;count;linked"  # column ids stay the machine's
    assert lines[1] == 'A1;"Caritas; Beratung";0,7692307692307693;1234;true'
    assert lines[2] == "A2;'=1+1;1,1250;7;false"  # formula-safe, and 1.125 not a thousands group
    documented = pd.read_csv(excel, sep=";", decimal=",", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(documented, pd.read_csv(machine))
    assert documented.loc[0, "share"] == 0.7692307692307693  # full precision
    assert documented.loc[2, "name"] == "Ärztenetz Süd"


# -- office workbooks -----------------------------------------------------------------------------

def test_workbook_in_german_labels_formats_and_full_precision(tmp_path: Path) -> None:
    path = tmp_path / "analysis.xlsx"
    write_office_workbook(path, [OfficeSheet("actors", ACTOR_HEADER, ACTOR_ROWS)], Locale("de"))
    book = read_workbook(path)
    assert list(book) == ["Akteure", "Erläuterungen"]
    rows = book["Akteure"]
    headers = values(rows)[0]
    assert headers[:4] == ["Akteurs-ID", "Bezeichnung", "Art", "Bereich"]
    assert "Anteil kürzester Wege über den Akteur (Betweenness)" in headers
    assert headers[-1] == "extra_column"  # a column the package does not know keeps its id
    assert [c.value for c in column(rows, "Art")] == ["Ambulanter Pflegedienst", "Stationäres Hospiz"]
    assert [c.value for c in column(rows, "Kritisches Bindeglied")] == ["ja", "nein"]
    between = column(rows, "Anteil kürzester Wege über den Akteur (Betweenness)")
    assert between[0].value == 0.7692307692307693 and between[0].format == "0.000"
    impact = column(rows, "Getrennte Paare bei Wegfall")
    assert impact[0].value == 0.25 and impact[0].format == NUMBER_FORMATS["percent1"]
    assert column(rows, "Anzahl Partner (Grad)")[0].format == "#,##0"
    assert column(rows, "Einfluss (PageRank)")[1].value is None
    assert column(rows, "Bezeichnung")[0].value == "'=cmd|' /C calc'!A0"  # never a formula
    readme = values(book["Erläuterungen"])
    assert readme[0][0].startswith("Diese Arbeitsmappe enthält")
    explained = {row[1]: row[2] for row in readme[3:]}
    assert explained["Anteil kürzester Wege über den Akteur (Betweenness)"].startswith("Betweenness: Anteil")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headers_sheet_names_and_words_exist_in_every_language(lang: str) -> None:
    locale, messages = Locale(lang), catalog(lang)
    shown = [c for c, kind in COLUMN_KINDS.items() if kind != "omit"]
    assert [c for c in shown if f"tables.col.{c}" not in messages] == []
    assert [f"{group}.{code}" for group, codes in CODE_LISTS.items() for code in codes
            if f"tables.value.{group}.{code}" not in messages] == []
    assert [key for key in FIGURE_KINDS if f"tables.figure.{key}" not in messages] == []
    names = [key for key in messages if key.startswith("tables.sheet.")]
    taken: set[str] = set()
    for key in names:
        name = sheet_name(key.removeprefix("tables.sheet."), locale, taken)
        assert name == messages[key], (lang, key)  # valid as written: no character dropped, nothing cut
    assert header_text("actor_changes", "degree_delta", locale) != "degree_delta"
    assert header_text("brokerage", "liaison_z", locale) != "liaison_z"


def test_sheet_names_are_made_valid_and_unique() -> None:
    taken: set[str] = set()
    first = sheet_name("a/b:c*d?[e]" + "x" * 40, Locale("de"), taken)
    assert len(first) <= 31 and not re.search(r"[\[\]:*?/\\]", first)
    second = sheet_name("a/b:c*d?[e]" + "x" * 40, Locale("de"), taken)
    assert second != first and len(second) <= 31 and second.endswith(" 2")
    assert sheet_name("actors", Locale("sv"), taken) == "Aktörer"


def test_codes_levels_lists_and_caller_words(tmp_path: Path) -> None:
    header = ["actor_a", "change", "level_before", "level_after", "types_after", "rule", "role_change",
              "role_change_keys", "severity", "actors_by_sector"]
    rows = [["a", "level_up", 2, 4.0, "referral;shared_patients", "gp_pkd", "became broker",
             "became_broker;no_longer_single_point", "required", "medical:3; unknown:1"]]
    path = tmp_path / "compare.xlsx"
    sheet = OfficeSheet("tie_changes", header, rows, words={"rule": lambda r: f"Titel von {r}"})
    write_office_workbook(path, [sheet], Locale("de"))
    table = values(read_workbook(path)["Veränderte Verbindungen"])
    assert len(table[0]) == len(header) - 1  # the English role_change is left out
    shown = dict(zip(table[0], table[1], strict=True))
    assert shown["Veränderung"] == "enger" and shown["Verbindlichkeit"] == "verpflichtend"
    de = Locale("de")
    assert shown["Stufe vorher"] == f"2 – {de.label('level', 2)}" and shown["Stufe nachher"].startswith("4 – ")
    assert shown["Arten der Zusammenarbeit nachher"].count(";") == 1 and "referral" not in shown[
        "Arten der Zusammenarbeit nachher"]
    assert shown["Erwartung"] == "Titel von gp_pkd"
    assert shown["Veränderte Rolle"] == "wurde Vermittler; nicht mehr kritisches Bindeglied"
    assert shown["Akteure nach Bereich"] == f"{de.label('sector', 'medical')}: 3; unbekannt: 1"


def test_office_workbook_is_byte_identical(tmp_path: Path) -> None:
    for name in ("one.xlsx", "two.xlsx"):
        write_office_workbook(tmp_path / name, [OfficeSheet("actors", ACTOR_HEADER, ACTOR_ROWS)], Locale("nl"))
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()


def test_numbers_stay_numbers_whatever_the_language(tmp_path: Path) -> None:
    # The decimal sign is Excel's business: the cell holds the number, never "0,77" as text.
    for lang in LANGUAGES:
        path = tmp_path / f"{lang}.xlsx"
        write_office_workbook(path, [OfficeSheet("actors", ACTOR_HEADER, ACTOR_ROWS)], Locale(lang))
        rows = next(iter(read_workbook(path).values()))
        numbers = [c.value for row in rows[1:] for c in row if isinstance(c.value, float)]
        assert 0.7692307692307693 in numbers and all(math.isfinite(x) for x in numbers)
        assert not any(isinstance(c.value, str) and re.fullmatch(r"-?\d+[.,]\d+", c.value)
                       for row in rows for c in row)


def test_machine_csv_is_unchanged_by_the_dialect_option(tmp_path: Path) -> None:
    write_csv(tmp_path / "m.csv", ["a", "b"], [[1.125, True]], dialect=MACHINE_CSV)
    write_csv(tmp_path / "plain.csv", ["a", "b"], [[1.125, True]])
    assert (tmp_path / "m.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes() == b"a,b\n1.125,true\n"
