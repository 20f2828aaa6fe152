"""Tests for carenet_graph.read.load: read_network, validate, load and to_graph.

Files are built in ``tmp_path`` (CSV written with an explicit encoding, workbooks with
xlsxwriter); nothing binary is committed.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import networkx as nx
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carenet_graph as cg
from carenet_graph.errors import CarenetError, InputError, ValidationFailed
from carenet_graph.read.load import read_network, to_graph
from carenet_graph.read.load import validate as validate_files

ACTORS = "id,name,type\na1,Hospiz Lemgo,Hospiz\na2,Pflegedienst Nord,Pflegedienst\na3,Apotheke,Apotheke\n"
TIES = "source,target,type,level\na1,a2,referral,3\na2,a3,shared_patients,2\n"
BAD_TIES = TIES + "a1,a9,referral,2\n"


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def _workbook(path: Path, sheets: dict[str, list[list[str]]], hidden: tuple[str, ...] = ()) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
        if name in hidden:
            sheet.hide()
    book.close()
    return path


def _rules(data: cg.NetworkData) -> dict[str, int]:
    return data.report.rule_counts()


# -- inputs ---------------------------------------------------------------------------------
def test_csv_pair_roles_from_headers(tmp_path: Path) -> None:
    # The ties file comes first: roles come from the headers, not the order.
    data = read_network([_csv(tmp_path / "b.csv", TIES), _csv(tmp_path / "a.csv", ACTORS)])
    assert list(data.actors.index) == ["a1", "a2", "a3"]
    assert data.ties[["source", "target", "level"]].values.tolist() == [["a1", "a2", 3], ["a2", "a3", 2]]
    assert data.tables == (str(tmp_path / "b.csv"), str(tmp_path / "a.csv"))
    assert list(data.ties["table"]) == [0, 0] and list(data.actors["table"]) == [1, 1, 1]


def test_folder_reads_every_supported_file(tmp_path: Path) -> None:
    folder = tmp_path / "welle_2024"
    _csv(folder / "akteure.csv", ACTORS)
    _csv(folder / "beziehungen.csv", TIES)
    _csv(folder / "liesmich.docx", "not a table")
    _csv(folder / ".hidden.csv", "x,y\n1,2\n")
    data = read_network([folder])
    assert data.report.accounting.files == 2
    assert (len(data.actors), len(data.ties)) == (3, 2)
    (skipped,) = [p for p in data.report.problems if p.rule == "file.skipped"]
    assert (skipped.severity, skipped.file) == ("info", str(folder / "liesmich.docx"))


def test_folder_without_tables_is_an_input_error(tmp_path: Path) -> None:
    _csv(tmp_path / "f" / "notes.docx", "x")
    with pytest.raises(InputError) as info:
        read_network([tmp_path / "f"])
    assert info.value.message == "the folder holds no spreadsheet, CSV or graph file"
    assert info.value.file == str(tmp_path / "f")


def test_no_input_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_network([])
    assert info.value.message == "no input given"
    with pytest.raises(InputError) as info:
        read_network([tmp_path / "fehlt.csv"])
    assert info.value.describe() == (
        f"{tmp_path / 'fehlt.csv'}: file not found\n  How to fix: Check the path and the file name.")


def test_actors_and_ties_options_set_the_roles(tmp_path: Path) -> None:
    # Headers the recogniser would not take for ties on their own (no target alias).
    actors = _csv(tmp_path / "x.csv", ACTORS)
    ties = _csv(tmp_path / "y.csv", "source,target\na1,a2\n")
    data = read_network(actors=[actors], ties=[ties])
    assert (len(data.actors), len(data.ties)) == (3, 1)


def test_workbook_sheets_by_name_instructions_and_hidden_sheets_skipped(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "netz.xlsx", {
        "Anleitung": [["Bitte ausfüllen"], ["Name", "Typ"]],
        "Akteure": [["ID", "Name", "Typ"], ["a1", "Hospiz Lemgo", "Hospiz"], ["a2", "Apotheke", "Apotheke"]],
        "Zusammenarbeit": [["Von", "Nach", "Stufe"], ["a1", "a2", "3"]],
        "Alt": [["ID", "Name"], ["x", "Alter Eintrag"]],
    }, hidden=("Alt",))
    data = read_network([path])
    assert list(data.actors.index) == ["a1", "a2"]
    assert data.tables == (f"{path} › Akteure", f"{path} › Zusammenarbeit")
    notes = {(p.rule, p.sheet) for p in data.report.problems if p.rule.startswith("table.")}
    assert notes == {("table.instructions_sheet", "Anleitung"), ("table.hidden_sheet", "Alt")}


def test_workbook_sheets_chosen_by_option(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "netz.xlsx", {
        "Daten A": [["ID", "Name"], ["a1", "A"], ["a2", "B"]],
        "Daten B": [["Von", "Nach"], ["a1", "a2"]],
        "Sonstiges": [["ID", "Name"], ["z", "Z"]],
    })
    data = read_network([path], actors_sheet="Daten A", ties_sheet="Daten B")
    assert list(data.actors.index) == ["a1", "a2"] and len(data.ties) == 1
    (skipped,) = [p for p in data.report.problems if p.rule == "table.not_selected"]
    assert skipped.sheet == "Sonstiges"
    with pytest.raises(InputError) as info:
        read_network([path], actors_sheet="Akteure")
    assert info.value.message == "there is no sheet named 'Akteure' for the actors"
    assert info.value.hint == "Sheets in this workbook: Daten A, Daten B, Sonstiges"


def test_one_sheet_option_leaves_the_other_role_to_the_sheet_name(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "netz.xlsx", {
        "Daten A": [["ID", "Name"], ["a1", "A"], ["a2", "B"]],
        "Zusammenarbeit": [["Von", "Nach"], ["a1", "a2"]],
        "Alte Akteure": [["ID", "Name"], ["z", "Z"]],
    })
    data = read_network([path], actors_sheet="Daten A")
    assert list(data.actors.index) == ["a1", "a2"]
    assert data.ties[["source", "target"]].values.tolist() == [["a1", "a2"]]
    assert [p.sheet for p in data.report.problems if p.rule == "table.not_selected"] == ["Alte Akteure"]


def test_workbook_given_with_actors_and_ties_options(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "netz.xlsx", {
        "Anleitung": [["Bitte ausfüllen"], ["Name", "Typ"]],
        "Akteure": [["ID", "Name"], ["a1", "A"], ["a2", "B"]],
        "Zusammenarbeit": [["Von", "Nach"], ["a1", "a2"]],
    })
    only_actors = read_network(actors=[path])
    assert list(only_actors.actors.index) == ["a1", "a2"] and len(only_actors.ties) == 0
    assert not only_actors.report.has_errors  # the instructions and ties sheets are not read as actors
    problems = {(p.rule, p.sheet): p.message for p in only_actors.report.problems if p.rule.startswith("table.")}
    assert problems == {
        ("table.instructions_sheet", "Anleitung"): "instructions or lists sheet, not read as data",
        ("table.not_selected", "Zusammenarbeit"): "sheet not read: its name says it holds ties, and the file was "
                                                  "given as the actors file (--actors)",
        ("table.no_ties", None): "the input has actors but no table of ties: the network has no ties",
    }
    both = read_network(actors=[path], ties=[path])
    assert (len(both.actors), len(both.ties)) == (2, 1)
    assert both.report.accounting.balanced and not both.report.has_errors


def test_graph_file_input(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", label="Hospiz Lemgo", type="Hospiz")
    G.add_node("b", label="Apotheke")
    G.add_edge("a", "b", level=3)
    nx.write_graphml(G, tmp_path / "g.graphml")
    data = read_network([tmp_path / "g.graphml"])
    assert data.actors.loc["a", "name"] == "Hospiz Lemgo"
    assert data.actors.loc["a", "type"] == "inpatient_hospice"
    assert data.ties[["source", "target", "level"]].values.tolist() == [["a", "b", 3]]
    assert data.tables == (f"{tmp_path / 'g.graphml'} › nodes", f"{tmp_path / 'g.graphml'} › edges")


# -- table problems and accounting -----------------------------------------------------------
def test_unrecognised_table_rows_are_counted_as_rejected(tmp_path: Path) -> None:
    data = read_network([_csv(tmp_path / "x.csv", "foo,bar\n1,2\n3,4\n"), _csv(tmp_path / "a.csv", ACTORS)])
    (problem,) = [p for p in data.report.problems if p.rule == "table.unrecognised"]
    assert (problem.severity, problem.rejected, problem.count, problem.rows) == ("warning", True, 2, (2, 3))
    assert problem.message == ("table not recognised as actors or ties (no known column headers); its 2 rows "
                               "were not used")
    acc = data.report.accounting
    assert (acc.rows_read, acc.actor_rows, acc.tie_rows, acc.rows_rejected) == (5, 3, 0, 2)
    assert acc.balanced


def test_ties_table_missing_a_column(tmp_path: Path) -> None:
    data = read_network([_csv(tmp_path / "a.csv", ACTORS)], ties=[_csv(tmp_path / "t.csv", "source,level\na1,2\n")])
    (problem,) = [p for p in data.report.problems if p.rule == "table.missing_column"]
    assert (problem.severity, problem.row, problem.rejected) == ("error", 1, True)
    assert problem.message == "the ties table lacks the column target; its 1 row was not used"
    assert problem.hint.startswith("Add a header 'target' (e.g. ")
    acc = data.report.accounting
    assert (acc.rows_read, acc.rows_rejected, acc.ties) == (4, 1, 0) and acc.balanced


def test_header_only_file_is_a_warning(tmp_path: Path) -> None:
    data = read_network([_csv(tmp_path / "a.csv", ACTORS), _csv(tmp_path / "t.csv", "source,target\n")])
    (problem,) = [p for p in data.report.problems if p.rule == "table.header_only"]
    assert (problem.severity, problem.file, problem.row) == ("warning", str(tmp_path / "t.csv"), 1)
    assert not data.report.has_errors


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_network([_csv(tmp_path / "leer.csv", "")])
    assert info.value.message == "the file is empty (0 bytes)"


def test_cp1252_file_keeps_its_letters(tmp_path: Path) -> None:
    path = _csv(tmp_path / "ansi.csv", "id;name\na1;Pflegedienst Müller\na2;Vårdcentralen Årjäng\n", encoding="cp1252")
    data = read_network([path])
    assert list(data.actors["name"]) == ["Pflegedienst Müller", "Vårdcentralen Årjäng"]
    assert "file.encoding_fallback" in _rules(data)


# -- validate, load, to_graph ----------------------------------------------------------------
def test_validate_returns_the_report(tmp_path: Path) -> None:
    report = validate_files([_csv(tmp_path / "a.csv", ACTORS), _csv(tmp_path / "t.csv", BAD_TIES)])
    assert report.has_errors
    assert [p.rule for p in report.errors] == ["tie.unknown_actor"]
    assert cg.validate is validate_files


def test_load_warns_about_rows_left_out(tmp_path: Path) -> None:
    files = [_csv(tmp_path / "a.csv", ACTORS), _csv(tmp_path / "t.csv", BAD_TIES)]
    with pytest.warns(UserWarning) as caught:
        G = cg.load(files)
    assert str(caught[0].message) == ("1 error in the input; 1 row left out (run carenet_graph.validate(...) "
                                      "or 'carenet validate' for the list)")
    assert isinstance(G, nx.MultiDiGraph)
    assert (G.number_of_nodes(), G.number_of_edges()) == (3, 2)


def test_load_strict_raises(tmp_path: Path) -> None:
    files = [_csv(tmp_path / "a.csv", ACTORS), _csv(tmp_path / "t.csv", BAD_TIES)]
    with pytest.raises(ValidationFailed) as info:
        cg.load(files, strict=True)
    assert info.value.hint == "Fix the rows listed by 'carenet validate'."


def test_load_clean_input_does_not_warn(tmp_path: Path) -> None:
    files = [_csv(tmp_path / "a.csv", ACTORS), _csv(tmp_path / "t.csv", TIES)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        G = cg.load(files, strict=True)
    assert G.graph["name"] == "a"
    assert list(G.edges(data="level")) == [("a1", "a2", 3), ("a2", "a3", 2)]


def test_to_graph_name(tmp_path: Path) -> None:
    data = read_network([_csv(tmp_path / "lippe_2024.csv", ACTORS)])
    assert to_graph(data).graph["name"] == "lippe_2024"
    assert to_graph(data, name="Lippe").graph["name"] == "Lippe"


# -- property: arbitrary cells never raise anything but the project's errors ---------------
_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=1, max_size=5), min_size=1, max_size=6),
       header=st.sampled_from(["id;name;type;lat", "source;target;level;weight", "Von;Nach;Stufe", "a;b"]))
def test_arbitrary_cells_raise_only_carenet_errors(tmp_path: Path, rows: list[list[str]], header: str) -> None:
    lines = [header] + [";".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    path = tmp_path / "hypo.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        data = read_network([path])
    except CarenetError:
        return
    assert data.report.accounting.balanced, data.report.accounting
    G = to_graph(data)
    assert G.number_of_nodes() == len(data.actors)
    assert G.number_of_edges() == len(data.ties)


def test_header_with_a_note_in_brackets_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "actors.csv").write_text("Nr.;Naam;Soort organisatie\n1;A;huisarts\n2;B;wijkverpleging\n",
                                         encoding="utf-8")
    (tmp_path / "ties.csv").write_text("Van;Met;Niveau (1-5);Sinds [dd-mm-jjjj]\n1;2;3;15-03-2021\n", encoding="utf-8")
    data = read_network([tmp_path])
    assert data.ties[["level", "since"]].values.tolist() == [[3, "2021-03-15"]]
