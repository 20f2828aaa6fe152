"""Structural holes (constraint, effective size, hierarchy) against published values, networkx's
definitions and a hand computation."""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pytest

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


def test_compiled_row_sums_add_in_numpys_order() -> None:
    # The hierarchy's per-actor sums at scale come from one compiled loop that must add each
    # run as numpy's sum does (pairwise above 8 and 128 values), to the bit.
    from carenet_graph.analysis.compiled import row_sums

    rng = np.random.default_rng(0)
    lengths = rng.integers(0, 3000, 600)
    lengths[:6] = [0, 1, 7, 129, 4096, 70_000]
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    values = rng.random(int(indptr[-1])) * 10 ** rng.uniform(-8, 8, int(indptr[-1]))
    expected = np.array([values[indptr[i]:indptr[i + 1]].sum() for i in range(len(lengths))])
    assert np.array_equal(row_sums(values, indptr), expected)
    assert not np.array_equal(row_sums(values, indptr), np.add.reduceat(values, indptr[:-1]))


def test_hierarchy_is_the_same_through_the_compiled_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    import carenet_graph.analysis.holes as holes

    G = nx.powerlaw_cluster_graph(600, 4, 0.4, seed=3)
    rng = random.Random(3)
    for u, v in G.edges():
        G[u][v]["strength"] = rng.choice([1.0, 2.0, 5.0])
    plain = holes.structural_holes(G)["hierarchy"].to_numpy()
    monkeypatch.setattr(holes, "COMPILED_ACTORS", 0)
    compiled = holes.structural_holes(G)["hierarchy"].to_numpy()
    assert np.array_equal(plain, compiled, equal_nan=True) and np.isfinite(plain).sum() > 500
