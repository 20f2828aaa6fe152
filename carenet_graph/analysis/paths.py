"""Shortest-path sums from many sources in one pass, on compressed sparse rows, in threads.

:func:`source_pass` runs the compiled kernel (:mod:`carenet_graph.analysis.kernel`) from every
given source and returns what betweenness, closeness, harmonic centrality and the path figures
need (:class:`PassSums`). Sources are split into fixed chunks of :data:`CHUNK`; chunks run in
threads (the kernel releases the GIL) and their sums are added in chunk order, so the result is
the same for any number of threads, and byte-identical from run to run.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import networkx as nx
import numpy as np

#: Sources per chunk: the unit of work of a thread and of the fixed summation order.
CHUNK = 64


@dataclass(frozen=True)
class Csr:
    """A graph as compressed sparse rows: the arcs of actor i are ``indices[indptr[i]:indptr[i+1]]``
    with lengths ``length`` (an undirected tie is two arcs); ``nodes[i]`` is actor i."""

    indptr: np.ndarray
    indices: np.ndarray
    length: np.ndarray
    directed: bool

    @property
    def n(self) -> int:
        return int(self.indptr.shape[0] - 1)


def csr_from_arcs(n: int, tails: np.ndarray, heads: np.ndarray, length: np.ndarray | None, directed: bool) -> Csr:
    """CSR of ``n`` actors from arcs (tail → head); an undirected graph's ties are given once."""
    tails = np.asarray(tails, dtype=np.int64)
    heads = np.asarray(heads, dtype=np.int64)
    values = np.ones(len(tails)) if length is None else np.asarray(length, dtype=np.float64)
    if not directed:
        tails, heads = np.concatenate([tails, heads]), np.concatenate([heads, tails])
        values = np.concatenate([values, values])
    order = np.lexsort((heads, tails))  # by tail, then head: a stable, input-independent layout
    counts = np.bincount(tails, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return Csr(indptr, heads[order].astype(np.int32), values[order], directed)


def csr_from_networkx(H: nx.Graph, weight: str | None, nodes: Sequence[Hashable] | None = None) -> Csr:
    """CSR of ``H`` in the order of ``nodes`` (``H``'s node order by default); ``weight`` None = 1."""
    order = list(H.nodes) if nodes is None else list(nodes)
    index = {v: i for i, v in enumerate(order)}
    m = H.number_of_edges()
    tails = np.empty(m, dtype=np.int64)
    heads = np.empty(m, dtype=np.int64)
    length = np.ones(m)
    for k, (u, v, data) in enumerate(H.edges(data=True)):
        tails[k] = index[u]
        heads[k] = index[v]
        if weight is not None:
            length[k] = float(data.get(weight, 1.0))
    return csr_from_arcs(len(order), tails, heads, length, H.is_directed())


def csr_from_igraph(g: object, weight: str | None) -> Csr:
    """CSR of an igraph graph with the edge attribute ``weight`` as length (None = 1)."""
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)  # type: ignore[attr-defined]
    length = None if weight is None or not len(edges) else np.asarray(g.es[weight], dtype=np.float64)  # type: ignore[attr-defined]
    return csr_from_arcs(g.vcount(), edges[:, 0], edges[:, 1], length, g.is_directed())  # type: ignore[attr-defined]


#: Largest common denominator of the lengths for the whole-number search (1/1 … 1/10 give 2,520).
MAX_SCALE = 5040


def whole_steps(length: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Lengths as whole numbers when they are 1/k for whole k (Frey levels, counts, unweighted):
    (length × L, L, buckets) with L the least common multiple of the k; (empty, 0, 0) otherwise
    (or when L would exceed :data:`MAX_SCALE`), and the search uses a heap on the lengths."""
    none = (np.zeros(0, dtype=np.int64), 0.0, 0)
    if not len(length) or not np.all(length > 0):
        return none
    inverse = 1.0 / length
    whole = np.rint(inverse)
    if not np.all(np.abs(inverse - whole) <= 1e-9 * whole) or whole.max() > MAX_SCALE:
        return none
    scale = 1
    for k in np.unique(whole).astype(np.int64).tolist():
        scale = scale * k // math.gcd(scale, k)
        if scale > MAX_SCALE:
            return none
    steps = np.rint(length * scale).astype(np.int64)
    if not np.all(np.abs(length * scale - steps) <= 1e-9 * steps) or steps.min() < 1:
        return none
    return steps, float(scale), int(steps.max()) + 1


@dataclass(frozen=True)
class PassSums:
    """What :func:`source_pass` adds up (None where not asked for).

    Per actor v: ``delta`` Σ_s δ_s(v), ``delta_squares`` Σ_s δ_s(v)²; ``targets`` (5 × n) Σ_s d(s,v),
    Σ d², Σ 1/d, Σ 1/d², number of sources reaching v (s ≠ v). Per source (in the order given):
    ``from_source`` (k × 3) Σ_v d(s,v), Σ 1/d, actors reached including s; ``hops`` (k × 4) Σ hop
    distances, eccentricity in hops, actors reached, the first actor at that eccentricity.
    """

    sources: np.ndarray
    delta: np.ndarray | None
    delta_squares: np.ndarray | None
    targets: np.ndarray | None
    from_source: np.ndarray | None
    hops: np.ndarray | None


def threads() -> int:
    """Threads to use: the cores this process may run on (``CARENET_THREADS`` overrides)."""
    chosen = os.environ.get("CARENET_THREADS")
    if chosen and chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows
        return max(1, os.cpu_count() or 1)


def source_pass(csr: Csr | None, sources: Sequence[int] | np.ndarray, *, squares: bool = False,
                targets: bool = False, hop_csr: Csr | None = None, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None, whole: bool = True) -> PassSums:
    """One search per source in ``sources``: Dijkstra on ``csr`` (skipped when None) and
    breadth-first search on ``hop_csr`` (when given); ``progress(done, total)`` after each chunk.
    Lengths that are 1/k for whole k are searched as whole numbers (:func:`whole_steps`) unless
    ``whole`` is False (the tests compare both searches)."""
    from carenet_graph.analysis import kernel

    base = csr if csr is not None else hop_csr
    if base is None:
        raise ValueError("source_pass needs a graph")
    n = base.n
    chosen = np.asarray(sources, dtype=np.int64)
    k = len(chosen)
    hop = hop_csr if hop_csr is not None else base
    flags = np.array([csr is not None, squares, targets, hop_csr is not None], dtype=np.int64)
    weighted = csr if csr is not None else base
    # Whole-number lengths (the usual case) are searched with buckets instead of a heap.
    steps, scale, buckets = (whole_steps(weighted.length) if csr is not None and whole
                             else (np.zeros(0, np.int64), 0.0, 0))
    chunks = [chosen[i:i + CHUNK] for i in range(0, k, CHUNK)]
    delta = np.zeros(n) if csr is not None else None
    delta_squares = np.zeros(n) if csr is not None and squares else None
    target_sums = np.zeros((5, n)) if csr is not None and targets else None
    from_source = np.zeros((k, 3))
    hop_sums = np.zeros((k, 4), dtype=np.int64)

    def run(index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        part = chunks[index]
        d = np.zeros(n if csr is not None else 0)
        dsq = np.zeros(n if delta_squares is not None else 0)
        tsum = np.zeros((5, n) if target_sums is not None else (5, 0))
        kernel.chunk_pass(weighted.indptr, weighted.indices, weighted.length, steps, scale, buckets,
                          hop.indptr, hop.indices, part, flags,
                          d, dsq, tsum, from_source[index * CHUNK:index * CHUNK + len(part)],
                          hop_sums[index * CHUNK:index * CHUNK + len(part)])
        return d, dsq, tsum

    def add(result: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        if delta is not None:
            delta[:] += result[0]
        if delta_squares is not None:
            delta_squares[:] += result[1]
        if target_sums is not None:
            target_sums[:] += result[2]

    count = workers or threads()
    done = 0
    if count <= 1 or len(chunks) <= 1:
        for index in range(len(chunks)):
            add(run(index))
            done += len(chunks[index])
            if progress:
                progress(done, k)
    else:
        with ThreadPoolExecutor(max_workers=count) as pool:
            # A window of chunks in flight; results are added strictly in chunk order.
            pending = [pool.submit(run, index) for index in range(min(2 * count, len(chunks)))]
            for index in range(len(chunks)):
                result = pending[index].result()
                pending[index] = None  # type: ignore[call-overload]
                if index + 2 * count < len(chunks):
                    pending.append(pool.submit(run, index + 2 * count))
                add(result)
                done += len(chunks[index])
                if progress:
                    progress(done, k)
    return PassSums(chosen, delta, delta_squares, target_sums,
                    from_source if csr is not None else None, hop_sums if hop_csr is not None else None)


@dataclass(frozen=True)
class PathMeasures:
    """Betweenness (normalised as networkx), closeness (Wasserman–Faust scaling), harmonic
    centrality and, when a hop graph was given, hop sums (see :class:`PassSums`): one row per
    actor, or, when ``hop_sources`` is set (a sample), one row per actor in it."""

    betweenness: np.ndarray
    closeness: np.ndarray
    harmonic: np.ndarray
    hops: np.ndarray | None = None
    hop_sources: np.ndarray | None = None


def exact_measures(csr: Csr, direction: str = "out", hop_csr: Csr | None = None, workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None) -> PathMeasures:
    """Betweenness, closeness and harmonic centrality from one search per actor.

    * betweenness b(v) = Σ_s δ_s(v) / ((n−1)(n−2)) (networkx's ``normalized=True``, both for
      directed graphs and, with every pair counted from both ends, undirected ones); 0 if n ≤ 2;
    * closeness c(u) = ((r−1)/(n−1)) · ((r−1)/Σ_v d(u,v)), r = actors reachable including u, 0
      when nothing is reachable (networkx's ``wf_improved``);
    * harmonic h(u) = Σ_{v≠u} 1/d(u,v) (not normalised).

    In a directed graph ``direction="out"`` takes the distances from u, ``"in"`` those to u
    (networkx's convention).
    """
    n = csr.n
    if n == 0:
        empty = np.zeros((0, 4), dtype=np.int64) if hop_csr else None
        return PathMeasures(np.zeros(0), np.zeros(0), np.zeros(0), empty)
    use_targets = csr.directed and direction == "in"
    sums = source_pass(csr, np.arange(n), targets=use_targets, hop_csr=hop_csr, workers=workers, progress=progress)
    assert sums.delta is not None and sums.from_source is not None
    betweenness = sums.delta / ((n - 1) * (n - 2)) if n > 2 else np.zeros(n)
    if use_targets:
        assert sums.targets is not None
        total, inverse, others = sums.targets[0], sums.targets[2], sums.targets[4]
    else:
        total, inverse, others = sums.from_source[:, 0], sums.from_source[:, 1], sums.from_source[:, 2] - 1
    closeness = np.zeros(n)
    if n > 1:
        positive = total > 0
        closeness[positive] = others[positive] / (n - 1) * others[positive] / total[positive]
    return PathMeasures(betweenness, closeness, inverse.copy(), sums.hops)
