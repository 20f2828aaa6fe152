"""The one seam to fast graph engines.

networkx is the data model and the reference definition of every measure; the heavy
algorithms run on igraph's C core (about 40× faster on betweenness and closeness); for very
large graphs betweenness is estimated from a random sample of sources with a stated error
bound (:func:`sampled_betweenness`). Results are rescaled to the networkx definitions and
checked against them in the tests.

networkit's KADABRA was measured here and not used: it ignores edge weights (it samples
hop-count shortest paths), so it estimates a different measure than betweenness on
``distance``.

Longer than 400 lines on purpose: every call into igraph and SciPy goes through this one
module (DESIGN.md: "heavy algorithms go through one seam"), so that a faster engine or an
approximation can replace them in one place and the tests check them against networkx here.

OpenMP code runs many times slower on a busy 2-core machine unless held to one thread, so
igraph is imported with ``OMP_NUM_THREADS=1`` (unless the user set it); parallel work is done
in worker processes instead (:func:`sampled_betweenness`).
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

import networkx as nx
import numpy as np

from carenet_graph.analysis import paths
from carenet_graph.errors import OptionError


def load_igraph() -> Any:
    # Imported on first use: OMP_NUM_THREADS only takes effect if it is set before igraph loads.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import igraph

    return igraph


@dataclass(frozen=True)
class IGraphView:
    """An igraph copy of a simple networkx graph; ``nodes[i]`` is the node of vertex i."""

    graph: Any
    nodes: tuple[Hashable, ...]


def to_igraph(H: nx.Graph, weights: Sequence[str] = ("strength", "distance")) -> IGraphView:
    """igraph copy of ``H`` (directed if ``H`` is) carrying the named edge attributes."""
    ig = load_igraph()
    nodes = tuple(H.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in H.edges()]
    g = ig.Graph(n=len(nodes), edges=edges, directed=H.is_directed())
    for name in weights:
        g.es[name] = [float(d.get(name, 1.0)) for _, _, d in H.edges(data=True)]
    return IGraphView(g, nodes)


def betweenness(view: IGraphView, weight: str | None = "distance") -> np.ndarray:
    """Normalised shortest-path betweenness as networkx defines it (``normalized=True``).

    Computed by the compiled one-pass kernel (:func:`carenet_graph.analysis.paths.exact_measures`),
    which compares path lengths with igraph's relative tolerance, so paths whose lengths are
    equal only in exact arithmetic (1/3 + 1/3 + 1/3 and 1) count as equally short, as in the
    exact rational definition (the tests check this against :func:`exact_betweenness` and igraph).
    Normalisation: Σ_s δ_s(v) / ((n-1)(n-2)), every pair of an undirected graph counted from
    both ends; n ≤ 2 gives zeros. ``weight`` None counts steps.
    """
    return paths.exact_measures(view_csr(view, weight)).betweenness


def view_csr(view: IGraphView, weight: str | None) -> paths.Csr:
    """The CSR arrays of an igraph view with ``weight`` as length (1 without ties or weight)."""
    g = view.graph
    return paths.csr_from_igraph(g, weight if g.ecount() else None)


def closeness(view: IGraphView, weight: str | None = "distance", direction: str = "in") -> np.ndarray:
    """Closeness as ``networkx.closeness_centrality(H, distance=weight)`` (Wasserman–Faust
    scaling for disconnected graphs): ((r-1)/(n-1)) · ((r-1)/Σ d), r = actors reachable
    (including itself); 0 for isolates. In a directed graph ``direction="in"`` uses the distances
    *to* the actor (networkx's convention), ``"out"`` the distances *from* it (sna's and UCINET's
    default), which equals networkx on the reversed graph. One kernel pass (:mod:`.paths`)."""
    _direction(view.graph, direction)
    return paths.exact_measures(view_csr(view, weight), direction).closeness


def igraph_path_measures(view: IGraphView, direction: str = "out") -> paths.PathMeasures:
    """Betweenness, closeness and harmonic centrality on ``distance`` from igraph's C functions, as
    :func:`carenet_graph.analysis.paths.exact_measures` defines them (the tests check the two
    against each other). For small networks: igraph answers at once, where the compiled kernel
    would first take about a second to load. Betweenness: igraph counts an undirected pair once,
    hence the factor 2 in 2/((n−1)(n−2)); closeness: igraph's (r−1)/Σd times (r−1)/(n−1)."""
    g = view.graph
    n = g.vcount()
    weight = "distance" if g.ecount() else None
    if n <= 1:
        return paths.PathMeasures(np.zeros(n), np.zeros(n), np.zeros(n))
    mode = _direction(g, direction)
    raw = np.asarray(g.betweenness(directed=g.is_directed(), weights=weight), dtype=float)
    betweenness = raw * (1.0 if g.is_directed() else 2.0) / ((n - 1) * (n - 2)) if n > 2 else np.zeros(n)
    inverse_mean = np.asarray(g.closeness(mode=mode, weights=weight, normalized=True), dtype=float)
    if g.is_directed():
        reach = np.array([len(g.subcomponent(v, mode=mode)) for v in range(n)], dtype=float)
    else:
        membership = g.connected_components().membership
        reach = np.bincount(membership)[membership].astype(float)
    closeness = np.nan_to_num(inverse_mean * (reach - 1) / (n - 1), nan=0.0)
    harmonic = np.asarray(g.harmonic_centrality(mode=mode, weights=weight, normalized=False), dtype=float)
    return paths.PathMeasures(betweenness, closeness, harmonic)


def _direction(g: Any, direction: str) -> str:
    """igraph's ``mode`` for distances to (``"in"``) or from (``"out"``) an actor; "all" if undirected."""
    if direction not in ("in", "out"):
        raise OptionError(f"closeness direction must be 'in' or 'out', not {direction!r}",
                          key="option.closeness_direction", values={"direction": repr(direction)})
    return direction if g.is_directed() else "all"


def harmonic(view: IGraphView, weight: str | None = "distance", direction: str = "in") -> np.ndarray:
    """Harmonic centrality Σ_{v≠u} 1/d(v, u), as ``networkx.harmonic_centrality`` (not normalised).

    In a directed graph ``direction="in"`` sums over distances *to* the actor (networkx's
    convention), ``"out"`` over distances *from* it (sna's and UCINET's default for closeness).
    """
    _direction(view.graph, direction)
    return paths.exact_measures(view_csr(view, weight), direction).harmonic


def pagerank(view: IGraphView, weight: str | None = "strength", damping: float = 0.85) -> np.ndarray:
    """PageRank as ``networkx.pagerank(H, alpha=damping, weight=weight)`` (dangling actors
    spread uniformly), computed exactly by PRPACK."""
    g = view.graph
    n = g.vcount()
    if n == 0:
        return np.zeros(0)
    values = g.pagerank(directed=g.is_directed(), damping=damping, weights=weight if g.ecount() else None)
    return np.asarray(values, dtype=float)


def clustering(view: IGraphView) -> tuple[float, float]:
    """(transitivity, average clustering) of the undirected, unweighted graph, as networkx's
    ``transitivity`` (3 × triangles / connected triples; 0 without triples) and
    ``average_clustering`` (mean local clustering, actors with < 2 partners counting 0)."""
    g = view.graph
    if g.vcount() == 0:
        return 0.0, 0.0
    ug = g.as_undirected() if g.is_directed() else g
    transitivity = ug.transitivity_undirected()
    average = ug.transitivity_avglocal_undirected(mode="zero")
    return (0.0 if transitivity != transitivity else float(transitivity)), float(average)


def core_numbers(view: IGraphView) -> list[int]:
    """k-core number of every actor, as ``networkx.core_number`` (undirected, unweighted)."""
    g = view.graph
    return list(g.coreness(mode="all")) if g.vcount() else []


#: Leiden iterations, and the number of actors above which igraph's default of 2 is used.
LEIDEN_ITERATIONS, LEIDEN_LARGE = 10, 100_000


def communities(view: IGraphView, weight: str | None = "strength", seed: int = 0,
                resolution: float = 1.0) -> list[int]:
    """Leiden communities maximising modularity, seeded; numbered 0, 1, ... by decreasing
    size (ties: by the first actor in graph order), so the same input and seed give the same
    partition and numbering.

    igraph runs every iteration it is asked for (it does not stop when one changes nothing):
    :data:`LEIDEN_ITERATIONS`, and above :data:`LEIDEN_LARGE` actors igraph's default of 2.
    Measured on a 10^5-actor network: 2 iterations reach modularity 0.7896 in a third of the
    time 10 take to reach 0.7899 (Traag, Waltman & van Eck 2019, Sci. Rep. 9:5233)."""
    ig = load_igraph()
    g = view.graph
    if g.vcount() == 0:
        return []
    ug = g.as_undirected(combine_edges="sum") if g.is_directed() else g
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        partition = ug.community_leiden(objective_function="modularity", weights=weight if ug.ecount() else None,
                                        resolution=resolution,
                                        n_iterations=LEIDEN_ITERATIONS if g.vcount() <= LEIDEN_LARGE else 2)
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
    """How an approximate measure was computed and how far it may be off.

    ``bound_kind`` says what ``bound`` is: ``"absolute error"`` (a guarantee holding with
    probability ``confidence`` for each actor when ``per_actor``) or ``"relative standard
    error"`` (the largest over actors; no guarantee, a statistical precision).
    """

    measure: str
    method: str
    bound: float
    bound_kind: str
    confidence: float | None
    per_actor: bool
    samples: int
    citation: str
    distribution_free_bound: float | None = None


def sampled_betweenness(view: IGraphView, weight: str | None = "distance", error: float = 0.01,
                        confidence: float = 0.95, seed: int = 0, workers: int | None = None, first_round: int = 512,
                        guarantee: str = "normal", csr: paths.Csr | None = None
                        ) -> tuple[np.ndarray, Approximation | None]:
    """Betweenness estimated from a seeded random sample of source actors, with its precision:
    :func:`sampled_paths` (formula, stopping rule, bounds and citations there) without its other sums."""
    estimate, approximation, _ = sampled_paths(view, weight, error=error, confidence=confidence, seed=seed,
                                               workers=workers, first_round=first_round, guarantee=guarantee, csr=csr)
    return estimate, approximation


@dataclass(frozen=True)
class SampleSums:
    """What the sampled sources gave besides betweenness: the sources (in the order drawn), and,
    when asked for, the target sums (5 × n, :class:`~carenet_graph.analysis.paths.PassSums`) and
    the hop rows of each source."""

    sources: np.ndarray
    targets: np.ndarray | None
    hops: np.ndarray | None


def sampled_paths(view: IGraphView, weight: str | None = "distance", error: float = 0.01,
                  confidence: float = 0.95, seed: int = 0, workers: int | None = None, first_round: int = 512,
                  guarantee: str = "normal", csr: paths.Csr | None = None, targets: bool = False,
                  hop_csr: paths.Csr | None = None) -> tuple[np.ndarray, Approximation | None, SampleSums]:
    """Betweenness estimated from a seeded random sample of source actors, with its precision.

    networkx's normalised betweenness is b(v) = n/(n−1) · mean_s X_s(v) over all n sources,
    where X_s(v) = δ_s(v)/(n−2) ∈ [0, 1] is the scaled dependency of source s on v (Brandes
    2001; Brandes & Pich 2007). Sources are drawn without replacement in rounds of doubling
    size (512, 1024, ...); each source's dependencies are computed exactly on the same
    ``distance`` weights (equal-length paths recognised). Sampling
    stops when, for every actor, the half-width of its interval is at most ``error``:

    * ``guarantee="normal"``: the normal-approximation confidence interval
      z · sd(X(v)) / sqrt(k) · sqrt(1 − k/n) (finite-population correction);
    * ``guarantee="bernstein"``: the distribution-free empirical Bernstein bound (Maurer &
      Pontil 2009, Thm 4) sqrt(2 V ln(2/δ′)/k) + 7 ln(2/δ′)/(3(k − 1)), δ′ = (1 − confidence)/R
      over the R rounds that could be checked (valid despite stopping early; sampling without
      replacement only tightens it, Hoeffding 1963 §6). It needs roughly four times as many
      sources at 10^5 actors.

    Both are per actor (each actor's value within ±bound with the stated confidence), scaled
    by n/(n−1). The distribution-free bound at the final sample is reported either way. If
    every source gets used the result is exact and None is returned as the approximation.

    Each round runs the compiled kernel (:func:`carenet_graph.analysis.paths.source_pass`) in
    ``workers`` threads (None: every core) over fixed chunks of sources added in a fixed order,
    so the result does not depend on ``workers``. ``csr`` may hand in the view's arrays (with
    ``weight`` as length) when they exist already. The same searches give, with ``targets``,
    the distance sums at every actor (for closeness and harmonic centrality) and, with
    ``hop_csr``, a breadth-first search from each source in that graph (path figures), returned
    in the :class:`SampleSums`.
    """
    if guarantee not in ("normal", "bernstein"):
        raise ValueError(f"guarantee must be 'normal' or 'bernstein', not {guarantee!r}")
    csr = csr if csr is not None else view_csr(view, weight)
    n = csr.n
    if n <= 2 or not len(csr.indices):
        return np.zeros(n), None, SampleSums(np.zeros(0, dtype=np.int64), None, None)
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    rounds = []
    size = min(first_round, n)
    while True:
        rounds.append(size)
        if size >= n:
            break
        size = min(2 * size, n)
    log_term = math.log(2.0 / ((1.0 - confidence) / len(rounds)))
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    total = np.zeros(n)
    squares = np.zeros(n)
    target_sums = np.zeros((5, n)) if targets else None
    hop_rows = []
    done = 0
    normal = bernstein = math.inf
    for upto in rounds:
        sums = paths.source_pass(csr, order[done:upto], squares=True, targets=targets, hop_csr=hop_csr,
                                 workers=workers)
        assert sums.delta is not None and sums.delta_squares is not None
        total += sums.delta / (n - 2)  # X_s(v) = δ_s(v) / (n − 2)
        squares += sums.delta_squares / ((n - 2) * (n - 2))
        if target_sums is not None and sums.targets is not None:
            target_sums += sums.targets
        if sums.hops is not None:
            hop_rows.append(sums.hops)
        done = upto
        if done >= n:
            break
        mean = total / done
        variance = np.maximum(squares - done * mean * mean, 0.0) / (done - 1)
        scale = n / (n - 1)
        normal = scale * z * float(np.sqrt(variance.max() / done * (1 - done / n)))
        bernstein = scale * float(np.max(np.sqrt(2 * variance * log_term / done))
                                  + 7 * log_term / (3 * (done - 1)))
        if (normal if guarantee == "normal" else bernstein) <= error:
            break
    estimate = n / (n - 1) * total / done
    collected = SampleSums(order[:done], target_sums, np.concatenate(hop_rows) if hop_rows else None)
    if done >= n:
        return estimate, None, collected
    method = ("source sampling, normal-approximation confidence interval" if guarantee == "normal"
              else "source sampling, empirical Bernstein bound")
    return estimate, Approximation(
        measure="betweenness", method=method, bound=normal if guarantee == "normal" else bernstein,
        bound_kind="absolute error", confidence=confidence, per_actor=True, samples=done,
        citation="Brandes & Pich (2007) Int. J. Bifurc. Chaos 17:2303; Maurer & Pontil (2009) COLT",
        distribution_free_bound=bernstein,
    ), collected


def sampled_closeness_harmonic(H: nx.Graph, weight: str = "distance", sources: int = 256, seed: int = 0,
                               exact_limit: int = 3000) -> tuple[np.ndarray, np.ndarray, list[Approximation]]:
    """Closeness and harmonic centrality of an undirected graph, sampled in large components.

    Components of at most ``exact_limit`` actors are computed exactly. In a larger component
    C, ``sources`` actors S are drawn without replacement (seeded) and for every actor u

        mean distance  d̄_u = mean_{s ∈ S, s ≠ u} d(s, u),   Σ_v d(u, v) ≈ (|C| − 1) d̄_u
        harmonic(u)    ≈ (|C| − 1) · mean_{s ∈ S, s ≠ u} 1 / d(s, u)
        closeness(u)   = ((|C| − 1)/(n − 1)) · (|C| − 1) / Σ̂_v d(u, v)   (networkx's scaling)

    (Eppstein & Wang 2004; the harmonic estimate is unbiased). The precision is reported as
    the largest relative standard error over actors (with finite-population correction).
    Distances come from the compiled kernel (:mod:`.paths`) on ``weight``; see
    :func:`sampled_closeness_harmonic_csr`.

    Eppstein D., Wang J. (2004) Fast approximation of centrality. J. Graph Algorithms Appl. 8:39–45.
    """
    return sampled_closeness_harmonic_csr(paths.csr_from_networkx(H, weight), sources, seed, exact_limit)


def sampled_closeness_harmonic_csr(csr: paths.Csr, sources: int = 256, seed: int = 0, exact_limit: int = 3000,
                                   workers: int | None = None, given: SampleSums | None = None
                                   ) -> tuple[np.ndarray, np.ndarray, list[Approximation]]:
    """:func:`sampled_closeness_harmonic` on CSR arrays (actor i = row i), in one kernel pass:
    every actor of a small component and the sampled actors of each large one are sources; sums
    are kept per source (exact components) and per target (sampled components).

    With ``given`` (the sources and target sums of a sample already searched, such as
    :func:`sampled_paths`'s, drawn uniformly over all actors), a large component's sample is the
    given sources inside it, topped up with further seeded draws from it to at least ``sources``
    when fewer fell into it; only the top-ups and the small components are searched here.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    n = csr.n
    closeness = np.zeros(n)
    harmonic = np.zeros(n)
    if n <= 1:
        return closeness, harmonic, []
    adjacency = csr_matrix((np.ones(len(csr.indices)), csr.indices, csr.indptr), shape=(n, n))
    _, labels = connected_components(adjacency, directed=False)
    # Components ordered by their first actor, members in actor order (as the sampling expects).
    first = np.full(labels.max() + 1, n)
    np.minimum.at(first, labels, np.arange(n))
    by_label = np.argsort(labels, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(labels))])
    rng = np.random.default_rng(seed)
    exact_members: list[np.ndarray] = []
    sampled_groups: list[tuple[np.ndarray, np.ndarray]] = []
    topped_up: list[np.ndarray] = []
    for label in np.argsort(first, kind="stable"):
        members = by_label[bounds[label]:bounds[label + 1]]
        if len(members) < 2:
            continue
        if len(members) <= exact_limit:
            exact_members.append(members)
        elif given is None:
            k = min(sources, len(members))
            sampled_groups.append((members, members[np.sort(rng.choice(len(members), size=k, replace=False))]))
        else:
            inside = np.intersect1d(given.sources, members)
            others = np.setdiff1d(members, inside)
            extra = others[np.sort(rng.choice(len(others), size=max(0, min(sources, len(members)) - len(inside)),
                                              replace=False))]
            sampled_groups.append((members, np.concatenate([inside, extra])))
            topped_up.append(extra)
    if given is None:
        topped_up = [group[1] for group in sampled_groups]
    chosen = np.concatenate([*exact_members, *topped_up, np.zeros(0, dtype=np.int64)])
    sums = paths.source_pass(csr, chosen, targets=bool(sampled_groups), workers=workers)
    assert sums.from_source is not None
    if given is not None and sampled_groups:
        if given.targets is None or sums.targets is None:
            raise ValueError("the given sample has no target sums: search it with targets=True")
        sums = replace(sums, targets=sums.targets + given.targets)
    targets, from_source = sums.targets, sums.from_source
    assert from_source is not None
    start = 0
    for members in exact_members:
        rows = from_source[start:start + len(members)]
        start += len(members)
        size = len(members)
        closeness[members] = np.where(rows[:, 0] > 0, (size - 1) / (n - 1) * (size - 1)
                                      / np.where(rows[:, 0] > 0, rows[:, 0], 1.0), 0.0)
        harmonic[members] = rows[:, 1]
    worst_distance = worst_harmonic = 0.0
    sampled = 0
    for members, picked in sampled_groups:
        assert targets is not None
        size, k = len(members), len(picked)
        d1, d2, h1, h2, counts = (targets[row][members] for row in range(5))
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_d = d1 / counts
            mean_h = h1 / counts
            fpc = np.sqrt(max(1.0 - k / (size - 1), 0.0))
            sd_d = np.sqrt(np.maximum(d2 / counts - mean_d**2, 0.0) * counts / (counts - 1))
            sd_h = np.sqrt(np.maximum(h2 / counts - mean_h**2, 0.0) * counts / (counts - 1))
            worst_distance = max(worst_distance, float(np.max(sd_d / np.sqrt(counts) * fpc / mean_d)))
            worst_harmonic = max(worst_harmonic, float(np.max(sd_h / np.sqrt(counts) * fpc / mean_h)))
        totals = (size - 1) * mean_d
        harmonic[members] = (size - 1) * mean_h
        closeness[members] = np.where(totals > 0, (size - 1) / (n - 1) * (size - 1)
                                      / np.where(totals > 0, totals, 1.0), 0.0)
        sampled = max(sampled, k)
    if not sampled:
        return closeness, harmonic, []
    citation = "Eppstein & Wang (2004) J. Graph Algorithms Appl. 8:39–45"
    method = f"source sampling in components larger than {exact_limit} actors"
    return closeness, harmonic, [
        Approximation("closeness", method, worst_distance, "relative standard error", None, True, sampled, citation),
        Approximation("harmonic", method, worst_harmonic, "relative standard error", None, True, sampled, citation),
    ]


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


__all__ = [
    "Approximation", "IGraphView", "betweenness", "closeness", "communities",
    "exact_betweenness", "harmonic", "pagerank", "renumber", "sampled_betweenness", "to_igraph",
]
