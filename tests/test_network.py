"""Tests for carenet_graph.network: the lossless multigraph and its collapsed views.

The collapse tests use one hand-built five-actor graph; every expected strength, distance,
report count and type list below is worked out by hand from the edge list in ``_reports``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
import xlsxwriter

from carenet_graph.network import EDGE_ATTRIBUTES, NODE_ATTRIBUTES, build_graph, collapse, tie_strength
from carenet_graph.read.load import read_network, to_graph


# -- build_graph ----------------------------------------------------------------------------
def _workbook(path: Path) -> None:
    """Actors and ties sheets, each with a title row above its header (so rows are not 1-based + 1)."""
    workbook = xlsxwriter.Workbook(str(path))
    actors = workbook.add_worksheet("Akteure")
    actor_rows = [
        ["Netzwerk Lippe – Akteure"],
        [],
        ["ID", "Name", "Typ", "Gemeinde", "PLZ", "lat", "lon", "Träger"],
        ["a1", "Hospiz Lemgo", "Hospiz", "Lemgo", "32657", "52,0277", "8,9043", "Verein"],
        ["a2", "Pflegedienst Müller", "Ambulanter Pflegedienst", "Detmold", "01067", "51.9387", "8.8792"],
        ["a3", "Apotheke am Markt", "Apotheke"],
    ]
    for r, row in enumerate(actor_rows):
        for c, value in enumerate(row):
            actors.write_string(r, c, value)
    ties = workbook.add_worksheet("Zusammenarbeit")
    tie_rows = [
        ["Wer arbeitet mit wem?"],
        ["Von", "Nach", "Art der Zusammenarbeit", "Stufe", "Gewicht", "Angegeben von", "Bemerkung"],
        ["a1", "a2", "Überweisung", "3", "", "a1", ""],
        ["a1", "a2", "Überweisung", "4", "", "a2", "zweite Meldung"],
        ["a2", "a3", "gemeinsame Patienten", "", "2,5", "", ""],
    ]
    for r, row in enumerate(tie_rows):
        for c, value in enumerate(row):
            ties.write_string(r, c, value)
    workbook.close()


@pytest.fixture
def built(tmp_path: Path) -> tuple[nx.MultiDiGraph, Path]:
    path = tmp_path / "netzwerk.xlsx"
    _workbook(path)
    return to_graph(read_network([path])), path


def test_graph_attributes_name_the_sources_and_tables(built: tuple[nx.MultiDiGraph, Path]) -> None:
    G, path = built
    assert G.graph == {
        "name": "netzwerk",
        "sources": [str(path)],
        "tables": [f"{path} › Akteure", f"{path} › Zusammenarbeit"],
        "vocabulary_version": "0.1.0",
    }


def test_nodes_carry_attributes_and_no_empty_values(built: tuple[nx.MultiDiGraph, Path]) -> None:
    G, _ = built
    assert list(G.nodes) == ["a1", "a2", "a3"]
    assert dict(G.nodes["a1"]) == {
        "name": "Hospiz Lemgo", "type": "inpatient_hospice", "sector": "hospice", "municipality": "Lemgo",
        "postcode": "32657", "lat": 52.0277, "lon": 8.9043, "ownership": "Verein", "table": 0, "row": 4,
    }
    assert dict(G.nodes["a3"]) == {"name": "Apotheke am Markt", "type": "pharmacy", "sector": "pharmacy_therapy",
                                   "table": 0, "row": 6}
    assert G.nodes["a2"]["postcode"] == "01067"
    assert type(G.nodes["a2"]["lat"]) is float and G.nodes["a2"]["lat"] == 51.9387
    assert type(G.nodes["a1"]["row"]) is int
    assert set(G.nodes["a1"]) - {"ownership"} <= set(NODE_ATTRIBUTES)


def test_one_edge_per_reported_tie_with_provenance(built: tuple[nx.MultiDiGraph, Path]) -> None:
    G, path = built
    edges = list(G.edges(keys=True, data=True))
    assert [(u, v, k) for u, v, k, _ in edges] == [("a1", "a2", 0), ("a1", "a2", 1), ("a2", "a3", 0)]
    assert edges[0][3] == {"type": "referral", "level": 3, "direction": "directed", "reported_by": "a1",
                           "table": 1, "row": 3}
    assert edges[1][3] == {"type": "referral", "level": 4, "direction": "directed", "reported_by": "a2",
                           "notes": "zweite Meldung", "table": 1, "row": 4}
    assert edges[2][3] == {"type": "shared_patients", "weight": 2.5, "direction": "undirected",
                           "table": 1, "row": 5}
    for _, _, _, data in edges:
        assert G.graph["tables"][data["table"]] == f"{path} › Zusammenarbeit"
        assert set(data) - {"notes"} <= set(EDGE_ATTRIBUTES)
        assert all(value is not None for value in data.values())
    assert type(edges[0][3]["level"]) is int


def test_provenance_points_back_to_the_right_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "akteure.csv").write_text("id;name\nx;X\ny;Y\n", encoding="utf-8")
    (tmp_path / "ties_2024.csv").write_text("source;target\n\nx;y\n", encoding="utf-8")
    G = to_graph(read_network([tmp_path / "akteure.csv", tmp_path / "ties_2024.csv"]))
    ((_, _, data),) = G.edges(data=True)
    assert G.graph["tables"][data["table"]] == str(tmp_path / "ties_2024.csv")
    assert data["row"] == 3  # the blank line 2 still counts, as in the file
    assert G.graph["tables"][G.nodes["y"]["table"]] == str(tmp_path / "akteure.csv")
    assert G.nodes["y"]["row"] == 3


def test_build_graph_from_plain_frames_leaves_out_missing_values() -> None:
    import pandas as pd

    actors = pd.DataFrame({"name": ["A", None], "lat": [51.5, float("nan")]}, index=pd.Index(["a", "b"], name="id"))
    ties = pd.DataFrame({"source": ["a"], "target": ["b"], "level": pd.array([pd.NA], dtype="Int64"),
                         "weight": [float("nan")], "type": ["referral"]})
    G = build_graph(actors, ties, name="x")
    assert dict(G.nodes["a"]) == {"name": "A", "lat": 51.5}
    assert dict(G.nodes["b"]) == {}
    assert list(G.edges(data=True)) == [("a", "b", {"type": "referral"})]
    assert G.graph == {"name": "x", "sources": [], "tables": [], "vocabulary_version": ""}


def test_actors_without_ties_are_nodes(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,name\nx,X\n", encoding="utf-8")
    G = to_graph(read_network([tmp_path / "a.csv"]), name="Lippe 2024")
    assert list(G.nodes) == ["x"] and G.number_of_edges() == 0
    assert G.graph["name"] == "Lippe 2024"


# -- tie_strength ---------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "expected"), [
    ({"level": 3, "weight": 9.0}, 3.0),
    ({"weight": 2.5}, 2.5),
    ({}, 1.0),
    ({"level": 0}, 0.0),
])
def test_tie_strength_is_level_else_weight_else_one(data: dict[str, Any], expected: float) -> None:
    assert tie_strength(data) == expected


# -- collapse -------------------------------------------------------------------------------
def _reports() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="hand", sources=["x.csv"], tables=["x.csv"], vocabulary_version="0.1.0")
    for n in "ABCDE":
        G.add_node(n, name=f"Actor {n}", type="pharmacy")
    G.add_edge("A", "B", type="referral", level=3, direction="directed", reported_by="A")
    G.add_edge("B", "A", type="referral", level=5, direction="directed", reported_by="B")
    G.add_edge("A", "C", type="shared_patients", level=2, direction="undirected", reported_by="A")
    G.add_edge("C", "A", type="information_exchange", weight=4.0, direction="undirected", reported_by="C")
    G.add_edge("B", "D", type="shared_patients", direction="undirected", reported_by="B")
    G.add_edge("D", "E", type="referral", level=0, direction="directed", reported_by="D")
    G.add_edge("C", "D", type="consultation", level=4, direction="mutual", reported_by="C")
    G.add_edge("E", "B", type="information_exchange", level=1, direction="undirected")
    return G


def _edges(H: nx.Graph) -> dict[tuple[str, str], tuple[float, float, int, str]]:
    out = {}
    for u, v, d in H.edges(data=True):
        key = (u, v) if H.is_directed() else tuple(sorted((u, v)))
        out[key] = (d["strength"], d["distance"], d["reports"], d["types"])
    return out  # type: ignore[return-value]


def test_collapse_undirected_max() -> None:
    H = collapse(_reports())
    assert type(H) is nx.Graph
    assert _edges(H) == {
        ("A", "B"): (5.0, 0.2, 2, "referral"),
        ("A", "C"): (4.0, 0.25, 2, "information_exchange;shared_patients"),
        ("B", "D"): (1.0, 1.0, 1, "shared_patients"),
        ("C", "D"): (4.0, 0.25, 1, "consultation"),
        ("B", "E"): (1.0, 1.0, 1, "information_exchange"),
    }
    # Level 0 ("no interaction") is no tie, but both actors stay in the graph.
    assert not H.has_edge("D", "E")
    assert sorted(H.nodes) == ["A", "B", "C", "D", "E"]
    assert H.nodes["E"] == {"name": "Actor E", "type": "pharmacy"}
    assert H.graph["collapsed"] == {"mode": "undirected", "tie_types": None, "min_level": None, "combine": "max"}
    assert H.graph["name"] == "hand"


def test_collapse_undirected_sum() -> None:
    assert _edges(collapse(_reports(), combine="sum")) == {
        ("A", "B"): (8.0, 0.125, 2, "referral"),
        ("A", "C"): (6.0, 1 / 6, 2, "information_exchange;shared_patients"),
        ("B", "D"): (1.0, 1.0, 1, "shared_patients"),
        ("C", "D"): (4.0, 0.25, 1, "consultation"),
        ("B", "E"): (1.0, 1.0, 1, "information_exchange"),
    }


def test_collapse_undirected_mean() -> None:
    assert _edges(collapse(_reports(), combine="mean")) == {
        ("A", "B"): (4.0, 0.25, 2, "referral"),
        ("A", "C"): (3.0, 1 / 3, 2, "information_exchange;shared_patients"),
        ("B", "D"): (1.0, 1.0, 1, "shared_patients"),
        ("C", "D"): (4.0, 0.25, 1, "consultation"),
        ("B", "E"): (1.0, 1.0, 1, "information_exchange"),
    }


def test_collapse_directed_keeps_arcs_and_doubles_symmetric_ties() -> None:
    H = collapse(_reports(), mode="directed")
    assert type(H) is nx.DiGraph
    assert _edges(H) == {
        ("A", "B"): (3.0, 1 / 3, 1, "referral"),
        ("B", "A"): (5.0, 0.2, 1, "referral"),
        ("A", "C"): (4.0, 0.25, 2, "information_exchange;shared_patients"),
        ("C", "A"): (4.0, 0.25, 2, "information_exchange;shared_patients"),
        ("B", "D"): (1.0, 1.0, 1, "shared_patients"),
        ("D", "B"): (1.0, 1.0, 1, "shared_patients"),
        ("C", "D"): (4.0, 0.25, 1, "consultation"),
        ("D", "C"): (4.0, 0.25, 1, "consultation"),
        ("E", "B"): (1.0, 1.0, 1, "information_exchange"),
        ("B", "E"): (1.0, 1.0, 1, "information_exchange"),
    }


def test_collapse_directed_sum_adds_reports_per_arc() -> None:
    edges = _edges(collapse(_reports(), mode="directed", combine="sum"))
    assert edges[("A", "B")][:3] == (3.0, 1 / 3, 1)
    assert edges[("C", "A")][:3] == (6.0, 1 / 6, 2)


def test_collapse_mutual_keeps_pairs_reported_from_both_sides() -> None:
    H = collapse(_reports(), mode="mutual")
    assert type(H) is nx.Graph
    # B–D, C–D were reported by one side only; E–B by E (the source, no reported_by) only.
    assert _edges(H) == {
        ("A", "B"): (5.0, 0.2, 2, "referral"),
        ("A", "C"): (4.0, 0.25, 2, "information_exchange;shared_patients"),
    }
    assert H.number_of_nodes() == 5


@pytest.mark.parametrize(("combine", "ab", "ac"), [
    ("sum", (8.0, 0.125, 2, "referral"), (6.0, 1 / 6, 2, "information_exchange;shared_patients")),
    ("mean", (4.0, 0.25, 2, "referral"), (3.0, 1 / 3, 2, "information_exchange;shared_patients")),
])
def test_collapse_mutual_combines_both_sides(combine: str, ab: tuple[float, float, int, str],
                                             ac: tuple[float, float, int, str]) -> None:
    assert _edges(collapse(_reports(), mode="mutual", combine=combine)) == {  # type: ignore[arg-type]
        ("A", "B"): ab, ("A", "C"): ac}


def test_collapse_mutual_uses_the_source_when_reported_by_is_empty() -> None:
    G = nx.MultiDiGraph()
    G.add_edge("x", "y", level=2)
    G.add_edge("y", "x", level=3)
    G.add_edge("x", "z", level=2, reported_by="x")
    G.add_edge("x", "z", level=2, reported_by="q")
    assert _edges(collapse(G, mode="mutual")) == {("x", "y"): (3.0, 1 / 3, 2, "")}


def test_collapse_tie_types_filter() -> None:
    expected = {("A", "B"): (5.0, 0.2, 2, "referral")}
    assert _edges(collapse(_reports(), tie_types=["referral"])) == expected
    assert _edges(collapse(_reports(), tie_types="referral")) == expected
    assert _edges(collapse(_reports(), tie_types=[])) == {}
    H = collapse(_reports(), tie_types={"consultation", "shared_patients"})
    assert set(_edges(H)) == {("A", "C"), ("B", "D"), ("C", "D")}
    assert _edges(H)[("A", "C")] == (2.0, 0.5, 1, "shared_patients")
    assert H.graph["collapsed"]["tie_types"] == ["consultation", "shared_patients"]


def test_collapse_min_level_keeps_ties_without_a_level() -> None:
    assert _edges(collapse(_reports(), min_level=3)) == {
        ("A", "B"): (5.0, 0.2, 2, "referral"),
        ("A", "C"): (4.0, 0.25, 1, "information_exchange"),  # weight-only report kept
        ("B", "D"): (1.0, 1.0, 1, "shared_patients"),  # no level, no weight: strength 1, kept
        ("C", "D"): (4.0, 0.25, 1, "consultation"),
    }
    assert _edges(collapse(_reports(), min_level=5)) == {
        ("A", "B"): (5.0, 0.2, 1, "referral"),
        ("A", "C"): (4.0, 0.25, 1, "information_exchange"),
        ("B", "D"): (1.0, 1.0, 1, "shared_patients"),
    }


def test_collapse_does_not_change_its_input() -> None:
    G = _reports()
    before = copy.deepcopy(G)
    for mode in ("undirected", "directed", "mutual"):
        for combine in ("max", "sum", "mean"):
            H = collapse(G, mode=mode, combine=combine, min_level=1)  # type: ignore[arg-type]
            H.graph["tables"].append("changed")
            H.nodes["A"]["name"] = "changed"
    assert G.graph == before.graph
    assert list(G.nodes(data=True)) == list(before.nodes(data=True))
    assert list(G.edges(keys=True, data=True)) == list(before.edges(keys=True, data=True))


def test_collapse_of_a_loaded_network(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,name\na1,A\na2,B\na3,C\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("source,target,type,level,reported_by\n"
                                    "a1,a2,referral,3,a1\na2,a1,referral,2,a2\na2,a3,referral,0,a2\n",
                                    encoding="utf-8")
    G = to_graph(read_network([tmp_path / "a.csv", tmp_path / "t.csv"]))
    assert _edges(collapse(G, mode="mutual", combine="mean")) == {("a1", "a2"): (2.5, 0.4, 2, "referral")}
    assert _edges(collapse(G, mode="directed")) == {("a1", "a2"): (3.0, 1 / 3, 1, "referral"),
                                                     ("a2", "a1"): (2.0, 0.5, 1, "referral")}


@pytest.mark.parametrize(("options", "message"), [
    ({"mode": "both"}, "mode must be 'undirected', 'directed' or 'mutual', not 'both'"),
    ({"combine": "min"}, "combine must be 'max', 'sum' or 'mean', not 'min'"),
])
def test_collapse_rejects_unknown_options(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as info:
        collapse(_reports(), **options)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_build_graph_equals_networkx_add_edges_from() -> None:
    import random

    from carenet_graph.network import build_graph

    rng = random.Random(3)
    ids = [f"a{i}" for i in range(12)]
    actors = pd.DataFrame({"name": [f"Actor {i}" for i in range(12)]}, index=pd.Index(ids, name="id"))
    rows = [(rng.choice(ids), rng.choice(ids), rng.choice([None, 1, 2, 3])) for _ in range(80)]
    rows = [r for r in rows if r[0] != r[1]]
    ties = pd.DataFrame({"source": [r[0] for r in rows], "target": [r[1] for r in rows],
                         "level": pd.array([r[2] for r in rows], dtype="Int64"), "weight": [None] * len(rows)})
    G = build_graph(actors, ties)
    R = nx.MultiDiGraph()
    R.graph.update(G.graph)
    R.add_nodes_from((i, {"name": n}) for i, n in zip(ids, actors["name"], strict=True))
    R.add_edges_from((s, t, {} if level is None else {"level": level}) for s, t, level in rows)
    assert nx.utils.graphs_equal(G, R)
    assert list(G.edges(keys=True, data=True)) == list(R.edges(keys=True, data=True))
    assert list(G.in_edges(keys=True, data=True)) == list(R.in_edges(keys=True, data=True))
