"""The one seam to fast graph engines.

networkx is the data model and the reference definition of every measure; the heavy
algorithms run on igraph's C core (about 40× faster on betweenness and closeness) and, for
very large graphs, on networkit's KADABRA sampler (betweenness with a stated error bound).
Results are rescaled to the networkx definitions and checked against them in the tests.

OpenMP code runs many times slower on a busy 2-core machine unless held to one thread, so
the engines are imported with ``OMP_NUM_THREADS=1`` (unless the user set it) and networkit
is told to use one thread.
"""

from __future__ import annotations

import os
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from carenet_graph.errors import MissingDependencyError


def _igraph() -> Any:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import igraph
    except ImportError:  # pragma: no cover - igraph is a declared dependency
        raise MissingDependencyError("python-igraph is not installed",
                                     hint="pip install igraph (it is a dependency of carenet-graph)") from None
    return igraph


@dataclass(frozen=True)
class IGraphView:
    """An igraph copy of a simple networkx graph; ``nodes[i]`` is the node of vertex i."""

    graph: Any
    nodes: tuple[Hashable, ...]


def to_igraph(H: nx.Graph, weights: Sequence[str] = ("strength", "distance")) -> IGraphView:
    """igraph copy of ``H`` (directed if ``H`` is) carrying the named edge attributes."""
    ig = _igraph()
    nodes = tuple(H.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in H.edges()]
    g = ig.Graph(n=len(nodes), edges=edges, directed=H.is_directed())
    for name in weights:
        g.es[name] = [float(d.get(name, 1.0)) for _, _, d in H.edges(data=True)]
    return IGraphView(g, nodes)


def betweenness(view: IGraphView, weight: str | None = "distance") -> np.ndarray:
    """Normalised shortest-path betweenness as networkx defines it (``normalized=True``).

    igraph compares path lengths with a tolerance, so paths whose lengths are equal only in
    exact arithmetic (1/3 + 1/3 + 1/3 and 1) count as equally short, as in the exact
    rational definition (the tests check this against :func:`exact_betweenness`).
    Normalisation: undirected 2/((n-1)(n-2)), directed 1/((n-1)(n-2)); n ≤ 2 gives zeros.
    """
    g = view.graph
    n = g.vcount()
    if n <= 2:
        return np.zeros(n)
    raw = np.asarray(g.betweenness(directed=g.is_directed(), weights=weight if g.ecount() else None), dtype=float)
    scale = (1.0 if g.is_directed() else 2.0) / ((n - 1) * (n - 2))
    return raw * scale


def closeness(view: IGraphView, weight: str | None = "distance") -> np.ndarray:
    """Closeness as ``networkx.closeness_centrality(H, distance=weight)`` (Wasserman–Faust
    scaling for disconnected graphs): ((r-1)/(n-1)) · ((r-1)/Σ d), r = actors reachable
    (including itself); 0 for isolates. For directed graphs networkx uses incoming distances."""
    g = view.graph
    n = g.vcount()
    if n <= 1:
        return np.zeros(n)
    mode = "in" if g.is_directed() else "all"
    raw = np.asarray(g.closeness(mode=mode, weights=weight if g.ecount() else None, normalized=True), dtype=float)
    reach = np.asarray(_reach_counts(g, mode), dtype=float)
    out = raw * (reach - 1) / (n - 1)
    return np.nan_to_num(out, nan=0.0)


def _reach_counts(g: Any, mode: str) -> list[int]:
    if not g.is_directed():
        membership = g.connected_components().membership
        sizes = np.bincount(membership)
        return [int(sizes[m]) for m in membership]
    return [len(g.subcomponent(v, mode=mode)) for v in range(g.vcount())]


def harmonic(view: IGraphView, weight: str | None = "distance") -> np.ndarray:
    """Harmonic centrality Σ_{v≠u} 1/d(u, v), as ``networkx.harmonic_centrality`` (not normalised)."""
    g = view.graph
    if g.vcount() == 0:
        return np.zeros(0)
    mode = "in" if g.is_directed() else "all"
    values = g.harmonic_centrality(mode=mode, weights=weight if g.ecount() else None, normalized=False)
    return np.asarray(values, dtype=float)


def pagerank(view: IGraphView, weight: str | None = "strength", damping: float = 0.85) -> np.ndarray:
    """PageRank as ``networkx.pagerank(H, alpha=damping, weight=weight)`` (dangling actors
    spread uniformly), computed exactly by PRPACK."""
    g = view.graph
    n = g.vcount()
    if n == 0:
        return np.zeros(0)
    values = g.pagerank(directed=g.is_directed(), damping=damping, weights=weight if g.ecount() else None)
    return np.asarray(values, dtype=float)


def communities(view: IGraphView, weight: str | None = "strength", seed: int = 0,
                resolution: float = 1.0) -> list[int]:
    """Leiden communities maximising modularity, seeded; numbered 0, 1, ... by decreasing
    size (ties: by the first actor in graph order), so the same input and seed give the same
    partition and numbering."""
    ig = _igraph()
    g = view.graph
    if g.vcount() == 0:
        return []
    ug = g.as_undirected(combine_edges="sum") if g.is_directed() else g
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        partition = ug.community_leiden(objective_function="modularity", weights=weight if ug.ecount() else None,
                                        resolution=resolution, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    return renumber(list(partition.membership))


def renumber(membership: Sequence[int]) -> list[int]:
    """Community labels 0.. by decreasing size, then by first appearance."""
    sizes: dict[int, int] = {}
    first: dict[int, int] = {}
    for i, label in enumerate(membership):
        sizes[label] = sizes.get(label, 0) + 1
        first.setdefault(label, i)
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    new = {old: i for i, old in enumerate(order)}
    return [new[label] for label in membership]


@dataclass(frozen=True)
class Approximation:
    """How an approximate measure was computed and how far it may be off."""

    method: str
    absolute_error: float
    confidence: float
    citation: str


def approximate_betweenness(view: IGraphView, weight: str | None = "distance", error: float = 0.01,
                            confidence: float = 0.95, seed: int = 0) -> tuple[np.ndarray, Approximation]:
    """KADABRA adaptive-sampling betweenness (networkit), rescaled to networkx normalisation.

    KADABRA guarantees ``|b̃(v) − b(v)| ≤ ε`` for all v at once with probability ``1 − δ``,
    where b is betweenness normalised by n(n−1). networkx's normalisation for undirected graphs
    divides by (n−1)(n−2)/2 pairs, i.e. ``b_nx = b · n / (n − 2)``, so the stated bound is
    ``ε · n / (n − 2)``. The graph is handed over with the *distances* as edge weights
    (networkit's shortest paths use whatever weights the graph carries).

    Borassi M., Natale E. (2019) KADABRA is an ADaptive Algorithm for Betweenness via Random
    Approximation. ACM J. Exp. Algorithmics 24.
    """
    try:
        import networkit as nk
    except ImportError:
        raise MissingDependencyError(
            "approximate betweenness needs networkit", hint="pip install networkit, or use --exact") from None
    nk.engineering.setNumberOfThreads(1)
    nk.setSeed(seed, False)
    g = view.graph
    n = g.vcount()
    G = nk.Graph(n, weighted=weight is not None, directed=g.is_directed())
    weights = g.es[weight] if weight is not None and g.ecount() else None
    for i, (u, v) in enumerate(g.get_edgelist()):
        if weights is None:
            G.addEdge(u, v)
        else:
            G.addEdge(u, v, float(weights[i]))
    algorithm = nk.centrality.KadabraBetweenness(G, error, 1.0 - confidence)
    algorithm.run()
    scores = np.asarray(algorithm.scores(), dtype=float)
    factor = n / (n - 2) if n > 2 else 0.0
    bound = error * factor
    return scores * factor, Approximation(
        method="KADABRA (networkit)", absolute_error=bound, confidence=confidence,
        citation="Borassi & Natale (2019) ACM J. Exp. Algorithmics 24",
    )


def exact_betweenness(H: nx.Graph, weight: str = "distance") -> dict[Hashable, float]:
    """Reference betweenness with exact rational distances (slow; for tests and small graphs).

    Brandes' algorithm with ``fractions.Fraction`` path lengths, so equal-length paths are
    recognised exactly; normalised as networkx does. Edge weights are converted with
    ``Fraction(value).limit_denominator(10**6)`` (1/3 stored as a float becomes exactly 1/3).
    """
    import heapq
    from fractions import Fraction

    nodes = list(H.nodes)
    n = len(nodes)
    bc: dict[Hashable, Fraction] = dict.fromkeys(nodes, Fraction(0))
    succ = H.succ if H.is_directed() else H.adj
    for s in nodes:
        dist: dict[Hashable, Fraction] = {}
        sigma: dict[Hashable, int] = dict.fromkeys(nodes, 0)
        preds: dict[Hashable, list[Hashable]] = {v: [] for v in nodes}
        order: list[Hashable] = []
        seen = {s: Fraction(0)}
        sigma[s] = 1
        counter = 0
        heap: list[tuple[Fraction, int, Hashable, Hashable]] = [(Fraction(0), counter, s, s)]
        while heap:
            d, _, pred, v = heapq.heappop(heap)
            if v in dist:
                if d == dist[v]:
                    sigma[v] += sigma[pred]
                    preds[v].append(pred)
                continue
            dist[v] = d
            order.append(v)
            if pred != v:
                sigma[v] += sigma[pred]
                preds[v].append(pred)
            for w, data in succ[v].items():
                length = d + Fraction(data.get(weight, 1)).limit_denominator(10**6)
                if w not in dist and (w not in seen or length <= seen[w]):
                    seen[w] = length
                    counter += 1
                    heapq.heappush(heap, (length, counter, v, w))
        delta: dict[Hashable, Fraction] = dict.fromkeys(nodes, Fraction(0))
        for w in reversed(order):
            for v in preds[w]:
                delta[v] += Fraction(sigma[v], sigma[w]) * (1 + delta[w])
            if w != s:
                bc[w] += delta[w]
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    # Undirected: every unordered pair was counted from both ends, which networkx's
    # normalisation 1/((n-1)(n-2)) assumes (it equals 2/((n-1)(n-2)) per unordered pair).
    scale = Fraction(1, (n - 1) * (n - 2))
    return {v: float(bc[v] * scale) for v in nodes}


def is_finite(values: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(values)))


__all__ = [
    "Approximation", "IGraphView", "approximate_betweenness", "betweenness", "closeness", "communities",
    "exact_betweenness", "harmonic", "is_finite", "pagerank", "renumber", "to_igraph",
]
