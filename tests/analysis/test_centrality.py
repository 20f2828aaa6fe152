"""Centrality measures against independent values: hand-computed graphs, networkx, and the
exact rational-distance betweenness."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from carenet_graph.analysis import engine
from carenet_graph.analysis.centrality import arc_table, centrality_table, eigenvector


def weighted(G: nx.Graph, seed: int, equal: bool = False) -> nx.Graph:
    rng = random.Random(seed)
    for u, v in G.edges():
        s = 1 if equal else rng.randint(1, 5)
        G[u][v]["strength"] = s
        G[u][v]["distance"] = 1 / s
    return G


def random_graphs() -> list[nx.Graph]:
    graphs = []
    for seed in range(4):
        G = weighted(nx.gnp_random_graph(45, 0.09, seed=seed), seed)
        G.add_nodes_from(["isolate-a", "isolate-b"])
        G.add_edge("pair-a", "pair-b", strength=2, distance=0.5)
        graphs.append(G)
    graphs.append(weighted(nx.connected_watts_strogatz_graph(40, 4, 0.2, seed=5), 5, equal=True))
    return graphs


@pytest.mark.parametrize("G", random_graphs())
def test_heavy_measures_equal_networkx_definitions(G: nx.Graph) -> None:
    table, approximations = centrality_table(G)
    assert approximations == []
    exact = engine.exact_betweenness(G)
    closeness = nx.closeness_centrality(G, distance="distance")
    harmonic = nx.harmonic_centrality(G, distance="distance")
    pagerank = nx.pagerank(G, weight="strength", tol=1e-14, max_iter=10000)
    for v in G:
        assert table.loc[v, "betweenness"] == pytest.approx(exact[v], abs=1e-9)
        assert table.loc[v, "closeness"] == pytest.approx(closeness[v], abs=1e-9)
        assert table.loc[v, "harmonic"] == pytest.approx(harmonic[v], abs=1e-9)
        assert table.loc[v, "pagerank"] == pytest.approx(pagerank[v], abs=1e-9)
        assert table.loc[v, "degree"] == G.degree(v)
        assert table.loc[v, "strength"] == pytest.approx(G.degree(v, weight="strength"))


def test_unweighted_betweenness_equals_networkx() -> None:
    G = weighted(nx.gnp_random_graph(60, 0.07, seed=11), 0, equal=True)
    table, _ = centrality_table(G)
    expected = nx.betweenness_centrality(G, weight="distance", normalized=True)
    assert max(abs(table.loc[v, "betweenness"] - expected[v]) for v in G) < 1e-12


def test_equal_length_paths_are_recognised_exactly() -> None:
    # From s to t: via y over two level-1 ties (1 + 1 = 2) or via x, a, b over one level-1
    # and three level-3 ties (1 + 1/3 + 1/3 + 1/3 = 2). Both are shortest in exact
    # arithmetic, but in floating point the second sums to 1.9999999999999998.
    assert 1.0 + 1 / 3 + 1 / 3 + 1 / 3 != 2.0
    G = nx.Graph()
    for u, v, s in (("s", "y", 1), ("y", "t", 1), ("s", "x", 1), ("x", "a", 3), ("a", "b", 3), ("b", "t", 3)):
        G.add_edge(u, v, strength=s, distance=1 / s)
    n = G.number_of_nodes()
    # y lies only on the pair (s, t), on one of its two shortest paths: share 1/2.
    hand = 0.5 * 2 / ((n - 1) * (n - 2))
    exact = engine.exact_betweenness(G)
    assert exact["y"] == pytest.approx(hand, abs=1e-15)
    table, _ = centrality_table(G)
    assert table.loc["y", "betweenness"] == pytest.approx(hand, abs=1e-12)
    for v in G:
        assert table.loc[v, "betweenness"] == pytest.approx(exact[v], abs=1e-12)


def test_star_hand_computed() -> None:
    G = nx.star_graph(4)  # centre 0, leaves 1..4
    weighted(G, 0, equal=True)
    table, _ = centrality_table(G)
    assert table.loc[0, "betweenness"] == pytest.approx(1.0)
    assert table.loc[1, "betweenness"] == pytest.approx(0.0)
    assert table.loc[0, "closeness"] == pytest.approx(1.0)
    assert table.loc[1, "closeness"] == pytest.approx(4 / (1 + 2 * 3))
    assert table.loc[0, "harmonic"] == pytest.approx(4.0)
    assert table.loc[1, "harmonic"] == pytest.approx(1 + 3 / 2)
    assert table["pagerank"].sum() == pytest.approx(1.0)


def test_eigenvector_connected_equals_networkx() -> None:
    G = weighted(nx.connected_watts_strogatz_graph(50, 4, 0.3, seed=3), 3)
    expected = nx.eigenvector_centrality_numpy(G, weight="strength")
    values = eigenvector(G)
    for v in G:
        assert values[v] == pytest.approx(expected[v], abs=1e-9)


def test_eigenvector_disconnected_is_per_component() -> None:
    G = nx.Graph()
    nx.add_path(G, ["a", "b", "c"])            # 3 actors
    G.add_edge("x", "y")                       # 2 actors
    G.add_node("alone")                        # 1 actor
    nx.set_edge_attributes(G, 1, "strength")
    values = eigenvector(G)
    n = 6
    # Path a-b-c: principal eigenvector (1, √2, 1)/2, scaled to norm √(3/6).
    assert values["b"] == pytest.approx(np.sqrt(2) / 2 * np.sqrt(3 / n))
    assert values["a"] == pytest.approx(0.5 * np.sqrt(3 / n))
    assert values["x"] == pytest.approx(values["y"]) == pytest.approx(np.sqrt(1 / 2) * np.sqrt(2 / n))
    assert values["alone"] == 0.0
    # Norm² adds up the component shares |C|/n of every actor that is not alone.
    assert float(np.linalg.norm(values.to_numpy())) == pytest.approx(np.sqrt(5 / 6))


@pytest.mark.parametrize("G", [nx.Graph(), nx.empty_graph(1), nx.empty_graph(3)])
def test_edge_cases_do_not_crash(G: nx.Graph) -> None:
    table, _ = centrality_table(G)
    assert len(table) == G.number_of_nodes()
    assert (table[["betweenness", "closeness", "harmonic", "eigenvector"]].to_numpy() == 0).all()
    if len(G):
        assert table["pagerank"].sum() == pytest.approx(1.0)


def undirected_max(D: nx.DiGraph) -> nx.Graph:
    """The undirected view of a directed graph: a pair's strength is the larger of its arcs'."""
    U = nx.Graph()
    U.add_nodes_from(D)
    for u, v, data in D.edges(data=True):
        strength = max(data["strength"], U[u][v]["strength"]) if U.has_edge(u, v) else data["strength"]
        U.add_edge(u, v, strength=strength, distance=1 / strength)
    return U


def test_directed_graph_measures_equal_networkx() -> None:
    D = nx.gnp_random_graph(40, 0.08, seed=4, directed=True)
    weighted(D, 4)
    U = undirected_max(D)
    out_table, _ = centrality_table(D, U)
    in_table, _ = centrality_table(D, U, closeness_direction="in")
    exact = engine.exact_betweenness(D)
    # networkx uses incoming distances; sna and UCINET (our default) outgoing = networkx on D reversed.
    closeness_in = nx.closeness_centrality(D, distance="distance")
    closeness_out = nx.closeness_centrality(D.reverse(), distance="distance")
    harmonic_in = nx.harmonic_centrality(D, distance="distance")
    harmonic_out = nx.harmonic_centrality(D.reverse(), distance="distance")
    assert max(abs(closeness_in[v] - closeness_out[v]) for v in D) > 0.01  # the two conventions differ here
    for v in D:
        assert out_table.loc[v, "betweenness"] == pytest.approx(exact[v], abs=1e-9)
        assert out_table.loc[v, "closeness"] == pytest.approx(closeness_out[v], abs=1e-9)
        assert in_table.loc[v, "closeness"] == pytest.approx(closeness_in[v], abs=1e-9)
        assert out_table.loc[v, "harmonic"] == pytest.approx(harmonic_out[v], abs=1e-9)
        assert in_table.loc[v, "harmonic"] == pytest.approx(harmonic_in[v], abs=1e-9)
        assert out_table.loc[v, "degree"] == U.degree(v)
        assert out_table.loc[v, "strength"] == pytest.approx(U.degree(v, weight="strength"))
    arcs = arc_table(D)
    for v in D:
        assert (arcs.loc[v, "in_degree"], arcs.loc[v, "out_degree"]) == (D.in_degree(v), D.out_degree(v))
        assert arcs.loc[v, "in_strength"] == pytest.approx(D.in_degree(v, weight="strength"))
        assert arcs.loc[v, "out_strength"] == pytest.approx(D.out_degree(v, weight="strength"))
    with pytest.raises(ValueError, match="undirected"):
        eigenvector(D)


def test_sampled_betweenness_within_stated_bound() -> None:
    G = weighted(nx.connected_watts_strogatz_graph(2000, 6, 0.1, seed=9), 9)
    view = engine.to_igraph(G)
    exact = engine.betweenness(view)
    estimate, info = engine.sampled_betweenness(view, error=0.01, seed=1, first_round=128)
    assert info is not None and info.per_actor and info.confidence == 0.95
    assert (info.measure, info.bound_kind) == ("betweenness", "absolute error")
    assert 128 <= info.samples < 2000 and info.bound <= 0.01
    assert info.distribution_free_bound is not None and info.distribution_free_bound > info.bound
    errors = np.abs(estimate - exact)
    # Per-actor 95 % intervals: nearly every actor lies within the widest of them.
    assert np.mean(errors <= info.bound) >= 0.99
    # The estimate is of betweenness on distances, not of hop-count betweenness.
    hops = engine.betweenness(view, weight=None)
    assert errors.max() < np.abs(estimate - hops).max() / 2
    # Same seed, same result, whatever the number of worker processes.
    again, _ = engine.sampled_betweenness(view, error=0.01, seed=1, first_round=128, workers=1)
    assert np.array_equal(estimate, again)


def test_distribution_free_bound_holds_for_every_actor() -> None:
    G = weighted(nx.connected_watts_strogatz_graph(2000, 6, 0.1, seed=9), 9)
    view = engine.to_igraph(G)
    exact = engine.betweenness(view)
    estimate, info = engine.sampled_betweenness(view, error=0.05, seed=2, first_round=128, guarantee="bernstein")
    assert info is not None and info.method == "source sampling, empirical Bernstein bound"
    assert info.bound <= 0.05 and info.bound == info.distribution_free_bound
    assert np.abs(estimate - exact).max() <= info.bound
    with pytest.raises(ValueError):
        engine.sampled_betweenness(view, guarantee="hope")


def test_sampled_betweenness_uses_every_source_when_it_must() -> None:
    G = weighted(nx.gnp_random_graph(30, 0.2, seed=3), 3)
    view = engine.to_igraph(G)
    estimate, info = engine.sampled_betweenness(view, error=1e-9, seed=0, first_round=8)
    assert info is None
    assert np.allclose(estimate, engine.betweenness(view), atol=1e-12)


def test_communities_are_seeded_and_numbered_by_size() -> None:
    G = nx.planted_partition_graph(3, 15, 0.6, 0.02, seed=2)
    nx.set_edge_attributes(G, 1.0, "strength")
    view = engine.to_igraph(G, weights=("strength",))
    first = engine.communities(view, seed=7)
    assert first == engine.communities(view, seed=7)
    sizes = np.bincount(first)
    assert list(sizes) == sorted(sizes, reverse=True)
    assert engine.renumber([5, 5, 9, 9, 9, 1]) == [1, 1, 0, 0, 0, 2]



def test_communities_run_two_leiden_iterations_above_the_large_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # 10 iterations up to LEIDEN_LARGE actors, igraph's default of 2 above: each count gives
    # exactly what igraph gives for it with the same seed (and the two differ on this network).
    import igraph as ig

    G = nx.gnm_random_graph(400, 900, seed=4)
    rng = random.Random(4)
    for u, v in G.edges():
        G[u][v]["strength"] = rng.choice([0.2, 0.4, 0.6, 0.8, 1.0])
    view = engine.to_igraph(G, weights=("strength",))

    def direct(iterations: int) -> list[int]:
        ig.set_random_number_generator(random.Random(3))
        try:
            found = view.graph.community_leiden(objective_function="modularity", weights="strength",
                                                n_iterations=iterations)
        finally:
            ig.set_random_number_generator(random)
        return engine.renumber(list(found.membership))

    assert engine.communities(view, seed=3) == direct(10)
    monkeypatch.setattr(engine, "LEIDEN_LARGE", G.number_of_nodes() - 1)
    assert engine.communities(view, seed=3) == direct(2)
    assert direct(2) != direct(10)

def exact_closeness_harmonic(G: nx.Graph) -> tuple[dict[object, float], dict[object, float]]:
    """networkx's closeness (Wasserman–Faust scaling) and harmonic centrality on ``distance``,
    computed with igraph's C Dijkstra (an implementation independent of the sampled code, and
    about 100 times faster than networkx's pure Python at 1,500 actors)."""
    import igraph as ig

    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges()])
    graph.es["distance"] = [d["distance"] for _, _, d in G.edges(data=True)]
    n = len(nodes)
    lengths = np.array(graph.distances(weights="distance"))
    reachable = np.isfinite(lengths) & (lengths > 0)
    totals = np.where(reachable, lengths, 0.0).sum(axis=1)
    inverse = np.where(reachable, 1.0 / np.where(reachable, lengths, 1.0), 0.0).sum(axis=1)
    reached = reachable.sum(axis=1) + 1  # the actor itself
    closeness = {v: float((reached[i] - 1) ** 2 / totals[i] / (n - 1)) if totals[i] > 0 else 0.0
                 for i, v in enumerate(nodes)}
    harmonic = {v: float(inverse[i]) for i, v in enumerate(nodes)}
    return closeness, harmonic


def test_exact_reference_equals_networkx_on_sampled_actors() -> None:
    # The fast reference of the next test agrees with networkx's own definitions.
    G = weighted(nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=2), 2)
    G.add_edge("p", "q", strength=2, distance=0.5)
    G.add_node("alone")
    closeness, harmonic = exact_closeness_harmonic(G)
    for v in [*list(G)[:: 37], "p", "alone"]:
        assert closeness[v] == pytest.approx(nx.closeness_centrality(G, u=v, distance="distance"), abs=1e-12)
        assert harmonic[v] == pytest.approx(nx.harmonic_centrality(G, nbunch=[v], distance="distance")[v],
                                            abs=1e-9)


def test_sampled_closeness_and_harmonic_close_to_exact() -> None:
    G = weighted(nx.connected_watts_strogatz_graph(1500, 6, 0.1, seed=2), 2)
    G.add_edge("p", "q", strength=2, distance=0.5)  # a small component: computed exactly
    G.add_node("alone")
    closeness, harmonic, info = engine.sampled_closeness_harmonic(G, sources=300, seed=4, exact_limit=100)
    exact_c, exact_h = exact_closeness_harmonic(G)
    nodes = list(G)
    rel_c = max(abs(closeness[i] - exact_c[v]) / exact_c[v] for i, v in enumerate(nodes) if exact_c[v] > 0)
    rel_h = max(abs(harmonic[i] - exact_h[v]) / exact_h[v] for i, v in enumerate(nodes) if exact_h[v] > 0)
    assert {a.measure for a in info} == {"closeness", "harmonic"}
    by_measure = {a.measure: a for a in info}
    assert by_measure["closeness"].samples == 300
    # Every actor within four of the largest relative standard errors reported.
    assert rel_c <= 4 * by_measure["closeness"].bound
    assert rel_h <= 4 * by_measure["harmonic"].bound
    i, j, alone = nodes.index("p"), nodes.index("q"), nodes.index("alone")
    assert closeness[i] == pytest.approx(exact_c["p"]) and harmonic[j] == pytest.approx(exact_h["q"])
    assert closeness[alone] == 0.0 and harmonic[alone] == 0.0
    exact_only = engine.sampled_closeness_harmonic(G, sources=300, seed=4, exact_limit=5000)
    assert exact_only[2] == []
    assert max(abs(exact_only[0][k] - exact_c[v]) for k, v in enumerate(nodes)) < 1e-9
    assert max(abs(exact_only[1][k] - exact_h[v]) for k, v in enumerate(nodes)) < 1e-9


@pytest.mark.parametrize("seed", range(3))
def test_clustering_and_cores_equal_networkx(seed: int) -> None:
    G = nx.gnp_random_graph(80, 0.08, seed=seed)
    G.add_nodes_from(["alone", "pair-a"])
    G.add_edge("pair-a", "pair-b")
    view = engine.to_igraph(G, weights=())
    transitivity, average = engine.clustering(view)
    assert transitivity == pytest.approx(nx.transitivity(G), abs=1e-12)
    assert average == pytest.approx(nx.average_clustering(G), abs=1e-12)
    cores = nx.core_number(G)
    assert engine.core_numbers(view) == [cores[v] for v in G]
    assert engine.clustering(engine.to_igraph(nx.Graph(), weights=())) == (0.0, 0.0)


def test_eigenvector_of_a_large_component_is_the_same_bits_every_time() -> None:
    # Components above 200 actors go to ARPACK, whose default start vector is random: the
    # same input gave different last digits from run to run until the start was fixed.
    G = nx.barabasi_albert_graph(3000, 3, seed=1)
    rng = random.Random(1)
    for u, v in G.edges():
        G[u][v]["strength"] = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0])
    first = eigenvector(G).to_numpy()
    assert all(np.array_equal(first, eigenvector(G).to_numpy()) for _ in range(3))
    assert np.isclose(np.linalg.norm(first), 1.0)
