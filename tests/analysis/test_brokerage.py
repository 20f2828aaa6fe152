"""Structural holes, brokerage, fragility and groups against published, hand-computed and
brute-force values."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import numpy as np
import pytest

from carenet_graph.analysis.brokerage import ROLES, brokerage, brokerage_counts, expected_brokerage
from carenet_graph.analysis.fragility import fragility
from carenet_graph.analysis.groups import assortativity, ei_test, group_table, mixing
from carenet_graph.analysis.holes import structural_holes

# Borgatti's example as used in networkx's tests, with the values computed there with UCINET.
BORGATTI = {("A", "B"): 2, ("A", "F"): 3, ("A", "G"): 5, ("A", "E"): 2, ("E", "G"): 8, ("F", "G"): 3,
            ("B", "G"): 4, ("B", "D"): 1, ("D", "G"): 3, ("G", "C"): 10}


def borgatti(weighted: bool) -> nx.Graph:
    G = nx.Graph()
    for (u, v), w in BORGATTI.items():
        G.add_edge(u, v, strength=w if weighted else 1)
    return G


def test_structural_holes_published_values() -> None:
    unweighted = structural_holes(borgatti(False))
    assert unweighted.loc["G", "constraint"] == pytest.approx(0.400, abs=1e-3)
    assert unweighted.loc["A", "constraint"] == pytest.approx(0.595, abs=1e-3)
    assert unweighted.loc["C", "constraint"] == pytest.approx(1.0, abs=1e-3)
    assert unweighted.loc["G", "effective_size"] == pytest.approx(4.67, abs=1e-2)
    assert unweighted.loc["A", "effective_size"] == pytest.approx(2.50, abs=1e-2)
    weighted = structural_holes(borgatti(True))
    assert weighted.loc["G", "constraint"] == pytest.approx(0.299, abs=1e-3)
    assert weighted.loc["A", "constraint"] == pytest.approx(0.795, abs=1e-3)
    assert weighted.loc["G", "effective_size"] == pytest.approx(5.47, abs=1e-2)
    assert weighted.loc["A", "effective_size"] == pytest.approx(2.47, abs=1e-2)
    assert weighted.loc["C", "effective_size"] == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_structural_holes_equal_networkx_definitions(seed: int) -> None:
    rng = random.Random(seed)
    G = nx.gnp_random_graph(40, 0.12, seed=seed)
    for u, v in G.edges():
        G[u][v]["strength"] = rng.randint(1, 5)
    G.add_node("alone")
    table = structural_holes(G)
    nodes = [v for v in G if v != "alone"]
    # networkx's per-node path is its definition (its vectorised weighted effective size
    # normalises marginal strengths by the wrong node in 3.6, so nodes are passed explicitly).
    constraint = nx.constraint(G, nodes=nodes, weight="strength")
    effective = nx.effective_size(G, nodes=nodes, weight="strength")
    for v in nodes:
        if G.degree(v):
            assert table.loc[v, "constraint"] == pytest.approx(constraint[v], abs=1e-12)
            assert table.loc[v, "effective_size"] == pytest.approx(effective[v], abs=1e-12)
    assert np.isnan(table.loc["alone"]).all()


def test_hierarchy_by_hand() -> None:
    # A star: all constraint of the centre is spread evenly, so hierarchy is 0; a leaf has
    # one contact, where hierarchy is undefined (NaN).
    G = nx.star_graph(3)
    nx.set_edge_attributes(G, 1, "strength")
    table = structural_holes(G)
    assert table.loc[0, "hierarchy"] == pytest.approx(0.0)
    assert math.isnan(table.loc[1, "hierarchy"])
    # Two contacts with local constraints c1, c2: h = Σ r ln r / (2 ln 2), r = c / (C/2).
    H = nx.Graph()
    H.add_edge("ego", "a", strength=3)
    H.add_edge("ego", "b", strength=1)
    H.add_edge("a", "b", strength=1)
    p_ea, p_eb = 3 / 4, 1 / 4
    p_ab, p_ba = 1 / 4, 1 / 2  # a's ties: ego 3, b 1; b's ties: ego 1, a 1
    c_a = (p_ea + p_eb * p_ba) ** 2
    c_b = (p_eb + p_ea * p_ab) ** 2
    total = c_a + c_b
    r = np.array([c_a, c_b]) / (total / 2)
    expected = float((r * np.log(r)).sum() / (2 * np.log(2)))
    table = structural_holes(H)
    assert table.loc["ego", "constraint"] == pytest.approx(total)
    assert table.loc["ego", "hierarchy"] == pytest.approx(expected)


def enumerate_brokerage(D: nx.DiGraph, groups: dict) -> dict:
    """Every open two-path i→j→k listed by hand-written rules (independent of the module)."""
    out = {v: dict.fromkeys(ROLES, 0) for v in D}
    for j in D:
        for i, k in itertools.permutations(D, 2):
            if j in (i, k) or not D.has_edge(i, j) or not D.has_edge(j, k) or D.has_edge(i, k):
                continue
            gi, gj, gk = groups[i], groups[j], groups[k]
            if gi == gj == gk:
                role = "coordinator"
            elif gi == gk != gj:
                role = "itinerant"
            elif gi == gj != gk:
                role = "representative"
            elif gj == gk != gi:
                role = "gatekeeper"
            else:
                role = "liaison"
            out[j][role] += 1
    return out


def test_brokerage_hand_example() -> None:
    # GP (medical) → PKD (medical) → hospice (hospice): the PKD represents medicine to hospice.
    # welfare (social) → municipality (public) → GP2 (medical): liaison.
    D = nx.DiGraph([("gp", "pkd"), ("pkd", "hospice"), ("welfare", "town"), ("town", "gp2"),
                    ("nurse", "gp3"), ("gp3", "gp4")])
    groups = {"gp": "med", "pkd": "med", "hospice": "hos", "welfare": "soc", "town": "pub", "gp2": "med",
              "nurse": "nur", "gp3": "med", "gp4": "med"}
    counts = brokerage_counts(D, groups)
    assert counts.loc["pkd"].to_dict() == {"coordinator": 0, "itinerant": 0, "representative": 1, "gatekeeper": 0,
                                           "liaison": 0, "brokerage_total": 1}
    assert counts.loc["town", "liaison"] == 1
    assert counts.loc["gp3", "gatekeeper"] == 1
    assert counts["brokerage_total"].sum() == 3


@pytest.mark.parametrize("seed", range(4))
def test_brokerage_counts_equal_enumeration(seed: int) -> None:
    D = nx.gnp_random_graph(18, 0.2, seed=seed, directed=True)
    rng = random.Random(seed)
    groups = {v: rng.choice("abc") for v in D}
    counts = brokerage_counts(D, groups)
    expected = enumerate_brokerage(D, groups)
    for v in D:
        assert {r: int(counts.loc[v, r]) for r in ROLES} == expected[v]
        assert counts.loc[v, "brokerage_total"] == sum(expected[v].values())


def test_undirected_tie_counts_as_two_arcs() -> None:
    U = nx.Graph([("a", "b"), ("b", "c")])
    groups = {"a": 1, "b": 2, "c": 1}
    # a→b→c and c→b→a: two itinerant two-paths through b.
    assert brokerage_counts(U, groups).loc["b", "itinerant"] == 2


def test_expected_brokerage_equals_enumerated_expectation() -> None:
    # Under the null model each arc exists with probability d, independently: an ordered
    # triple (i, j, k) is an open two-path with probability d²(1−d). Summing that over all
    # triples of each role must give the closed forms.
    D = nx.gnp_random_graph(12, 0.25, seed=1, directed=True)
    groups = {v: "x" if v < 5 else ("y" if v < 9 else "z") for v in D}
    n = D.number_of_nodes()
    d = D.number_of_edges() / (n * (n - 1))
    q = d * d * (1 - d)
    expected, sd = expected_brokerage(D, groups)
    for j in D:
        tally = dict.fromkeys(ROLES, 0.0)
        for i, k in itertools.permutations([v for v in D if v != j], 2):
            gi, gj, gk = groups[i], groups[j], groups[k]
            role = ("coordinator" if gi == gj == gk else "itinerant" if gi == gk != gj else
                    "representative" if gi == gj != gk else "gatekeeper" if gj == gk != gi else "liaison")
            tally[role] += q
        for role in ROLES:
            assert expected.loc[j, role] == pytest.approx(tally[role])
        assert expected.loc[j, "brokerage_total"] == pytest.approx(sum(tally.values()))
    assert (sd.to_numpy() >= 0).all()
    result = brokerage(D, groups)
    z = (result.counts.loc[0, "liaison"] - expected.loc[0, "liaison"]) / sd.loc[0, "liaison"]
    assert result.z.loc[0, "liaison"] == pytest.approx(z)


def brute_impact(G: nx.Graph) -> dict:
    def pairs(H: nx.Graph) -> int:
        return sum(len(c) * (len(c) - 1) // 2 for c in nx.connected_components(H))

    out = {}
    for v in G:
        H = G.copy()
        H.remove_node(v)
        before = pairs(G) - (len(nx.node_connected_component(G, v)) - 1)
        out[v] = (before - pairs(H)) / before if before else 0.0
    return out


@pytest.mark.parametrize("seed", range(12))
def test_fragility_equals_brute_force(seed: int) -> None:
    G = nx.gnp_random_graph(22, 0.1, seed=seed)
    result = fragility(G)
    brute = brute_impact(G)
    for v in G:
        assert result.actors.loc[v, "removal_impact"] == pytest.approx(brute[v], abs=1e-12)
    assert {v for v in G if result.actors.loc[v, "articulation_point"]} == set(nx.articulation_points(G))
    assert {frozenset(e) for e in result.bridges} == {frozenset(e) for e in nx.bridges(G)}


def test_fragility_by_hand() -> None:
    # Path a-b-c-d: removing b separates a from c, d: of the 3 pairs among a, c, d, 2 are lost.
    G = nx.path_graph(["a", "b", "c", "d"])
    table = fragility(G).actors
    assert table.loc["b", "removal_impact"] == pytest.approx(2 / 3)
    assert table.loc["a", "removal_impact"] == 0.0
    assert not table.loc["a", "articulation_point"]
    assert len(fragility(G).bridges) == 3
    empty = fragility(nx.Graph())
    assert empty.actors.empty and empty.bridges == ()


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
