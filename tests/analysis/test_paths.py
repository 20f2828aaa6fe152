"""The one-pass shortest-path kernel against igraph, networkx and exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from carenet_graph.analysis import engine, paths


def random_graph(n: int, m: int, directed: bool, seed: int) -> ig.Graph:
    rng = np.random.default_rng(seed)
    tails, heads = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = tails != heads
    g = ig.Graph(n=n, edges=list(zip(tails[keep].tolist(), heads[keep].tolist(), strict=True)), directed=directed)
    g.simplify()
    # Frey levels as strengths: distances 1, 1/2, ..., 1/5 make many equally short paths.
    g.es["distance"] = (1.0 / rng.integers(1, 6, g.ecount())).tolist()
    return g


def igraph_closeness(g: ig.Graph, mode: str) -> tuple[np.ndarray, np.ndarray]:
    n = g.vcount()
    D = np.asarray(g.distances(weights="distance", mode=mode), dtype=float)  # row u: from u ("out") or to u ("in")
    finite = np.isfinite(D) & (D > 0)
    totals = np.where(finite, D, 0).sum(axis=1)
    others = finite.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        closeness = np.where(totals > 0, others / (n - 1) * others / totals, 0.0)
        harmonic = np.where(finite, 1 / np.where(finite, D, 1), 0).sum(axis=1)
    return closeness, harmonic


@pytest.mark.parametrize(("directed", "seed"), [(False, 1), (False, 2), (True, 3), (True, 4)])
def test_one_pass_equals_igraph(directed: bool, seed: int) -> None:
    # Sparse enough to leave several components and isolates.
    g = random_graph(400, 500, directed, seed)
    n = g.vcount()
    csr = paths.csr_from_igraph(g, "distance")
    hop_csr = paths.csr_from_igraph(g, None)
    for direction in ("out", "in"):
        found = paths.exact_measures(csr, direction, hop_csr=hop_csr)
        reference = np.asarray(g.betweenness(directed=directed, weights="distance"))
        scale = (1.0 if directed else 2.0) / ((n - 1) * (n - 2))
        assert np.abs(found.betweenness - reference * scale).max() < 1e-9
        closeness, harmonic = igraph_closeness(g, direction if directed else "out")
        assert np.abs(found.closeness - closeness).max() < 1e-9
        assert np.abs(found.harmonic - harmonic).max() < 1e-9
        hops = np.asarray(g.distances(mode="out"), dtype=float)
        reached = np.isfinite(hops)
        assert found.hops is not None
        assert np.array_equal(found.hops[:, 0], np.where(reached, hops, 0).sum(axis=1))
        assert np.array_equal(found.hops[:, 1], np.where(reached, hops, 0).max(axis=1))
        assert np.array_equal(found.hops[:, 2], reached.sum(axis=1))
        far = [min(np.flatnonzero(row == row[np.isfinite(row)].max())) for row in hops]
        assert np.array_equal(found.hops[:, 3], far)
    assert found.betweenness.max() > 0 and found.closeness.max() > 0


def test_equally_long_paths_are_recognised_exactly() -> None:
    # a–x–b has length 0.1 + 0.2 = 0.30000000000000004 in floating point, a–c–b 0.15 + 0.15 = 0.3,
    # and a–y–w–b 1/5 + 1/5 = 0.4 — the first two are equally short in exact arithmetic.
    G = nx.Graph()
    for u, v, d in [("a", "x", 0.1), ("x", "b", 0.2), ("a", "c", 0.15), ("c", "b", 0.15), ("a", "y", 0.2),
                    ("y", "w", 0.2), ("w", "b", 0.2), ("b", "z", 0.1)]:
        G.add_edge(u, v, distance=d)
    assert 0.1 + 0.2 != 0.15 + 0.15
    exact = engine.exact_betweenness(G)
    found = paths.exact_measures(paths.csr_from_networkx(G, "distance"))
    for i, v in enumerate(G):
        assert found.betweenness[i] == pytest.approx(exact[v], abs=1e-12)
    # Both x and c lie on half of the a–b and a–z shortest paths.
    assert exact["x"] == pytest.approx(exact["c"]) and exact["x"] > 0
    assert Fraction(1, 10) + Fraction(2, 10) == Fraction(15, 100) * 2


def test_result_does_not_depend_on_threads_and_chunks_add_in_order() -> None:
    g = random_graph(3 * paths.CHUNK * 2, 2000, False, 7)
    csr = paths.csr_from_igraph(g, "distance")
    one = paths.source_pass(csr, np.arange(g.vcount()), squares=True, targets=True, workers=1)
    three = paths.source_pass(csr, np.arange(g.vcount()), squares=True, targets=True, workers=3)
    for a, b in [(one.delta, three.delta), (one.delta_squares, three.delta_squares), (one.targets, three.targets),
                 (one.from_source, three.from_source)]:
        assert a is not None and b is not None
        assert np.array_equal(a, b)  # bit for bit
    seen: list[tuple[int, int]] = []
    paths.source_pass(csr, np.arange(g.vcount()), workers=2, progress=lambda done, total: seen.append((done, total)))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (g.vcount(), g.vcount()) and len(seen) == -(-g.vcount() // paths.CHUNK)


def test_sampled_sources_sum_to_the_full_pass() -> None:
    g = random_graph(300, 900, True, 5)
    csr = paths.csr_from_igraph(g, "distance")
    full = paths.source_pass(csr, np.arange(300), targets=True)
    halves = [paths.source_pass(csr, np.arange(0, 150), targets=True), paths.source_pass(csr, np.arange(150, 300),
                                                                                         targets=True)]
    assert full.delta is not None and full.targets is not None
    assert np.allclose(full.delta, sum(h.delta for h in halves if h.delta is not None), rtol=1e-12)
    assert np.allclose(full.targets, sum(h.targets for h in halves if h.targets is not None), rtol=1e-12)


def test_csr_layout_is_independent_of_edge_order() -> None:
    G = nx.gnm_random_graph(50, 120, seed=3)
    nx.set_edge_attributes(G, 0.5, "distance")
    shuffled = nx.Graph()
    shuffled.add_nodes_from(G)
    edges = list(G.edges(data=True))
    np.random.default_rng(0).shuffle(edges)
    shuffled.add_edges_from((v, u, d) for u, v, d in edges)
    a, b = paths.csr_from_networkx(G, "distance"), paths.csr_from_networkx(shuffled, "distance", list(G))
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.length, b.length)


def test_empty_and_tiny_graphs() -> None:
    for n in (0, 1, 2):
        csr = paths.csr_from_arcs(n, np.zeros(0), np.zeros(0), None, False)
        found = paths.exact_measures(csr, hop_csr=csr)
        assert len(found.betweenness) == n and not found.betweenness.any() and not found.closeness.any()
    with pytest.raises(ValueError):
        paths.source_pass(None, [0])


def test_one_sample_gives_betweenness_closeness_and_path_figures() -> None:
    from carenet_graph.analysis.arrays import graph_arrays
    from carenet_graph.analysis.centrality import path_measures
    from carenet_graph.analysis.cohesion import path_figures

    G = nx.connected_watts_strogatz_graph(4000, 6, 0.1, seed=11)
    rng = np.random.default_rng(11)
    for u, v in G.edges():
        G.edges[u, v]["strength"] = float(rng.integers(1, 6))
        G.edges[u, v]["distance"] = 1 / G.edges[u, v]["strength"]
    G.add_edge(-1, -2, strength=2.0, distance=0.5)  # a small component: exact
    A = graph_arrays(G)
    exact, _ = path_measures(A, exact=True, hop_graph=A)
    sampled, notes = path_measures(A, exact=False, seed=3, hop_graph=A)
    by = {note.measure: note for note in notes}
    assert set(by) == {"betweenness", "closeness", "harmonic"}
    assert np.mean(np.abs(sampled.betweenness - exact.betweenness) <= by["betweenness"].bound) >= 0.99
    # Closeness and harmonic centrality come from the betweenness sample's own searches.
    assert sampled.hop_sources is not None and sampled.hops is not None
    assert len(sampled.hop_sources) == by["betweenness"].samples == by["closeness"].samples
    relative = np.abs(sampled.closeness - exact.closeness)[:-2] / exact.closeness[:-2]
    assert relative.max() <= 4 * by["closeness"].bound
    assert sampled.closeness[-2:] == pytest.approx(exact.closeness[-2:], abs=1e-12)
    truth = path_figures(A, hops=exact.hops)
    estimate = path_figures(A, exact_paths_limit=1000, hops=sampled.hops, hop_sources=sampled.hop_sources)
    assert truth.exact and not estimate.exact and estimate.sampled_sources == by["betweenness"].samples
    assert estimate.standard_error is not None and estimate.average_path_length is not None
    assert truth.average_path_length is not None and truth.diameter is not None
    assert abs(estimate.average_path_length - truth.average_path_length) < 4 * estimate.standard_error
    assert estimate.diameter is not None and estimate.diameter_upper_bound is not None
    assert estimate.diameter <= truth.diameter <= estimate.diameter_upper_bound


@pytest.mark.parametrize("directed", [False, True])
def test_whole_number_search_equals_the_heap_search(directed: bool) -> None:
    g = random_graph(500, 1500, directed, 21)
    csr = paths.csr_from_igraph(g, "distance")
    steps, scale, buckets = paths.whole_steps(csr.length)
    assert scale == 60 and buckets == 61 and steps.min() >= 12  # 1/1 … 1/5 → 60, 30, 20, 15, 12
    runs = [paths.source_pass(csr, np.arange(500), squares=True, targets=True, whole=whole) for whole in (True, False)]
    for name in ("delta", "delta_squares", "targets", "from_source"):
        a, b = getattr(runs[0], name), getattr(runs[1], name)
        assert np.allclose(a, b, rtol=1e-12, atol=1e-9), name
    # Not every length is 1/k for a whole k, or the common denominator is too large: the heap.
    assert paths.whole_steps(np.array([0.5, 0.15]))[1] == 0.0
    assert paths.whole_steps(1.0 / np.arange(1, 40, dtype=float))[1] == 0.0
    assert paths.whole_steps(np.ones(3))[1] == 1.0
