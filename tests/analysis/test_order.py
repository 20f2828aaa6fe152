"""The canonical actor order: the same for any row order and any ids, up to a symmetry."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from carenet_graph.analysis.order import structural_order


def shuffled_copy(G: nx.Graph, seed: int, rename: bool) -> tuple[nx.Graph, dict[object, object]]:
    rng = random.Random(seed)
    ids = {v: (f"k{rng.randrange(10**6)}-{v}" if rename else v) for v in G}
    nodes = list(G.nodes)
    rng.shuffle(nodes)
    edges = list(G.edges(data=True))
    rng.shuffle(edges)
    H = nx.Graph()
    H.add_nodes_from(ids[v] for v in nodes)
    H.add_edges_from((ids[v], ids[u], d) if rng.random() < 0.5 else (ids[u], ids[v], d) for u, v, d in edges)
    return H, ids


@pytest.mark.parametrize("seed", range(6))
def test_orders_of_relabelled_copies_map_onto_each_other(seed: int) -> None:
    G = nx.gnp_random_graph(16, 0.25, seed=seed)
    for u, v in G.edges():
        G[u][v]["strength"] = 1 + (u * v) % 3
    labels = {v: "care" if v % 3 else "welfare" for v in G}
    H, ids = shuffled_copy(G, seed, rename=True)
    first = structural_order(G, labels, weight="strength")
    second = structural_order(H, {ids[v]: label for v, label in labels.items()}, weight="strength")
    mapping = dict(zip(first, second, strict=True))
    # position by position, the two orders pair actors related by an isomorphism that keeps labels
    assert all(H.has_edge(mapping[u], mapping[v]) for u, v in G.edges())
    assert all(labels[v] == labels[next(k for k, w in ids.items() if w == mapping[v])] for v in G)
    assert sorted(first) == sorted(G.nodes)


def test_order_is_not_simply_by_id() -> None:
    # A star: the centre comes apart from the leaves whatever its id.
    G = nx.star_graph(["z-centre", "a", "b", "c"])
    order = structural_order(G)
    assert order.index("z-centre") in (0, 3)
    assert structural_order(nx.Graph()) == []


def test_compiled_key_ranks_equal_pythons_tuple_order() -> None:
    # Keys (first, ((col, val), ...)) with equal keys, prefixes of each other, empty runs,
    # negative and equal-but-differently-placed values: the compiled merge sort must rank
    # them exactly as Python sorts the tuples.
    import numpy as np

    from carenet_graph.analysis.compiled import sequence_ranks
    from carenet_graph.analysis.order import key_ranks

    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(1, 300))
        lengths = rng.integers(0, 4, n)
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        col = rng.integers(-2, 3, int(bounds[-1]))
        val = rng.choice([-1.5, 0.0, 0.25, 1.0], int(bounds[-1]))
        first = rng.integers(0, 3, n)
        expected = key_ranks(first, bounds, col, val)  # the Python path (n < COMPILED_ACTORS)
        assert np.array_equal(sequence_ranks(first, bounds, col, val), expected)
        assert expected.max() < n and len(np.unique(expected)) == expected.max() + 1


@pytest.mark.parametrize("weight", [None, "strength"])
def test_structural_order_is_the_same_through_the_compiled_ranks(monkeypatch: pytest.MonkeyPatch,
                                                                  weight: str | None) -> None:
    # A network with more than TWINS twins (a star's spokes, isolates) and tie strengths: the
    # order must not change when the refinement and the twin classes go through compiled code.
    import carenet_graph.analysis.order as order

    G = nx.gnm_random_graph(400, 900, seed=2)
    G.add_edges_from(("hub", f"spoke{k}") for k in range(300))
    G.add_nodes_from(f"alone{k}" for k in range(20))
    rng = random.Random(2)
    for u, v in G.edges():
        G[u][v]["strength"] = rng.choice([1.0, 2.0, 3.0])
    labels = {v: str(v)[:1] for v in G}
    plain = structural_order(G, labels, weight=weight, rounds=3)
    monkeypatch.setattr(order, "COMPILED_ACTORS", 0)
    assert structural_order(G, labels, weight=weight, rounds=3) == plain
    assert sorted(map(str, plain)) == sorted(map(str, G))
