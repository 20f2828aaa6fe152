"""Groups: the group table, mixing, the E-I test and assortativity, by hand and against networkx."""

from __future__ import annotations

import networkx as nx
import pytest

from carenet_graph.analysis.groups import assortativity, ei_test, group_table, mixing


def test_groups_hand_example() -> None:
    G = nx.Graph([("m1", "m2"), ("m1", "s1"), ("m2", "s1"), ("s1", "s2"), ("m2", "p1")])
    groups = {"m1": "medical", "m2": "medical", "s1": "social", "s2": "social", "p1": None}
    table = group_table(G, groups)
    assert table.loc["medical"].to_dict() == {"size": 2, "internal_ties": 1, "external_ties": 3,
                                              "density_within": 1.0, "ei_index": 0.5}
    assert table.loc["social", "internal_ties"] == 1 and table.loc["social", "external_ties"] == 2
    assert table.loc["", "size"] == 1  # actors without a group form the group ""
    mix = mixing(G, groups).set_index(["group", "other_group"])
    assert mix.loc[("medical", "social"), "ties"] == 2
    assert mix.loc[("medical", "social"), "density"] == pytest.approx(2 / 4)
    test = ei_test(G, groups, permutations=200, seed=3)
    # E = 3 cross-group ties, I = 2 within: (3 − 2) / 5.
    assert test.ei_index == pytest.approx(0.2)
    assert 0 < test.p_value <= 1
    assert ei_test(G, groups, permutations=200, seed=3) == test


def test_assortativity_equals_networkx() -> None:
    G = nx.planted_partition_graph(3, 10, 0.5, 0.05, seed=4)
    groups = {v: f"g{v // 10}" for v in G}
    nx.set_node_attributes(G, groups, "group")
    assert assortativity(G, groups) == pytest.approx(nx.attribute_assortativity_coefficient(G, "group"))
