"""Network figures, the analyze() pipeline and the `carenet analyze` command."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from carenet_graph.analysis.cohesion import (
    betweenness_centralization,
    degree_centralization,
    density,
    dyad_reports,
    path_figures,
)
from carenet_graph.analysis.run import ACTOR_COLUMNS, analyze
from carenet_graph.cli import cli


def multigraph() -> nx.MultiDiGraph:
    """Six actors in two sectors; a–b reported by both sides (levels 3 and 1)."""
    G = nx.MultiDiGraph()
    for v, sector in (("a", "medical"), ("b", "medical"), ("c", "medical"), ("d", "social_welfare"),
                      ("e", "social_welfare"), ("f", "social_welfare")):
        G.add_node(v, name=f"Actor {v}", type="other_organisation", sector=sector, municipality="Lemgo")
    G.add_edge("a", "b", level=3, type="consultation", direction="directed", reported_by="a")
    G.add_edge("b", "a", level=1, type="consultation", direction="directed", reported_by="b")
    G.add_edge("b", "c", level=2, type="shared_patients", direction="undirected")
    G.add_edge("c", "d", level=4, type="shared_patients", direction="undirected")
    G.add_edge("d", "e", level=2, type="information_exchange", direction="undirected")
    G.add_edge("e", "f", level=0, type="information_exchange", direction="undirected")
    return G


def test_figures_by_hand() -> None:
    star = nx.star_graph(4)
    assert degree_centralization(star) == pytest.approx(1.0)
    assert density(star) == pytest.approx(4 / 10)
    assert betweenness_centralization(pd.Series([1.0, 0, 0, 0, 0]).to_numpy()) == pytest.approx(1.0)
    path = path_figures(nx.path_graph(5))
    assert path.diameter == 4 and path.exact
    assert path.average_path_length == pytest.approx(nx.average_shortest_path_length(nx.path_graph(5)))
    assert density(nx.Graph()) is None and degree_centralization(nx.empty_graph(2)) is None


def test_sampled_average_path_length_has_standard_error() -> None:
    G = nx.connected_watts_strogatz_graph(400, 4, 0.1, seed=1)
    figures = path_figures(G, exact_paths_limit=100, samples=200, seed=2)
    assert not figures.exact and figures.sampled_sources == 200
    assert figures.standard_error is not None and figures.standard_error > 0
    truth = nx.average_shortest_path_length(G)
    assert abs(figures.average_path_length - truth) < 4 * figures.standard_error + 1e-9
    assert figures.diameter <= nx.diameter(G) <= figures.diameter_upper_bound
    assert figures.diameter == nx.diameter(G)  # the double sweep finds it on this graph


def test_dyad_reports() -> None:
    dyads = dyad_reports(multigraph())
    assert dyads is not None
    assert dyads.pairs_reported == 5
    assert dyads.pairs_both_reported == 1
    assert dyads.share_level_agreement == 0.0
    assert dyads.mean_level_difference == 2.0


def test_analyze_columns_and_values() -> None:
    G = multigraph()
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
    assert net.reciprocity == pytest.approx(2 / 6)
    assert result.groups.loc["medical", "internal_ties"] == 2
    assert result.options["exact"] is True and result.approximations == ()


def test_analyze_is_deterministic_and_handles_edge_cases() -> None:
    G = multigraph()
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


def test_cli_analyze_writes_every_table(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", *inputs, "-o", str(out), "--group-by", "municipality"])
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
    CliRunner().invoke(cli, ["analyze", *inputs, "-o", str(again), "--group-by", "municipality"])
    for name in ("actors.csv", "network.json", "groups.csv", "mixing.csv", "brokerage.csv", "analysis.xlsx"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_cli_analyze_rejects_unknown_tie_type(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path)
    result = CliRunner().invoke(cli, ["analyze", *inputs, "-o", str(tmp_path / "o"), "--tie-type", "telepathy"])
    assert result.exit_code == 2
    assert "unknown tie type 'telepathy'" in result.output


def test_cli_analyze_filters(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path)
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["analyze", *inputs, "-o", str(out), "--min-level", "3"])
    assert result.exit_code == 0, result.output
    assert "Analysed 4 actors and 2 ties" in result.output
    result = CliRunner().invoke(cli, ["analyze", *inputs, "-o", str(out), "--tie-type", "Konsil"])
    assert "Analysed 4 actors and 1 ties" in result.output
