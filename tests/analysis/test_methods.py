"""The methods table is one: the README shows it, network.json carries it for the mode used."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from carenet_graph.analysis.methods import METHODS, methods_document, methods_markdown
from carenet_graph.analysis.run import ACTOR_COLUMNS, analyze, network_document

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_the_methods_table() -> None:
    table = methods_markdown()
    assert table in README.read_text(encoding="utf-8")
    for line in table.splitlines()[2:]:
        assert line.count("|") == 8, line  # a stray "|" in a cell would break the table


def test_every_actor_measure_is_described() -> None:
    described = {name.strip() for m in METHODS for name in m.measure.replace(" roles", "").split(",")}
    measures = set(ACTOR_COLUMNS) - {"name", "type", "sector", "municipality"}
    roles = {"coordinator", "itinerant", "gatekeeper", "representative", "liaison", "brokerage_total"}
    assert measures - roles - described == set()


def test_network_json_states_the_methods_of_the_mode(multigraph: nx.MultiDiGraph) -> None:
    directed = network_document(analyze(multigraph, mode="directed", permutations=10))["methods"]
    undirected = network_document(analyze(multigraph, permutations=10))["methods"]
    assert directed == methods_document("directed") and undirected == methods_document("undirected")
    assert directed["reciprocity"]["graph"] == "D" and undirected["reciprocity"]["graph"] == "not applicable"
