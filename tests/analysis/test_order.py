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
