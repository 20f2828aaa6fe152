"""Hostile input files, built by the tests, read with carenet_graph.read_network.

Each test states the whole outcome: the rule id, severity, row (1-based as the spreadsheet
shows it), column (header and letter), the values read, and the row accounting.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import networkx as nx
import pytest

from carenet_graph.errors import InputError
from carenet_graph.output.graph import write_network
from carenet_graph.read.headers import sheet_role_from_name
from carenet_graph.read.load import NetworkData, to_graph
from carenet_graph.read.problems import Problem
from tests.support.hostile import (
    NAME,
    Sheet,
    accounting,
    csv_text,
    found,
    leaks,
    one,
    read,
    rules,
    values,
    write_bytes,
    write_csv,
    write_ods,
    write_text,
    write_xlsx,
)

ACTORS = [
    ["id", "name", "type", "municipality", "postcode"],
    ["007", "Vårdcentralen Kil", "vårdcentral", "Kil", "66530"],
    ["8", NAME, "Hospiz", "Lemgo", "01067"],
]


def _where(p: Problem) -> tuple[object, ...]:
    return (p.severity, p.row, p.column, p.column_letter, p.rejected)


# -- encodings ---------------------------------------------------------------------------


def test_utf8_without_bom(tmp_path: Path) -> None:
    data = read(write_csv(tmp_path / "a.csv", ACTORS))
    assert data.actors.loc["007", "name"] == "Vårdcentralen Kil"
    assert data.actors.loc["8", "postcode"] == "01067"
    assert rules(data) == {"actor.type_synonym": 1, "table.no_ties": 1}
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ACTORS, bom=True)
    data = read(path)
    bom = one(data, "file.bom")
    assert (bom.severity, bom.file, bom.row) == ("info", str(path), None)
    assert list(data.actors.index) == ["007", "8"]  # the first header is 'id', not '\ufeffid'
    assert data.actors.loc["007", "name"] == "Vårdcentralen Kil"
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excel_unicode_text_utf16_with_bom_tab_separated(tmp_path: Path, encoding: str) -> None:
    rows = [*ACTORS, ["9", "Ëmmen Zorg €", "Thuiszorg", "Eemnes", "3755"]]
    path = write_csv(tmp_path / "unicode.txt", rows, delimiter="\t", encoding=encoding, bom=True)
    data = read(path)
    assert rules(data) == {"file.bom": 1, "file.delimiter": 1, "actor.type_synonym": 1, "table.no_ties": 1}
    assert one(data, "file.bom").severity == "info"
    assert one(data, "file.delimiter").message == "columns are separated by tabs"
    assert list(data.actors["name"]) == ["Vårdcentralen Kil", NAME, "Ëmmen Zorg €"]
    assert list(data.actors["type"]) == ["general_practitioner", "inpatient_hospice", "home_nursing_service"]
    assert accounting(data.report.accounting) == (3, 3, 0, 0)


def test_utf16_le_without_bom_is_recognised(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ACTORS, delimiter="\t", encoding="utf-16-le")
    data = read(path)
    utf16 = one(data, "file.utf16")
    assert (utf16.severity, utf16.row) == ("info", None)
    assert utf16.message == "file is utf-16-le text without byte-order mark; decoded as such"
    assert data.actors.loc["007", "name"] == "Vårdcentralen Kil"
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_cp1252_is_decoded_as_windows_1252_and_reported(tmp_path: Path) -> None:
    rows = [["id", "name", "municipality", "notes"],
            ["1", "Vårdcentralen Ärzte", "Köln", "Gebühr 5 €"],
            ["2", "Große Straße Hospiz", "Ëmmen", "ä ö ü ß å ë"]]
    path = write_csv(tmp_path / "ansi.csv", rows, delimiter=";", encoding="cp1252")
    data = read(path)
    fallback = one(data, "file.encoding_fallback")
    assert (fallback.severity, fallback.file, fallback.row) == ("info", str(path), None)
    assert fallback.hint == "If letters such as ä, å or ë look wrong, save the file as 'CSV UTF-8'."
    assert data.actors.loc["1", "name"] == "Vårdcentralen Ärzte"  # never 'VÃ¥rdcentralen' or 'Vĺrdcentralen'
    assert data.actors.loc["1", "notes"] == "Gebühr 5 €"  # latin-1 would give '\x80'
    assert data.actors.loc["2", "notes"] == "ä ö ü ß å ë"
    assert data.actors.loc["2", "municipality"] == "Ëmmen"
    assert not found(data, "cell.mojibake")
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_bytes_undecodable_as_utf8_and_cp1252_raise_input_error(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "broken.csv", b"id;name\r\n1;Caf\xe9\r\n2;M\x81ller\r\n")
    with pytest.raises(InputError) as info:
        read(path)
    error = info.value
    assert error.message == "the file is neither UTF-8 nor Windows-1252 text (undecodable byte 0x81 at byte 20)"
    assert error.hint == "Open it in your spreadsheet program and save it as 'CSV UTF-8' or as .xlsx."
    assert error.file == str(path)


# -- delimiters ----------------------------------------------------------------------------


def test_semicolons_with_decimal_commas_only_in_numeric_columns(tmp_path: Path) -> None:
    rows = [["ID", "Name", "PLZ", "Breitengrad", "Längengrad", "Bemerkung"],
            ["007", NAME, "01067", "51,936", "8,879", "1,5"],
            ["008", "Caritas Lemgo", "32657", "52.028", "8,9", "3,0 Stellen"]]
    path = write_csv(tmp_path / "de.csv", rows, delimiter=";")
    data = read(path)
    assert one(data, "file.delimiter").message == "columns are separated by semicolons"
    actors = data.actors
    assert actors.loc["007", "lat"] == 51.936 and actors.loc["007", "lon"] == 8.879
    assert actors.loc["008", "lat"] == 52.028 and actors.loc["008", "lon"] == 8.9
    assert actors.loc["007", "notes"] == "1,5"  # a text column keeps its comma
    assert actors.loc["008", "notes"] == "3,0 Stellen"
    assert actors.loc["007", "postcode"] == "01067"
    comma = sorted(found(data, "value.decimal_comma"), key=lambda p: p.column_index or 0)
    assert [(p.column, p.column_letter, p.count, p.rows, p.severity) for p in comma] == [
        ("Breitengrad", "D", 1, (2,), "info"),
        ("Längengrad", "E", 2, (2, 3), "info"),
    ]
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


@pytest.mark.parametrize(("delimiter", "named"), [(",", None), (";", "semicolons"), ("\t", "tabs"),
                                                  ("|", "vertical bars")])
def test_every_delimiter_reads_the_same_table(tmp_path: Path, delimiter: str, named: str | None) -> None:
    rows = [["source", "target", "level", "notes"],
            ["007", "8", "3", "a, b; c | d"],
            ["8", "007", "2", ""]]
    data = read(write_csv(tmp_path / "ties.csv", rows, delimiter=delimiter))
    assert [p.message for p in found(data, "file.delimiter")] == ([f"columns are separated by {named}"]
                                                                   if named else [])
    ties = data.ties
    assert list(zip(ties["source"], ties["target"], ties["level"], ties["notes"], strict=True)) == [
        ("007", "8", 3, "a, b; c | d"), ("8", "007", 2, None)]
    assert data.report.accounting.actors_inferred == 2
    assert accounting(data.report.accounting) == (2, 0, 2, 0)


@pytest.mark.parametrize("sep_line", ["sep=;", "sep=\t"])
def test_excel_sep_line(tmp_path: Path, sep_line: str) -> None:
    delimiter = sep_line[-1]
    text = sep_line + "\r\n" + csv_text([["id", "name", "notes"], ["1", NAME, "a,b"], ["2", "B", "c"]], delimiter)
    path = write_text(tmp_path / "excel.csv", text)
    data = read(path)
    sep = one(data, "file.sep_line")
    assert (sep.severity, sep.row) == ("info", 1)
    assert not found(data, "file.delimiter")
    # Line 1 is 'sep=', line 2 the header: the data rows are rows 3 and 4, as Excel shows them.
    assert list(data.actors["row"]) == [3, 4]
    assert data.actors.loc["1", "notes"] == "a,b"
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_sep_option_overrides_detection(tmp_path: Path) -> None:
    # Commas split every line into three fields as consistently as the semicolons do, and
    # commas win a tie: only the user knows better.
    text = ("id;name;Bemerkung (intern, extern, privat)\r\n"
            f"1;{NAME}, Lemgo, Lippe;x\r\n"
            "2;Caritas, Detmold, Lippe;y\r\n")
    path = write_text(tmp_path / "actors.csv", text)
    guessed = read(path)
    assert one(guessed, "table.unrecognised").rows == (2, 3)
    data = read(path, sep=";")
    assert data.actors["name"].tolist() == [f"{NAME}, Lemgo, Lippe", "Caritas, Detmold, Lippe"]
    # "Bemerkung" with a note in brackets is the notes column.
    assert data.actors["notes"].tolist() == ["x", "y"]
    assert not found(data, "file.delimiter")
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_quoted_fields_with_delimiters_and_line_breaks(tmp_path: Path) -> None:
    rows = [["id", "name", "notes"],
            ["1", f"{NAME}; Lemgo, Lippe", "first line\nsecond line"],
            ["2", 'Caritas "St. Anna"', "x;y"]]
    data = read(write_csv(tmp_path / "q.csv", rows, delimiter=";"))
    assert data.actors.loc["1", "name"] == f"{NAME}; Lemgo, Lippe"
    assert data.actors.loc["1", "notes"] == "first line second line"
    assert data.actors.loc["2", "name"] == 'Caritas "St. Anna"'
    assert data.actors.loc["2", "notes"] == "x;y"
    # Rows are records, as Excel shows the file: the line break does not shift row 3.
    assert list(data.actors["row"]) == [2, 3]
    ws = one(data, "cell.whitespace")
    assert (ws.severity, ws.row, ws.column, ws.column_letter, ws.count) == ("info", 2, "notes", "C", 1)
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


# -- header and title rows, workbooks ---------------------------------------------------------


def test_header_below_title_rows_and_blank_rows(tmp_path: Path) -> None:
    rows = [["Palliativnetz Lippe – Akteure", "", ""],
            ["Stand: 01.02.2023", "", ""],
            ["", "", ""],
            ["Nr", "Einrichtung", "Ort"],
            ["1", NAME, "Lemgo"],
            ["", "", ""],
            ["2", "Caritas", "Detmold"]]
    data = read(write_csv(tmp_path / "akteure.csv", rows, delimiter=";"))
    title = one(data, "table.title_rows")
    assert (title.severity, title.row, title.count, title.rows) == ("info", 1, 2, (1, 2))
    assert data.actors["name"].tolist() == [NAME, "Caritas"]
    assert data.actors["municipality"].tolist() == ["Lemgo", "Detmold"]
    assert data.actors["row"].tolist() == [5, 7]
    acc = data.report.accounting
    assert acc.blank_rows_skipped == 1
    assert accounting(acc) == (2, 2, 0, 0)


def _network_workbook() -> list[Sheet]:
    """Instructions first, a hidden sheet, title rows, merged cells, stray formatting."""
    return [
        Sheet("Anleitung", [["Bitte füllen Sie beide Blätter aus."], ["ID", "Name", "Typ"], ["1", "Beispiel", "x"]]),
        Sheet("Alt", [["id", "name"], ["99", "Alte Einrichtung"]], hidden=True),
        Sheet("Akteure", [
            ["Akteure im Palliativnetz Lippe"],
            [],
            ["ID", "Name", "Typ", "PLZ", "Gemeinde", "Gegründet"],
            ["007", NAME, "Hospiz", "01067", "Lemgo", "01.02.2023"],
            ["008", "Pflegedienst Sonne", "ambulanter Pflegedienst", 32657, "Detmold", None],
            ["009", "Dr. med. Beispiel", "Hausarzt", "32756", "Detmold", "2019"],
        ], stray_row=4999),
        Sheet("Beziehungen", [
            ["Von", "Nach", "Stufe", "Vertrag"],
            [None, "008", 3, "WAHR"],
            [None, "009", "Koordination", "FALSCH"],
            [None, "Pflegedienst Sonne", 2, None],
        ], merged=[(1, 0, 3, 0, "007")], stray_row=4999),
    ]


def test_xlsx_workbook_with_instructions_hidden_sheet_title_rows_merges_and_stray_formatting(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "netz.xlsx", _network_workbook())
    data = read(path)
    assert one(data, "table.instructions_sheet").sheet == "Anleitung"
    assert one(data, "table.hidden_sheet").sheet == "Alt"
    title = one(data, "table.title_rows")
    assert (title.sheet, title.row, title.rows) == ("Akteure", 1, (1,))
    merged = one(data, "cell.merged")
    assert (merged.sheet, merged.count) == ("Beziehungen", 2)
    actors = data.actors
    assert list(actors.index) == ["007", "008", "009"]
    assert actors.loc["007", "postcode"] == "01067"  # a text cell stays text
    assert actors.loc["008", "postcode"] == "32657"  # a number cell shows as the number typed
    assert actors.loc["007", "since"] == "2023-02-01"
    assert actors.loc["009", "since"] == "2019"
    assert actors["row"].tolist() == [4, 5, 6]
    ties = data.ties
    assert list(zip(ties["source"], ties["target"], ties["level"], ties["formalised"], strict=True)) == [
        ("007", "008", 3, True), ("007", "009", 3, False), ("007", "008", 2, None)]
    assert ties["row"].tolist() == [2, 3, 4]
    conflict = one(data, "tie.conflicting")
    assert (conflict.sheet, conflict.row, conflict.severity) == ("Beziehungen", 4, "warning")
    acc = data.report.accounting
    # The formatted row 5000 is not data and not even counted as a blank row.
    assert acc.blank_rows_skipped == 0
    assert (acc.files, acc.tables) == (1, 2)
    assert accounting(acc) == (6, 3, 3, 0)
    assert "Alte Einrichtung" not in set(actors["name"]) and "Beispiel" not in set(actors["name"])


def test_xlsx_table_that_does_not_start_in_a1(tmp_path: Path) -> None:
    # Rows 1–3 and columns A–B empty: rows and letters must still be those Excel shows.
    pad = [None, None]
    path = write_xlsx(tmp_path / "t.xlsx", [Sheet("Kooperationen", [
        [], [], [],
        [*pad, "Von", "Nach", "Stufe"],
        [*pad, "A", "B", 2],
        [*pad, "A", "C", 9],
    ])])
    data = read(path)
    bad = one(data, "tie.bad_level")
    assert (bad.sheet, *_where(bad), bad.value) == ("Kooperationen", "error", 6, "Stufe", "E", True, "9")
    assert values(data.ties, "source", "target", "level", "row") == [("A", "B", 2, 5)]
    assert accounting(data.report.accounting) == (2, 0, 1, 1)


def test_actors_and_ties_sheet_options(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", [
        Sheet("Tabelle1", [["Naam", "Soort"], ["Huisarts Eemnes", "huisarts"], [NAME, "hospice"]]),
        Sheet("Tabelle2", [["Van", "Naar", "Niveau"], ["Huisarts Eemnes", NAME, 4]]),
        Sheet("Tabelle3", [["Naam"], ["Niet gebruikt"]]),
    ])
    data = read(path, actors_sheet="Tabelle1", ties_sheet="Tabelle2")
    skipped = one(data, "table.not_selected")
    assert (skipped.sheet, skipped.severity) == ("Tabelle3", "info")
    assert data.actors["name"].tolist() == ["Huisarts Eemnes", NAME]
    assert data.ties[["source", "target"]].values.tolist() == [["Huisarts Eemnes", NAME]]
    assert accounting(data.report.accounting) == (3, 2, 1, 0)
    with pytest.raises(InputError) as info:
        read(path, actors_sheet="Actoren")
    assert info.value.message == "there is no sheet named 'Actoren' for the actors"
    assert info.value.hint == "Sheets in this workbook: Tabelle1, Tabelle2, Tabelle3"


@pytest.mark.parametrize(
    ("names", "role"),
    [(("Akteure", "Einrichtungen", "Organisaties", "Deelnemers", "Aktörer", "Organisationer", "Actors"), "actors"),
     (("Beziehungen", "Kooperationen", "Samenwerking", "Relaties", "Samverkan", "Relationer", "Ties"), "ties"),
     (("Anleitung", "Ausfüllhinweise", "Instructies", "Toelichting", "Instruktioner", "Anvisningar", "README"),
      "skip")],
)
def test_sheet_names_in_four_languages(names: tuple[str, ...], role: str) -> None:
    assert {name: sheet_role_from_name(name) for name in names} == dict.fromkeys(names, role)


@pytest.mark.parametrize(
    ("instructions", "actors", "ties", "headers"),
    [("Anleitung", "Akteure", "Beziehungen", (["ID", "Name", "Typ"], ["Von", "Nach", "Stufe"])),
     ("Instructies", "Organisaties", "Samenwerking", (["Nummer", "Naam", "Soort"], ["Van", "Naar", "Niveau"])),
     ("Instruktioner", "Aktörer", "Samverkan", (["Id", "Namn", "Typ"], ["Från", "Till", "Nivå"]))],
    ids=["de", "nl", "sv"],
)
def test_workbooks_in_german_dutch_swedish(tmp_path: Path, instructions: str, actors: str, ties: str,
                                           headers: tuple[list[str], list[str]]) -> None:
    path = write_xlsx(tmp_path / "net.xlsx", [
        # An instructions sheet with a perfectly good table header is still not data.
        Sheet(instructions, [headers[0], ["1", "Beispiel", "hospice"]]),
        Sheet(actors, [headers[0], ["1", NAME, "hospice"], ["2", "Vårdcentralen Kil", "general_practitioner"]]),
        Sheet(ties, [headers[1], ["1", "2", 4]]),
    ])
    data = read(path)
    assert one(data, "table.instructions_sheet").sheet == instructions
    assert data.tables == (f"{path} › {actors}", f"{path} › {ties}")
    assert data.actors["name"].tolist() == [NAME, "Vårdcentralen Kil"]
    assert data.ties[["source", "target", "level"]].values.tolist() == [["1", "2", 4]]
    assert accounting(data.report.accounting) == (3, 2, 1, 0)


def test_ods_workbook_built_by_hand(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "natverk.ods", [
        Sheet("Instruktioner", [["Fyll i båda bladen."]]),
        Sheet("Gammal", [["id", "namn"], ["99", "Gammal enhet"]], hidden=True),
        Sheet("Aktörer", [["Id", "Namn", "Typ", "Postnummer", "Kommun"],
                          ["007", "Vårdcentralen Kil", "vårdcentral", "01067", "Kil"],
                          ["8", NAME, "hospice", "65224", "Karlstad"]]),
        Sheet("Samverkan", [["Från", "Till", "Nivå"], ["007", "8", 4], ["8", "007", "samordning"]]),
    ])
    data = read(path)
    assert one(data, "table.instructions_sheet").sheet == "Instruktioner"
    assert one(data, "table.hidden_sheet").sheet == "Gammal"
    assert data.actors.loc["007", "postcode"] == "01067"
    assert data.actors.loc["007", "type"] == "general_practitioner"
    assert data.ties[["source", "target", "level"]].values.tolist() == [["007", "8", 4], ["8", "007", 3]]
    assert accounting(data.report.accounting) == (4, 2, 2, 0)


def test_corrupt_legacy_xls_is_refused(tmp_path: Path) -> None:
    # The OLE2 signature of a .xls file, then nothing usable.
    path = write_bytes(tmp_path / "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message.startswith("the xls workbook cannot be opened (")
    assert info.value.hint == ("Open it in your spreadsheet program, check it is not password-protected, "
                               "and save it again.")
    assert info.value.file == str(path)


# -- values ----------------------------------------------------------------------------------


def test_day_first_dates_text_postcodes_and_ids(tmp_path: Path) -> None:
    actors = write_csv(tmp_path / "actors.csv", [
        ["id", "name", "postcode", "since"],
        ["007", NAME, "01067", "01.02.2023"],
        ["0042", "Caritas", "01067", "2023-02-01"],
    ])
    ties = write_csv(tmp_path / "ties.csv", [["source", "target", "since", "until"],
                                             ["007", "0042", "01.02.2023", "12/2024"]])
    data = read(actors, ties)
    assert list(data.actors.index) == ["007", "0042"]
    assert data.actors["postcode"].tolist() == ["01067", "01067"]
    assert data.actors["since"].tolist() == ["2023-02-01", "2023-02-01"]
    assert data.ties[["source", "target", "since", "until"]].values.tolist() == [
        ["007", "0042", "2023-02-01", "2024-12"]]
    notes = sorted((p.file, p.row, p.column, p.column_letter) for p in found(data, "value.date_day_first"))
    assert notes == [(str(actors), 2, "since", "D"), (str(ties), 2, "since", "C")]
    assert accounting(data.report.accounting) == (3, 2, 1, 0)


def test_localised_excel_errors_in_csv_are_empty_with_a_warning(tmp_path: Path) -> None:
    rows = [["id", "name", "municipality", "lat", "postcode"],
            ["1", NAME, "#NV", "#WERT!", "01067"],
            ["2", "Caritas", "#N/A", "51,9", "#SAKNAS!"]]
    data = read(write_csv(tmp_path / "a.csv", rows, delimiter=";"))
    errors = sorted(found(data, "cell.excel_error"), key=lambda p: p.column_index or 0)
    assert [(p.severity, p.column, p.column_letter, p.count, p.rows) for p in errors] == [
        ("warning", "municipality", "C", 2, (2, 3)),
        ("warning", "lat", "D", 1, (2,)),
        ("warning", "postcode", "E", 1, (3,)),
    ]
    assert data.actors["municipality"].tolist() == [None, None]
    assert values(data.actors, "lat") == [(None,), (51.9,)]
    assert data.actors["postcode"].tolist() == ["01067", None]
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_formula_errors_in_xlsx_are_reported_not_silently_empty(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", [Sheet(
        "Beziehungen",
        [["Von", "Nach", "Stufe", "Gewicht"], ["a", "b"], ["a", "c", 1], ["a", "d", 2, 1.5]],
        errors={(1, 2): "#N/A", (2, 3): "#DIV/0!"},
    )])
    data = read(path)
    errors = sorted(found(data, "cell.excel_error"), key=lambda p: p.column_index or 0)
    assert [(p.sheet, p.severity, p.row, p.column, p.column_letter) for p in errors] == [
        ("Beziehungen", "warning", 2, "Stufe", "C"), ("Beziehungen", "warning", 3, "Gewicht", "D")]
    assert values(data.ties, "target", "level", "weight") == [("b", None, None), ("c", 1, None), ("d", 2, 1.5)]
    assert accounting(data.report.accounting) == (3, 0, 3, 0)


def test_localised_booleans(tmp_path: Path) -> None:
    rows = [["Von", "Nach", "Vertrag"],
            ["A", "B", "WAHR"], ["A", "C", "waar"], ["A", "D", "SANT"], ["A", "E", "x"],
            ["B", "C", "FALSCH"], ["B", "D", "onwaar"], ["B", "E", "falskt"], ["C", "D", "nein"],
            ["C", "E", "vielleicht"]]
    data = read(write_csv(tmp_path / "t.csv", rows, delimiter=";"))
    assert data.ties["formalised"].tolist() == [True, True, True, True, False, False, False, False, None]
    bad = one(data, "value.bad_boolean")
    assert _where(bad) == ("warning", 10, "Vertrag", "C", False)
    assert bad.value == "vielleicht"
    assert accounting(data.report.accounting) == (9, 0, 9, 0)


def test_levels_in_every_spelling_and_bad_levels(tmp_path: Path) -> None:
    rows = [["source", "target", "level"],
            ["A", "B", "3"], ["A", "C", "3,0"], ["A", "D", "3 – Koordination"], ["A", "E", "Koordination"],
            ["A", "F", "samordning"],
            ["B", "C", "7"], ["B", "D", "-1"], ["B", "E", "2,5"], ["B", "F", "viel"]]
    data = read(write_csv(tmp_path / "t.csv", rows, delimiter=";"))
    assert data.ties["level"].tolist() == [3, 3, 3, 3, 3]
    assert data.ties["row"].tolist() == [2, 3, 4, 5, 6]
    bad = found(data, "tie.bad_level")
    assert [(*_where(p), p.value) for p in bad] == [
        ("error", 7, "level", "C", True, "7"),
        ("error", 8, "level", "C", True, "-1"),
        ("error", 9, "level", "C", True, "2,5"),
        ("error", 10, "level", "C", True, "viel"),
    ]
    text = one(data, "tie.level_text")
    assert (text.severity, text.count, text.rows) == ("info", 2, (5, 6))
    assert accounting(data.report.accounting) == (9, 0, 5, 4)


def test_bad_weights_are_rejected(tmp_path: Path) -> None:
    rows = [["source", "target", "weight"],
            ["A", "B", "1,5"], ["A", "C", "0"], ["A", "D", "-1"], ["A", "E", "NaN"], ["A", "F", "inf"],
            ["A", "G", "abc"], ["A", "H", "2"]]
    data = read(write_csv(tmp_path / "t.csv", rows, delimiter=";"))
    assert data.ties["weight"].tolist() == [1.5, 2.0]
    bad = found(data, "tie.bad_weight")
    assert [(*_where(p), p.value, p.message) for p in bad] == [
        ("error", 3, "weight", "C", True, "0", "weight is zero; tie not used"),
        ("error", 4, "weight", "C", True, "-1", "weight is negative; tie not used"),
        ("error", 5, "weight", "C", True, "NaN", "weight is not finite; tie not used"),
        ("error", 6, "weight", "C", True, "inf", "weight is not finite; tie not used"),
        ("error", 7, "weight", "C", True, "abc", "weight is not a number; tie not used"),
    ]
    assert accounting(data.report.accounting) == (7, 0, 2, 5)


# -- structure -------------------------------------------------------------------------------


def test_ragged_rows_never_shift_a_name(tmp_path: Path) -> None:
    text = ("id,name,municipality\r\n"
            f"1,{NAME},Lemgo,{NAME} again\r\n"  # one value too many
            "2,Caritas\r\n"  # one too few
            "3,Diakonie,Detmold,,\r\n")  # empty extras: harmless
    data = read(write_text(tmp_path / "a.csv", text))
    assert data.actors["name"].tolist() == [NAME, "Caritas", "Diakonie"]
    assert data.actors["municipality"].tolist() == ["Lemgo", None, "Detmold"]
    many = one(data, "row.too_many_values")
    assert _where(many) == ("warning", 2, "column 4", "D", False)
    few = one(data, "row.too_few_values")
    assert (few.severity, few.row, few.column, few.column_letter, few.count) == ("info", 3, "municipality", "C", 1)
    assert accounting(data.report.accounting) == (3, 3, 0, 0)


def test_repeated_header_row_is_rejected(tmp_path: Path) -> None:
    rows = [["source", "target", "level"], ["A", "B", "2"], ["Source", "Target", "Level"], ["B", "C", "3"]]
    data = read(write_csv(tmp_path / "t.csv", rows))
    repeated = one(data, "row.repeated_header")
    assert (repeated.severity, repeated.row, repeated.rejected) == ("warning", 3, True)
    assert data.ties["row"].tolist() == [2, 4]
    assert not found(data, "tie.bad_level")
    assert accounting(data.report.accounting) == (3, 0, 2, 1)


def test_two_files_pasted_together_mid_file_bom(tmp_path: Path) -> None:
    first = csv_text([["id", "name"], ["1", NAME], ["2", "Caritas"]])
    second = csv_text([["id", "name"], ["3", "Diakonie"]])
    path = write_bytes(tmp_path / "both.csv", codecs.BOM_UTF8 + first.encode() + codecs.BOM_UTF8 + second.encode())
    data = read(path)
    bom = one(data, "cell.mid_file_bom")
    assert _where(bom) == ("warning", 4, "id", "A", False)
    assert bom.hint == "Two files may have been pasted together; check the rows around it."
    repeated = one(data, "row.repeated_header")
    assert (repeated.row, repeated.rejected) == (4, True)
    assert list(data.actors.index) == ["1", "2", "3"]
    assert accounting(data.report.accounting) == (4, 3, 0, 1)


def test_control_and_invisible_characters_are_cleaned_and_counted(tmp_path: Path) -> None:
    rows = [["id", "name", "municipality"],
            ["1", f"{NAME}\x07", "Lem\u200bgo"],
            ["2", "Cari\u00adtas\x1b", "Det\u00a0mold"],
            ["3", "Diakonie\u00a0\u00a0Lippe", "Bad\u2009Salzuflen"]]
    data = read(write_csv(tmp_path / "a.csv", rows))
    assert data.actors["name"].tolist() == [NAME, "Caritas", "Diakonie Lippe"]
    assert data.actors["municipality"].tolist() == ["Lemgo", "Det mold", "Bad Salzuflen"]
    seen = sorted((p.rule, p.column, p.count, p.rows) for p in data.report.problems if p.rule.startswith("cell."))
    assert seen == [
        ("cell.control_chars", "name", 2, (2, 3)),
        ("cell.invisible_chars", "municipality", 1, (2,)),
        ("cell.invisible_chars", "name", 1, (3,)),
        ("cell.whitespace", "municipality", 2, (3, 4)),
        ("cell.whitespace", "name", 1, (4,)),
    ]
    assert all(p.severity == "info" for p in data.report.problems if p.rule.startswith("cell."))
    assert accounting(data.report.accounting) == (3, 3, 0, 0)


def test_mojibake_is_reported(tmp_path: Path) -> None:
    rows = [["id", "name"], ["1", "MÃ¼ller Pflege"], ["2", "Müller Pflege"]]
    data = read(write_csv(tmp_path / "a.csv", rows))
    moji = one(data, "cell.mojibake")
    assert _where(moji) == ("warning", 2, "name", "B", False)
    assert moji.hint == "Re-export the file as 'CSV UTF-8' from the original, or fix the letters in the cell."
    assert data.actors["name"].tolist() == ["MÃ¼ller Pflege", "Müller Pflege"]
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_csv_named_xlsx_is_read_as_text_with_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "actors.xlsx", ACTORS, delimiter=";")
    data = read(path)
    mismatch = one(data, "file.format_mismatch")
    assert (mismatch.severity, mismatch.file) == ("warning", str(path))
    assert mismatch.message == "the file's name ends in .xlsx but its content is text; read as text"
    assert mismatch.hint == "Rename the file to end in the right extension (e.g. .csv)."
    assert data.actors["name"].tolist() == ["Vårdcentralen Kil", NAME]
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


def test_xlsx_named_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "actors.csv", [Sheet("Actors", ACTORS)])
    data = read(path)
    assert one(data, "file.format_mismatch").message == (
        "the file's name ends in .csv but its content is xlsx; read as xlsx")
    assert data.actors.loc["8", "postcode"] == "01067"
    assert accounting(data.report.accounting) == (2, 2, 0, 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("export.xls", b"<html><head><meta charset='utf-8'></head><body><table><tr><td>id</td></tr></table>",
         "the file is a web page (HTML), not a table although its name ends in .xls"),
        ("actors.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n",
         "the file is a PDF document, not a table although its name ends in .csv"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
         "the file is not a text or spreadsheet file, not a table although its name ends in .csv"),
    ],
)
def test_files_that_are_not_tables_are_refused(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = write_bytes(tmp_path / name, content)
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message == message
    assert info.value.hint == "Open it in your spreadsheet program and save it as .xlsx or 'CSV UTF-8'."
    assert info.value.file == str(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "empty.csv", b"")
    with pytest.raises(InputError) as info:
        read(path)
    assert (info.value.message, info.value.hint) == ("the file is empty (0 bytes)",
                                                     "Export the data again; the file has no content.")


def test_header_only_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "ties.csv", "source;target;level\r\n")
    data = read(path)
    header_only = one(data, "table.header_only")
    assert (header_only.severity, header_only.file, header_only.row) == ("warning", str(path), 1)
    assert len(data.ties) == 0
    assert accounting(data.report.accounting) == (0, 0, 0, 0)


def test_unrecognised_table_counts_every_row_as_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "data.csv", [["Spalte 1", "Spalte 2", "Spalte 3"], ["a", "b", "c"],
                                              [NAME, "e", "f"]])
    data = read(path)
    unrecognised = one(data, "table.unrecognised")
    assert (unrecognised.severity, unrecognised.row, unrecognised.count, unrecognised.rows,
            unrecognised.rejected) == ("warning", 1, 2, (2, 3), True)
    assert accounting(data.report.accounting) == (2, 0, 0, 2)


# -- layouts ---------------------------------------------------------------------------------


def test_ties_only_edge_list_infers_actors(tmp_path: Path) -> None:
    rows = [["from", "to", "type"], [NAME, "Caritas", "referral"], ["Caritas", "Diakonie", "Überweisung"]]
    data = read(write_csv(tmp_path / "edges.csv", rows))
    assert list(data.actors.index) == [NAME, "Caritas", "Diakonie"]
    assert data.actors["row"].isna().all()
    assert data.ties["type"].tolist() == ["referral", "referral"]
    acc = data.report.accounting
    assert (acc.actors, acc.actors_inferred, acc.ties) == (3, 3, 2)
    assert accounting(acc) == (2, 0, 2, 0)


def test_adjacency_matrix_sheet(tmp_path: Path) -> None:
    rows = [["", NAME, "Caritas", "Diakonie", "Stadt Lemgo"],
            [NAME, "", "3", "x", "0"],
            ["Caritas", "2", "", "", "Koordination"],
            ["Diakonie", "", "", "", ""],
            ["Stadt Lemgo", "nein", "", "9", ""]]
    data = read(write_csv(tmp_path / "matrix.csv", rows, delimiter=";"))
    assert values(data.ties, "source", "target", "level", "reported_by", "row") == [
        (NAME, "Caritas", 3, NAME, 2),
        (NAME, "Diakonie", None, NAME, 2),  # 'x': works together, level not given
        ("Caritas", NAME, 2, "Caritas", 3),
        ("Caritas", "Stadt Lemgo", 3, "Caritas", 3),
    ]  # 0, blank, 'nein' and the diagonal are no ties
    bad = one(data, "tie.bad_level")
    # The header of a matrix column is an actor name: the cell is located by its letter only.
    assert (bad.severity, bad.row, bad.column, bad.column_letter, bad.value) == ("error", 5, "partner", "D", "9")
    acc = data.report.accounting
    assert (acc.actors_inferred, acc.ties) == (4, 4)
    assert accounting(acc) == (4, 0, 4, 0)


def test_survey_layout(tmp_path: Path) -> None:
    rows = [["Respondent", "Partner 1", "Intensität 1", "Partner 2", "Intensität 2", "Partner 3", "Intensität 3"],
            [NAME, "Caritas", "3", "Diakonie", "Koordination", "", ""],
            ["Caritas", NAME, "4", "", "", "Stadt Lemgo", "viel"],
            ["", "Diakonie", "2", "", "", "", ""]]
    data = read(write_csv(tmp_path / "survey.csv", rows))
    ties = data.ties
    assert list(zip(ties["source"], ties["target"], ties["level"], ties["reported_by"], ties["survey_item"],
                    ties["row"], strict=True)) == [
        (NAME, "Caritas", 3, NAME, 1, 2), (NAME, "Diakonie", 3, NAME, 2, 2), ("Caritas", NAME, 4, "Caritas", 1, 3)]
    bad = one(data, "tie.bad_level")
    assert (bad.severity, bad.row, bad.column, bad.column_letter, bad.value) == (
        "error", 3, "Intensität 3", "G", "viel")
    missing = one(data, "survey.no_respondent")
    assert (missing.severity, missing.row, missing.column, missing.rejected) == ("error", 4, "Respondent", True)
    assert accounting(data.report.accounting) == (3, 0, 2, 1)


def test_folder_with_actors_and_ties(tmp_path: Path) -> None:
    folder = tmp_path / "welle-2024"
    folder.mkdir()
    write_csv(folder / "actors.csv", [["id", "name", "plz"], ["007", NAME, "01067"], ["8", "Caritas", "32657"]])
    write_csv(folder / "ties.csv", [["von", "nach", "stufe"], ["007", "8", "2"]], delimiter=";")
    write_bytes(folder / "protokoll.docx", b"PK\x03\x04")
    write_bytes(folder / "~$actors.xlsx", b"lock")
    write_bytes(folder / ".hidden.csv", b"id\n1\n")
    data = read(folder)
    skipped = one(data, "file.skipped")
    assert (skipped.severity, skipped.file) == ("info", str(folder / "protokoll.docx"))
    assert data.report.sources == [str(folder / "actors.csv"), str(folder / "ties.csv")]
    assert data.actors["postcode"].tolist() == ["01067", "32657"]
    assert data.ties[["source", "target", "level"]].values.tolist() == [["007", "8", 2]]
    assert accounting(data.report.accounting) == (3, 2, 1, 0)


def test_actors_and_ties_options_set_roles(tmp_path: Path) -> None:
    # Headers that recognise nothing: the caller says what the files are.
    actors = write_csv(tmp_path / "a.csv", [["Kennung", "Name"], ["1", NAME], ["2", "Caritas"]])
    ties = write_csv(tmp_path / "b.csv", [["von", "nach"], ["1", "2"]])
    data = read(actors=[actors], ties=[ties])
    assert data.actors["name"].tolist() == [NAME, "Caritas"]
    assert data.ties[["source", "target"]].values.tolist() == [["1", "2"]]
    assert accounting(data.report.accounting) == (3, 2, 1, 0)


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("007", name=NAME, type="inpatient_hospice", municipality="Lemgo", postcode="01067", lat=52.03,
               lon=8.9)
    G.add_node("8", name="Vårdcentralen Kil", type="general_practitioner", municipality="Kil")
    G.add_node("9", name="Caritas", type="home_nursing_service")
    G.add_edge("007", "8", type="referral", level=3)
    G.add_edge("8", "9", type="information_exchange", level=2)
    G.add_edge("8", "9", type="information_exchange", level=4, reported_by="9")
    return G


def _check_graph_input(data: NetworkData) -> None:
    actors = data.actors
    ties = data.ties
    assert list(actors.index) == ["007", "8", "9"]
    assert actors["name"].tolist() == [NAME, "Vårdcentralen Kil", "Caritas"]
    assert actors.loc["007", "postcode"] == "01067"
    assert (actors.loc["007", "lat"], actors.loc["007", "lon"]) == (52.03, 8.9)
    assert list(zip(ties["source"], ties["target"], ties["type"], ties["level"], strict=True)) == [
        ("007", "8", "referral", 3), ("8", "9", "information_exchange", 2), ("8", "9", "information_exchange", 4)]
    assert accounting(data.report.accounting) == (6, 3, 3, 0)


def test_graphml_input(tmp_path: Path) -> None:
    path = tmp_path / "net.graphml"
    nx.write_graphml(_graph(), path)
    _check_graph_input(read(path))


def test_gexf_input(tmp_path: Path) -> None:
    path = tmp_path / "net.gexf"
    nx.write_gexf(_graph(), path)
    data = read(path)
    _check_graph_input(data)
    assert "label" not in data.actors.columns  # GEXF's label only repeated the id
    assert "id" not in data.ties.columns  # nor is the writer's edge numbering a tie attribute


def test_node_link_json_input(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    path.write_text(json.dumps(nx.node_link_data(_graph(), edges="links")), encoding="utf-8")
    _check_graph_input(read(path))


def test_gexf_written_by_carenet_keeps_tie_types_in_valid_gexf(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "ties.csv", [["source", "target", "type", "level"], ["A", "B", "referral", "3"]])
    out = tmp_path / "net.gexf"
    write_network(to_graph(read(source)), out)
    text = out.read_text(encoding="utf-8")
    # GEXF's edge 'type' attribute only allows directed / undirected / mutual (Gephi rejects others).
    assert 'type="referral"' not in text
    again = read(out)
    assert again.ties[["source", "target", "type", "level"]].values.tolist() == [["A", "B", "referral", 3]]


# -- privacy ---------------------------------------------------------------------------------


def test_no_message_or_hint_names_an_actor(tmp_path: Path) -> None:
    """NAME in every cell position that can raise a problem; only Problem.value may hold it."""
    actors = write_csv(tmp_path / "actors.csv", [
        ["id", "name", "sector", "municipality", "lat", "since", "notes"],
        [NAME, NAME, NAME, f"{NAME}\x07", NAME, NAME, f"MÃ¼ller {NAME}\u00a0"],
        [NAME, f"{NAME} 2", "", "#NV", "", "", ""],  # same id, other name
        ["", "", "", "", "", "", ""],
        ["x1", f"{NAME} Lemgo", "", "", "", "", ""],
        ["x2", f"\ufeff{NAME} Lemgo", "", "", "", "", "", NAME],  # same name again; BOM; one value too many
    ], delimiter=";")
    ties = write_csv(tmp_path / "ties.csv", [
        ["source", "target", "level", "weight", "direction", "frequency", "vertrag", "since", "reported_by"],
        [NAME, "Nowhere " + NAME, "1", NAME, NAME, NAME, NAME, NAME, NAME],
        ["x1", "x2", "viel", "", "", "", "", "", ""],  # (type and level values may be quoted)
        ["x1", "x1", "2", "", "", "", "", "", ""],
        ["Unknown " + NAME, "x1", "", "", "", "", "", "", ""],
        [f"{NAME} Lemgo", "x1", "", "", "", "", "", "", ""],
    ], delimiter=";")
    matrix = write_csv(tmp_path / "matrix.csv", [
        ["", NAME, "x1"], [NAME, "", "7"], ["x1", "9", ""]], delimiter=";")
    survey = write_csv(tmp_path / "survey.csv", [
        ["Respondent", "Partner 1", "Level 1", "Partner 2", "Level 2"],
        [NAME, "x1", "9", NAME + " 3", "2"]])
    data = read(actors, ties)
    assert set(rules(data)) >= {
        "actor.duplicate_id", "actor.duplicate_name", "actor.sector_unknown", "value.bad_number", "value.bad_date",
        "cell.control_chars", "cell.mojibake", "cell.whitespace", "cell.mid_file_bom", "cell.excel_error",
        "row.too_many_values", "tie.unknown_actor", "tie.ambiguous_actor", "tie.bad_weight", "tie.bad_direction",
        "tie.bad_frequency", "value.bad_boolean", "tie.self", "tie.bad_level"}
    assert leaks(data) == []
    assert any(p.value is not None and NAME in p.value for p in data.report.problems)
    assert NAME not in data.report.summary(show_values=False)
    assert NAME not in data.report.to_json(show_values=False)
    assert NAME in data.report.summary(show_values=True)
    for path in (matrix, survey):
        other = read(path)
        assert leaks(other) == []
        assert NAME not in other.report.summary(show_values=False)
