"""The analyze() pipeline and the `carenet analyze` command."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from carenet_graph.analysis.run import ACTOR_COLUMNS, analyze
from tests.support.commands import Invoke


def test_analyze_columns_and_values(multigraph: nx.MultiDiGraph) -> None:
    G = multigraph
    before = nx.to_dict_of_dicts(G)
    result = analyze(G, permutations=50)
    assert nx.to_dict_of_dicts(G) == before  # input not mutated
    assert list(result.actors.columns) == list(ACTOR_COLUMNS)
    assert list(result.actors.index) == ["a", "b", "c", "d", "e", "f"]
    actors = result.actors
    # Collapsed undirected (max strength): a-b 3, b-c 2, c-d 4, d-e 2; e-f is level 0 → no tie.
    assert actors.loc["b", "strength"] == 5.0 and actors.loc["f", "degree"] == 0
    assert actors.loc["c", "articulation_point"] and not actors.loc["a", "articulation_point"]
    # in/out degree from the directed view: a→b and b→a reported; undirected ties both ways.
    assert actors.loc["a", "in_degree"] == 1 and actors.loc["a", "out_degree"] == 1
    # c brokers b (medical) → c (medical) → d (social): representative; d → c → b: gatekeeper.
    assert actors.loc["c", "representative"] == 1 and actors.loc["c", "gatekeeper"] == 1
    net = result.network
    assert net.actors == 6 and net.ties == 4 and net.components == 2
    assert net.largest_component_share == pytest.approx(5 / 6)
    assert net.bridges == 4 and net.articulation_points == 3
    assert net.reciprocity is None  # not applicable: every tie of the undirected view is symmetric
    assert result.groups.loc["medical", "internal_ties"] == 2
    assert result.options["exact"] is True and result.approximations == ()


def test_directed_mode_counts_arcs(multigraph: nx.MultiDiGraph) -> None:
    G = multigraph
    G.add_edge("f", "a", level=2, type="referral", direction="directed")  # one-sided arc
    result = analyze(G, mode="directed", permutations=20)
    net = result.network
    # Arcs: a→b, b→a, f→a and two per undirected tie b–c, c–d, d–e (e–f is level 0): 9.
    assert net.ties == 9 and net.density == pytest.approx(9 / (6 * 5))
    assert net.average_degree == pytest.approx(9 / 6)
    assert net.reciprocity == pytest.approx(8 / 9)
    actors = result.actors
    assert (actors.loc["a", "in_degree"], actors.loc["a", "out_degree"]) == (2, 1)
    assert (actors.loc["a", "in_strength"], actors.loc["a", "out_strength"]) == (3.0, 3.0)
    # degree and strength count partners once, on the undirected view (a–b at max(3, 1) = 3).
    assert actors.loc["a", "degree"] == 2 and actors.loc["a", "strength"] == 5.0
    assert result.options["closeness_direction"] == "out"


def test_analyze_is_deterministic_and_handles_edge_cases(multigraph: nx.MultiDiGraph) -> None:
    G = multigraph
    first = analyze(G, seed=5, permutations=50)
    second = analyze(G, seed=5, permutations=50)
    pd.testing.assert_frame_equal(first.actors, second.actors)
    assert first.network == second.network
    empty = analyze(nx.MultiDiGraph(), permutations=10)
    assert empty.actors.empty and empty.network.actors == 0
    single = nx.MultiDiGraph()
    single.add_node("x", sector="medical")
    one = analyze(single, permutations=10)
    assert one.actors.loc["x", "degree"] == 0 and one.network.components == 1


def write_inputs(folder: Path) -> list[str]:
    actors = folder / "actors.csv"
    ties = folder / "ties.csv"
    actors.write_text("id;name;type;municipality\n1;Hausarztpraxis A;Hausarzt;Lemgo\n2;PKD Lippe;PKD;Detmold\n"
                      "3;Pflegedienst B;Pflegedienst;Lemgo\n4;Sozialamt Lemgo;Sozialamt;Lemgo\n", encoding="utf-8")
    ties.write_text("source;target;type;level\n1;2;Konsil;3\n1;3;gemeinsame Patienten;4\n3;4;Informationsaustausch;2\n",
                    encoding="utf-8")
    return [str(actors), str(ties)]


def test_cli_analyze_writes_every_table(tmp_path: Path, invoke: Invoke) -> None:
    inputs = write_inputs(tmp_path)
    out = tmp_path / "out"
    result = invoke("analyze", *inputs, "-o", out, "--group-by", "municipality")
    assert result.exit_code == 0, result.output
    assert "Analysed 4 actors and 3 ties" in result.output
    for name in ("actors.csv", "network.json", "groups.csv", "mixing.csv", "brokerage.csv", "analysis.xlsx"):
        assert (out / name).stat().st_size > 0
    actors = pd.read_csv(out / "actors.csv", dtype={"id": str})
    assert list(actors.columns) == ["id", *ACTOR_COLUMNS]
    document = json.loads((out / "network.json").read_text(encoding="utf-8"))
    assert document["approximate"] is False and document["options"]["group_by"] == "municipality"
    assert document["network"]["actors"] == 4
    groups = pd.read_csv(out / "groups.csv")
    assert set(groups["group"]) == {"Lemgo", "Detmold"}
    # Byte-identical on a second run.
    again = tmp_path / "again"
    invoke("analyze", *inputs, "-o", again, "--group-by", "municipality")
    for name in ("actors.csv", "network.json", "groups.csv", "mixing.csv", "brokerage.csv", "analysis.xlsx"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_cli_analyze_rejects_unknown_tie_type(tmp_path: Path, invoke: Invoke) -> None:
    inputs = write_inputs(tmp_path)
    result = invoke("analyze", *inputs, "-o", tmp_path / "o", "--tie-type", "telepathy")
    assert result.exit_code == 2
    assert "unknown tie type 'telepathy'" in result.output


def test_cli_analyze_filters(tmp_path: Path, invoke: Invoke) -> None:
    inputs = write_inputs(tmp_path)
    out = tmp_path / "o"
    result = invoke("analyze", *inputs, "-o", out, "--min-level", "3")
    assert result.exit_code == 0, result.output
    assert "Analysed 4 actors and 2 ties" in result.output
    result = invoke("analyze", *inputs, "-o", out, "--tie-type", "Konsil")
    assert "Analysed 4 actors and 1 tie " in result.output
