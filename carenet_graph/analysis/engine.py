"""The one seam to fast graph engines.

networkx is the data model and the reference definition of every measure; the heavy
algorithms run on igraph's C core (about 40× faster on betweenness and closeness); for very
large graphs betweenness is estimated from a random sample of sources with a stated error
bound (:func:`sampled_betweenness`). Results are rescaled to the networkx definitions and
checked against them in the tests.

networkit's KADABRA was measured here and not used: it ignores edge weights (it samples
hop-count shortest paths), so it estimates a different measure than betweenness on
``distance``.

OpenMP code runs many times slower on a busy 2-core machine unless held to one thread, so
the engines are imported with ``OMP_NUM_THREADS=1`` (unless the user set it) and networkit
is told to use one thread.
"""

from __future__ import annotations

import math
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
    per_actor: bool
    samples: int
    citation: str


_SHARED: dict[str, Any] = {}


def _dependencies(sources: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Σ X_s and Σ X_s² over ``sources`` for the graph in ``_SHARED`` (runs in a worker)."""
    g, weight, factor, n = _SHARED["graph"], _SHARED["weight"], _SHARED["factor"], _SHARED["n"]
    total = np.zeros(n)
    squares = np.zeros(n)
    for s in sources:
        x = np.asarray(g.betweenness(directed=g.is_directed(), weights=weight, sources=[int(s)]), dtype=float)
        x *= factor / (n - 2)
        total += x
        squares += x * x
    return total, squares


def sampled_betweenness(view: IGraphView, weight: str | None = "distance", error: float = 0.01,
                        confidence: float = 0.95, seed: int = 0, workers: int = 2,
                        first_round: int = 256) -> tuple[np.ndarray, Approximation | None]:
    """Betweenness estimated from a seeded random sample of source actors, with a bound.

    networkx's normalised betweenness is b(v) = n/(n−1) · mean_s X_s(v) over all n sources,
    where X_s(v) = δ_s(v)/(n−2) ∈ [0, 1] is the (scaled) dependency of source s on v
    (Brandes 2001). Sources are drawn without replacement in rounds of doubling size (256,
    512, ...); each round is computed exactly by igraph's single-source betweenness (on the
    same ``distance`` weights, equal-length paths recognised), and sampling stops when, for
    every actor, the empirical Bernstein bound (Maurer & Pontil 2009, Thm 4)

        |mean − μ| ≤ sqrt(2 V ln(2/δ′) / k) + 7 ln(2/δ′) / (3(k − 1)),

    scaled by n/(n−1), is at most ``error``; V is the sample variance of X_s(v), k the number
    of sources and δ′ = (1 − confidence) / R, with R the number of rounds that could be
    checked (a union bound over the checks keeps the guarantee valid despite stopping early).
    Sampling without replacement only tightens such bounds (Hoeffding 1963, §6). The guarantee
    is per actor: each actor's value lies within ±error of the exact value with probability at
    least ``confidence``. If every source gets used the result is exact and None is returned
    as the approximation.

    Work is split into fixed chunks of sources added in a fixed order, so the result does not
    depend on ``workers`` (processes, forked where the platform allows).
    """
    g = view.graph
    n = g.vcount()
    if n <= 2 or g.ecount() == 0:
        return np.zeros(n), None
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    rounds = []
    size = min(first_round, n)
    while True:
        rounds.append(size)
        if size >= n:
            break
        size = min(2 * size, n)
    delta = (1.0 - confidence) / len(rounds)
    log_term = math.log(2.0 / delta)
    factor = 1.0 if g.is_directed() else 2.0  # igraph counts an undirected pair once per source
    _SHARED.update(graph=g, weight=weight if weight is not None else None, factor=factor, n=n)
    total = np.zeros(n)
    squares = np.zeros(n)
    done = 0
    bound = math.inf
    try:
        for upto in rounds:
            chunks = [order[i:min(i + 64, upto)] for i in range(done, upto, 64)]
            for chunk_total, chunk_squares in _map(_dependencies, chunks, workers):
                total += chunk_total
                squares += chunk_squares
            done = upto
            if done >= n:
                break
            mean = total / done
            variance = np.maximum(squares - done * mean * mean, 0.0) / (done - 1)
            bound = n / (n - 1) * float(np.max(np.sqrt(2 * variance * log_term / done)
                                               + 7 * log_term / (3 * (done - 1))))
            if bound <= error:
                break
    finally:
        _SHARED.clear()
    estimate = n / (n - 1) * total / done
    if done >= n:
        return estimate, None
    return estimate, Approximation(
        method="source sampling with empirical Bernstein bound", absolute_error=bound, confidence=confidence,
        per_actor=True, samples=done,
        citation="Brandes & Pich (2007) Int. J. Bifurc. Chaos 17:2303; Maurer & Pontil (2009) COLT",
    )


def _map(function: Any, chunks: list[np.ndarray], workers: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``function`` over ``chunks`` in order, in forked worker processes when possible."""
    import multiprocessing

    if workers > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods():
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(function, chunks))
    return [function(chunk) for chunk in chunks]


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
    "Approximation", "IGraphView", "betweenness", "closeness", "communities",
    "exact_betweenness", "harmonic", "is_finite", "pagerank", "renumber", "sampled_betweenness", "to_igraph",
]
