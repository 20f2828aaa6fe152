"""Hubs (issue 12): no step grows with the square of one actor's degree.

Fast tests check that the triangle-based structural holes, the combinatorial brokerage counts
and the twin-reduced canonical order give what the plain definitions give — structural holes
to the last bit against the sparse-matrix formulation they replace — on seeded random graphs,
directed and undirected, weighted. The slow test runs ``carenet analyze`` on a star of 100,000
spokes under 4 GB of address space and checks the hub's figures against their closed forms.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from carenet_graph.analysis import order
from carenet_graph.analysis.brokerage import ROLES, brokerage_counts
from carenet_graph.analysis.holes import structural_holes
from carenet_graph.analysis.order import structural_order
from carenet_graph.analysis.triads import triangles
from tests.analysis.test_brokerage import enumerate_brokerage
from tests.analysis.test_order import shuffled_copy
from tests.support.bounded import run_bounded
from tests.support.stars import HUB, spoke_sectors


def matrix_structural_holes(H: nx.Graph, weight: str = "strength") -> pd.DataFrame:
    """The sparse-matrix formulation used before issue 12 (P·P and P·Mᵀ hold every two-path)."""
    nodes = list(H.nodes)
    W = sp.csr_matrix(nx.to_scipy_sparse_array(H, nodelist=nodes, weight=weight, format="csr").astype(float))
    if H.is_directed():
        W = sp.csr_matrix(W + W.T)
    W.setdiag(0)
    W.eliminate_zeros()
    totals = np.asarray(W.sum(axis=1)).ravel()
    maxima = W.max(axis=1).toarray().ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        P = sp.csr_matrix(sp.diags(np.where(totals > 0, 1.0 / totals, 0.0)) @ W)
        M = sp.csr_matrix(sp.diags(np.where(maxima > 0, 1.0 / maxima, 0.0)) @ W)
    pattern = P.copy()
    pattern.data = np.ones_like(pattern.data)
    local = sp.csr_matrix((P + sp.csr_matrix(sp.csr_matrix(P @ P).multiply(pattern))).multiply(pattern))
    local.data = local.data ** 2
    constraint = np.asarray(local.sum(axis=1)).ravel()
    redundancy = sp.csr_matrix(sp.csr_matrix(P @ M.T).multiply(pattern))
    degree = np.diff(W.indptr)
    effective = degree - np.asarray(redundancy.sum(axis=1)).ravel()
    isolated = degree == 0
    return pd.DataFrame({"constraint": np.where(isolated, np.nan, constraint),
                         "effective_size": np.where(isolated, np.nan, effective).astype(float)}, index=nodes)


def random_graph(seed: int, directed: bool) -> nx.Graph:
    rng = random.Random(seed)
    n = rng.randint(1, 50)
    G = nx.gnp_random_graph(n, rng.choice([0.03, 0.1, 0.3, 0.7]), seed=seed, directed=directed)
    for u, v in G.edges():
        G[u][v]["strength"] = rng.choice([1, 2, 3, 4, 5, 0.01 + 5 * rng.random()])
    if n > 3:
        hub = n  # a hub tied to most actors, with triangles through it
        for v in range(n):
            if rng.random() < 0.8:
                ends = (hub, v) if rng.random() < 0.5 or not directed else (v, hub)
                G.add_edge(*ends, strength=2)
    if seed % 4 == 0:
        G.add_node("alone")
        G.add_edge(0, 0, strength=3)
    return G


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(40))
def test_structural_holes_equal_the_matrix_formulation_to_the_last_bit(seed: int, directed: bool) -> None:
    G = random_graph(seed, directed)
    table = structural_holes(G)
    reference = matrix_structural_holes(G)
    for column in ("constraint", "effective_size"):
        assert np.array_equal(table[column].to_numpy(), reference[column].to_numpy(), equal_nan=True), column


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(25))
def test_brokerage_counts_equal_the_enumerated_two_paths(seed: int, directed: bool) -> None:
    rng = random.Random(seed)
    G = random_graph(seed, directed)
    G.remove_edges_from(nx.selfloop_edges(G))
    labels = rng.choice([["x"], ["x", "y"], ["a", "b", "c", "d"]])
    groups = {v: rng.choice(labels) for v in G}
    counts = brokerage_counts(G, groups)
    D = G if directed else G.to_directed()
    expected = enumerate_brokerage(D, groups)
    for v in G:
        assert {role: int(counts.loc[v, role]) for role in ROLES} == expected[v]
    assert (counts["brokerage_total"] == counts[list(ROLES)].sum(axis=1)).all()


def test_brokerage_of_a_star_has_its_closed_form() -> None:
    k = 2000
    star = nx.star_graph(k)
    sectors = ["medical", "nursing", "welfare", "pharmacy"]
    groups = {0: "pharmacy", **{i: sectors[(i - 1) % 4] for i in range(1, k + 1)}}
    hub = brokerage_counts(star, groups).loc[0]
    a = {s: sum(1 for i in range(1, k + 1) if groups[i] == s) for s in sectors}
    own, others = a["pharmacy"], [a[s] for s in sectors if s != "pharmacy"]
    assert hub["coordinator"] == own * (own - 1)
    assert hub["representative"] == hub["gatekeeper"] == own * (k - own)
    assert hub["itinerant"] == sum(x * (x - 1) for x in others)
    assert hub["liaison"] == sum(x * (k - own - x) for x in others)
    assert hub["brokerage_total"] == k * (k - 1)


@pytest.mark.parametrize("seed", range(10))
def test_triangles_are_listed_once_each(seed: int) -> None:
    G = nx.gnp_random_graph(40, 0.2 + 0.05 * seed, seed=seed)
    G.add_edges_from((99, v) for v in range(0, 40, 2))
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    rows = np.array([index[u] for u, v in G.edges()] + [index[v] for u, v in G.edges()])
    cols = np.array([index[v] for u, v in G.edges()] + [index[u] for u, v in G.edges()])
    found = sorted(tuple(sorted(map(int, t))) for t in zip(*triangles(rows, cols, len(nodes)), strict=True))
    expected = sorted(tuple(sorted(index[v] for v in c)) for c in nx.enumerate_all_cliques(G) if len(c) == 3)
    assert found == expected


@pytest.mark.parametrize("seed", range(6))
def test_twin_reduced_orders_of_relabelled_copies_map_onto_each_other(seed: int, monkeypatch) -> None:
    monkeypatch.setattr(order, "TWINS", 1)
    G = nx.gnp_random_graph(14, 0.25, seed=seed)
    G.add_edges_from((100 + h, 200 + 10 * h + j) for h in range(3) for j in range(4 + h))  # stars: twins
    G.add_edges_from([(100, 0), (101, 100), (102, 5)])
    G.add_nodes_from(["i1", "i2", "i3"])  # isolates: twins too
    for u, v in G.edges():
        G[u][v]["strength"] = 1 + (len(str(u)) + len(str(v))) % 3
    labels = {v: "care" if len(str(v)) % 2 else "welfare" for v in G}
    H, ids = shuffled_copy(G, seed, rename=True)
    first = structural_order(G, labels, weight="strength")
    second = structural_order(H, {ids[v]: label for v, label in labels.items()}, weight="strength")
    mapping = dict(zip(first, second, strict=True))
    back = {w: v for v, w in ids.items()}
    assert all(H.has_edge(mapping[u], mapping[v]) for u, v in G.edges())
    assert all(labels[v] == labels[back[mapping[v]]] for v in G)
    assert sorted(map(str, first)) == sorted(map(str, G.nodes))


def test_a_star_is_ordered_without_visiting_pairs_of_spokes() -> None:
    star = nx.star_graph(50_000)
    result = structural_order(star)
    assert sorted(result) == list(range(50_001)) and result.index(0) in (0, 50_000)


@pytest.mark.slow
def test_analyze_a_star_of_100000_spokes(star_files: tuple[Path, Path], tmp_path: Path) -> None:
    k = 100_000
    result = run_bounded("analyze", *star_files, "-o", tmp_path / "out", timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    with (tmp_path / "out" / "actors.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == k + 1
    top = max(rows, key=lambda r: int(r["degree"]))
    assert top["id"] == "H" and int(top["degree"]) == k
    hub = top
    a = spoke_sectors(k)
    own = a[HUB[1]]
    others = [count for sector, count in a.items() if sector != HUB[1]]
    assert int(hub["coordinator"]) == own * (own - 1)
    assert int(hub["representative"]) == int(hub["gatekeeper"]) == own * (k - own)
    assert int(hub["itinerant"]) == sum(x * (x - 1) for x in others)
    assert int(hub["liaison"]) == sum(x * (k - own - x) for x in others)
    assert int(hub["brokerage_total"]) == k * (k - 1)
    assert float(hub["constraint"]) == pytest.approx(1 / k)
    assert float(hub["effective_size"]) == pytest.approx(k)
    spoke = next(r for r in rows if r["id"] == "S000000")
    assert float(spoke["constraint"]) == pytest.approx(1.0) and int(spoke["brokerage_total"]) == 0
    network = json.loads((tmp_path / "out" / "network.json").read_text(encoding="utf-8"))["network"]
    assert network["actors"] == k + 1 and network["ties"] == k and network["bridges"] == k
