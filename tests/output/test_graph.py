"""Tests for carenet_graph.output.graph: every output format, read back by read_network.

One small network with German, Swedish and Dutch names (Umlauts, å, ë), a postcode with a
leading zero and coordinates is written to each format and read back; the tables must come
back the same, and two writes must give the same bytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from carenet_graph.errors import OutputError
from carenet_graph.output.graph import actors_frame, output_paths, ties_frame, write_network
from carenet_graph.read.load import NetworkData, read_network, to_graph

ACTORS = (
    "id;name;type;municipality;postcode;lat;lon;phone\n"
    "de1;Hospizverein Lemgo e.V.;Ambulanter Hospizdienst;Lemgo;01067;52,0277;8,9043;+49 5261 12345\n"
    "de2;Pflegedienst Müller & Söhne;Ambulanter Pflegedienst;Detmold;32756;51.938734;8.879212;\n"
    "se1;Vårdcentralen Årjäng;Vårdcentral;Årjäng;672 31;59.3906;12.1339;\n"
    "nl1;Thuiszorg Eemnes ë;Thuiszorg;Eemnes;3755;52.2539;5.2561;-\n"
    "nl2;Gemeente Baarn;Gemeente;Baarn;;;;\n"
)
TIES = (
    "source;target;type;level;weight;reported_by;since\n"
    "de1;de2;Überweisung;3;;de1;01.02.2023\n"
    "de2;de1;gemeinsame Patienten;2;;de2;\n"
    "se1;nl1;informationsutbyte;;2,5;;\n"
    "nl1;nl2;consultation;5;;;2024\n"
    "nl2;nl1;consultation;1;;nl2;\n"
)
FORMATS = (".graphml", ".gexf", ".json", ".xlsx", ".csv")
CORE_ACTOR_COLUMNS = ["name", "type", "sector", "municipality", "postcode", "lat", "lon", "phone"]
CORE_TIE_COLUMNS = ["source", "target", "type", "level", "weight", "direction", "reported_by", "since"]


def _source(folder: Path) -> NetworkData:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "akteure.csv").write_text(ACTORS, encoding="utf-8")
    (folder / "beziehungen.csv").write_text(TIES, encoding="utf-8")
    return read_network([folder / "akteure.csv", folder / "beziehungen.csv"])


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def original(tmp_path: Path) -> NetworkData:
    data = _source(tmp_path / "in")
    assert not data.report.has_errors
    return data


def test_the_source_network_is_read_as_expected(original: NetworkData) -> None:
    assert list(original.actors.index) == ["de1", "de2", "se1", "nl1", "nl2"]
    assert original.actors.loc["de1", "postcode"] == "01067"
    assert original.actors.loc["de1", "lat"] == 52.0277
    assert original.actors.loc["de2", "lon"] == 8.879212
    assert original.actors.loc["de1", "phone"] == "+49 5261 12345"
    assert list(original.ties["type"]) == ["referral", "shared_patients", "information_exchange", "consultation",
                                           "consultation"]
    assert list(original.ties["since"]) == ["2023-02-01", None, None, "2024", None]


@pytest.mark.parametrize("suffix", FORMATS)
def test_round_trip_keeps_actors_and_ties(original: NetworkData, tmp_path: Path, suffix: str) -> None:
    written = write_network(to_graph(original), tmp_path / "out" / f"netz{suffix}")
    assert written == output_paths(tmp_path / "out" / f"netz{suffix}")
    back = read_network(written)
    assert not back.report.has_errors, [p.describe() for p in back.report.errors]
    assert back.report.accounting.balanced
    pd.testing.assert_frame_equal(back.actors[CORE_ACTOR_COLUMNS], original.actors[CORE_ACTOR_COLUMNS])
    pd.testing.assert_frame_equal(back.ties[CORE_TIE_COLUMNS], original.ties[CORE_TIE_COLUMNS])
    # Exact, not approximately equal: coordinates survive as the same floats.
    assert back.actors.loc["de2", "lat"] == 51.938734
    assert back.actors.loc["nl2", ["lat", "lon"]].isna().all()
    assert list(back.actors["name"]) == ["Hospizverein Lemgo e.V.", "Pflegedienst Müller & Söhne",
                                         "Vårdcentralen Årjäng", "Thuiszorg Eemnes ë", "Gemeente Baarn"]


@pytest.mark.parametrize("suffix", FORMATS)
def test_round_trip_adds_no_columns(original: NetworkData, tmp_path: Path, suffix: str) -> None:
    # Provenance (table, row) is replaced by the new file's; nothing else may appear or vanish.
    back = read_network(write_network(to_graph(original), tmp_path / f"netz{suffix}"))
    assert list(back.actors.columns) == list(original.actors.columns)
    assert list(back.ties.columns) == list(original.ties.columns)


@pytest.mark.parametrize("suffix", FORMATS)
def test_two_writes_give_identical_bytes(tmp_path: Path, suffix: str) -> None:
    # Two independent reads of the same input, written to two places.
    first = write_network(to_graph(_source(tmp_path / "in")), tmp_path / "a" / f"netz{suffix}")
    second = write_network(to_graph(_source(tmp_path / "in")), tmp_path / "b" / f"netz{suffix}")
    assert len(first) == len(second) == (2 if suffix == ".csv" else 1)
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name
    if suffix == ".gexf":
        assert "lastmodifieddate" not in first[0].read_text(encoding="utf-8")


def test_gexf_uses_reserved_names_correctly(original: NetworkData, tmp_path: Path) -> None:
    G = to_graph(original)
    before = (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)))
    path = write_network(G, tmp_path / "netz.gexf")[0]
    assert (list(G.nodes(data=True)), list(G.edges(keys=True, data=True))) == before  # G itself untouched
    root = ElementTree.parse(path).getroot()
    ns = {"g": "http://www.gexf.net/1.2draft"}
    # GEXF's edge 'type' is the direction; the tie type must not be written there.
    edge_types = {e.get("type") for e in root.iterfind(".//g:edge", ns)}
    assert edge_types <= {None, "directed", "undirected", "mutual"}
    labels = {n.get("id"): n.get("label") for n in root.iterfind(".//g:node", ns)}
    assert labels["se1"] == "Vårdcentralen Årjäng"  # Gephi shows names, not ids
    titles = {a.get("title") for a in root.iterfind(".//g:attribute", ns)}
    assert "tie_type" in titles


def test_json_is_node_link_with_edges_key(original: NetworkData, tmp_path: Path) -> None:
    import json

    path = write_network(to_graph(original), tmp_path / "netz.json")[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["directed"] is True and data["multigraph"] is True
    assert [n["id"] for n in data["nodes"]] == ["de1", "de2", "se1", "nl1", "nl2"]
    assert len(data["edges"]) == 5
    assert "Vårdcentralen Årjäng" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    graph = nx.node_link_graph(data, edges="edges")
    assert graph.nodes["de1"]["postcode"] == "01067"


def test_xlsx_has_actors_and_ties_sheets(original: NetworkData, tmp_path: Path) -> None:
    path = write_network(to_graph(original), tmp_path / "netz.xlsx")[0]
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["actors", "ties"]
    actors = workbook.get_sheet_by_name("actors").to_python()
    assert actors[0][:3] == ["id", "name", "type"]
    assert actors[1][:3] == ["de1", "Hospizverein Lemgo e.V.", "outpatient_hospice_service"]
    ties = workbook.get_sheet_by_name("ties").to_python()
    assert ties[0][:4] == ["source", "target", "type", "level"]
    assert len(ties) == 6


def test_csv_pair_file_names(tmp_path: Path) -> None:
    assert output_paths(tmp_path / "netz.csv") == [tmp_path / "netz_actors.csv", tmp_path / "netz_ties.csv"]
    assert output_paths(tmp_path / "netz.GraphML") == [tmp_path / "netz.GraphML"]


# -- formulas -------------------------------------------------------------------------------
FORMULA = '=HYPERLINK("http://example.org/x","klick")'


def _formula_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="f", sources=[], tables=[], vocabulary_version="0.1.0")
    G.add_node("a1", name=FORMULA, phone="+49 5231 12345", fax="-", note="@SUM(A1)")
    G.add_node("a2", name="Hospiz Lemgo")
    G.add_edge("a1", "a2", type="referral", level=2, notes="-2+3+cmd|' /C calc'!A0")
    return G


def test_xlsx_cells_cannot_carry_formulas(tmp_path: Path) -> None:
    path = write_network(_formula_graph(), tmp_path / "netz.xlsx")[0]
    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("actors").to_python()
    assert rows[1][:2] == ["a1", "'" + FORMULA]
    assert rows[1][2:5] == ["+49 5231 12345", "-", "'@SUM(A1)"]
    back = read_network([path])
    assert back.actors.loc["a1", "name"] == "'" + FORMULA  # text, with Excel's text marker
    assert back.actors.loc["a1", "phone"] == "+49 5231 12345"
    assert back.ties.loc[0, "notes"] == "'-2+3+cmd|' /C calc'!A0"


def test_csv_cells_cannot_carry_formulas(tmp_path: Path) -> None:
    actors_path, ties_path = write_network(_formula_graph(), tmp_path / "netz.csv")
    text = actors_path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "id,name,phone,fax,note"
    assert text.splitlines()[1] == (
        "a1,\"'=HYPERLINK(\"\"http://example.org/x\"\",\"\"klick\"\")\",+49 5231 12345,-,'@SUM(A1)")
    assert "'-2+3+cmd" in ties_path.read_text(encoding="utf-8")
    back = read_network([actors_path, ties_path])
    assert back.actors.loc["a1", "name"] == "'" + FORMULA
    assert back.actors.loc["a1", "phone"] == "+49 5231 12345"


# -- errors and atomicity --------------------------------------------------------------------
def test_unknown_extension_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as info:
        write_network(_formula_graph(), tmp_path / "netz.txt")
    assert info.value.message == "cannot tell the output format from 'netz.txt'"
    assert info.value.hint == "End the output file name in .graphml, .gexf, .json, .xlsx or .csv (a pair of files)."
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError):
        output_paths("netz")


def test_failed_xlsx_write_leaves_the_earlier_file(tmp_path: Path) -> None:
    target = tmp_path / "netz.xlsx"
    target.write_bytes(b"earlier output")
    G = _formula_graph()
    G.nodes["a2"]["notes"] = "x" * 40_000  # more than an Excel cell holds
    with pytest.raises(OutputError):
        write_network(G, target)
    assert target.read_bytes() == b"earlier output"
    assert _leftovers(tmp_path) == []


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("cannot be written")


def test_failed_csv_pair_leaves_both_earlier_files(tmp_path: Path) -> None:
    actors, ties = output_paths(tmp_path / "netz.csv")
    actors.write_text("earlier actors\n", encoding="utf-8")
    ties.write_text("earlier ties\n", encoding="utf-8")
    G = _formula_graph()
    G.add_edge("a2", "a1", notes=_Unprintable())  # fails while the ties file is written
    with pytest.raises(RuntimeError):
        write_network(G, tmp_path / "netz.csv")
    assert actors.read_text(encoding="utf-8") == "earlier actors\n"
    assert ties.read_text(encoding="utf-8") == "earlier ties\n"
    assert _leftovers(tmp_path) == []


def test_csv_pair_refuses_a_folder_in_the_way(tmp_path: Path) -> None:
    actors, ties = output_paths(tmp_path / "netz.csv")
    actors.write_text("earlier actors\n", encoding="utf-8")
    ties.mkdir()
    with pytest.raises(OutputError) as info:
        write_network(_formula_graph(), tmp_path / "netz.csv")
    assert info.value.file == str(ties)
    assert actors.read_text(encoding="utf-8") == "earlier actors\n"
    assert _leftovers(tmp_path) == []


def test_successful_write_replaces_the_earlier_file(tmp_path: Path) -> None:
    target = tmp_path / "netz.graphml"
    target.write_text("earlier", encoding="utf-8")
    write_network(_formula_graph(), target)
    assert target.read_text(encoding="utf-8").startswith("<graphml ")
    assert _leftovers(tmp_path) == []


def test_frames_of_a_graph() -> None:
    G = _formula_graph()
    actors = actors_frame(G)
    assert list(actors.index) == ["a1", "a2"]
    assert list(actors.columns) == ["name", "phone", "fax", "note"]
    assert actors.loc["a2", "phone"] is None
    ties = ties_frame(G)
    assert ties.values.tolist() == [["a1", "a2", "referral", 2, "-2+3+cmd|' /C calc'!A0"]]


def test_unstorable_attribute_is_an_output_error_not_a_crash(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", tags={"x", "y"})
    for suffix in (".graphml", ".gexf"):
        with pytest.raises(OutputError, match="cannot be stored"):
            write_network(G, tmp_path / f"g{suffix}")
        assert not (tmp_path / f"g{suffix}").exists()
