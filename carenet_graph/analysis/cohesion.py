"""Network-level figures: size, density, components, centralization, clustering, paths,
reciprocity and how often both sides of a pair reported it (and agreed).

Conventions (H is the collapsed simple graph, unweighted unless stated):

* density = m / C(n, 2) (undirected) or m / (n(n−1)) (directed)
* Freeman centralization = Σ_v (max − c_v) / max possible, for degree on the undirected
  view: Σ (d_max − d_v) / ((n−1)(n−2)); for normalised betweenness: Σ (b_max − b_v) / (n−1)
  (the star attains 1 in both). Freeman L.C. (1979) Social Networks 1:215–239.
* transitivity = 3 × triangles / connected triples; average clustering = mean local
  clustering (0 for actors with fewer than two partners), both unweighted (networkx).
* diameter and average path length in steps on the largest component; above
  ``exact_paths_limit`` actors the average is estimated from a seeded sample of source actors
  (its standard error is reported) and the diameter is bracketed by lower and upper bounds.
* reciprocity (directed data) = share of arcs whose reverse arc exists.
* dyad reports (from the multigraph G): among pairs with at least one report, the share
  reported by both actors (reporter = ``reported_by`` or the source), and among those with a
  level on both sides, the share where both levels are equal and the mean absolute difference.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from carenet_graph.analysis import paths
from carenet_graph.analysis.arrays import AnyGraph, as_arrays, distinct, largest_component, subgraph
from carenet_graph.network import LEVEL, reporter_of


@dataclass(frozen=True)
class PathFigures:
    """Diameter and average path length (in steps) of the largest component.

    When sampled, ``diameter`` is a lower bound (the largest eccentricity seen) and
    ``diameter_upper_bound`` an upper bound (twice the smallest eccentricity seen: for any
    actor u, ecc(u) ≤ diameter ≤ 2 ecc(u)); exact figures have both equal.
    """

    diameter: int | None
    diameter_upper_bound: int | None
    average_path_length: float | None
    exact: bool
    sampled_sources: int | None = None
    standard_error: float | None = None


@dataclass(frozen=True)
class DyadReports:
    pairs_reported: int
    pairs_both_reported: int
    share_both_reported: float | None
    pairs_both_with_level: int
    share_level_agreement: float | None
    mean_level_difference: float | None


@dataclass(frozen=True)
class NetworkFigures:
    actors: int
    ties: int
    density: float | None
    components: int
    largest_component_share: float | None
    average_degree: float | None
    degree_centralization: float | None
    betweenness_centralization: float | None
    transitivity: float | None
    average_clustering: float | None
    paths: PathFigures
    reciprocity: float | None
    articulation_points: int
    bridges: int
    dyads: DyadReports | None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def density(H: AnyGraph) -> float | None:
    A = as_arrays(H)
    n = A.n
    if n < 2:
        return None
    possible = n * (n - 1) if A.directed else n * (n - 1) / 2
    return float(A.m / possible)


def degree_centralization(H: AnyGraph) -> float | None:
    """Freeman degree centralization of the undirected view (each pair once, as ``nx.Graph(H)``)."""
    A = as_arrays(H)
    n = A.n
    if n < 3:
        return None
    if A.directed:
        pairs = distinct(np.minimum(A.tails, A.heads) * n + np.maximum(A.tails, A.heads))
        degrees = (np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)).astype(float)
    else:
        degrees = A.degrees(None)
    return float((degrees.max() - degrees).sum() / ((n - 1) * (n - 2)))


def betweenness_centralization(betweenness: np.ndarray) -> float | None:
    n = len(betweenness)
    if n < 3:
        return None
    return float((betweenness.max() - betweenness).sum() / (n - 1))


def path_figures(H: AnyGraph, exact_paths_limit: int = 20000, samples: int = 500, seed: int = 0,
                 hops: np.ndarray | None = None, hop_sources: np.ndarray | None = None) -> PathFigures:
    """Diameter and average shortest-path length (in steps) of the largest component.

    Up to ``exact_paths_limit`` actors both are exact: from every actor u of the largest
    component C, a breadth-first search gives its eccentricity e(u) and Σ_v hops(u, v);
    diameter = max_u e(u), average = Σ_u Σ_v hops(u, v) / (|C|(|C| − 1)) (igraph's searches, or
    ``hops``: these per-actor sums, rows in ``H``'s node order, as
    :class:`~carenet_graph.analysis.paths.PassSums`
    gives them) from a search already made. Above the limit, ``samples`` seeded source actors
    are searched — or, when ``hop_sources`` says that ``hops`` holds the rows of a uniform sample
    of sources and at least 100 of them lie in the largest component, those — the average path
    length is their mean (with its standard error) and the
    diameter is bracketed by the eccentricities seen, tightened by a double sweep from the
    farthest actor found (see :class:`PathFigures`).
    """
    A = as_arrays(H)
    if A.n == 0:
        return PathFigures(None, None, None, True)
    largest = largest_component(A)
    if len(largest) < 2:
        return PathFigures(0, 0, None, True)
    n = len(largest)
    if n <= exact_paths_limit:
        if hops is None or hop_sources is not None:  # igraph's C breadth-first searches
            g = subgraph(A, largest).igraph(()).graph
            diameter = int(g.diameter(directed=False))
            return PathFigures(diameter, diameter, float(g.average_path_length(directed=False)), True)
        rows = hops[largest]
        diameter = int(rows[:, 1].max())
        return PathFigures(diameter, diameter, float(rows[:, 0].sum() / (n * (n - 1))), True)
    inside = np.isin(hop_sources, largest) if hops is not None and hop_sources is not None else None
    found: np.ndarray | None
    if inside is not None and hops is not None and int(inside.sum()) >= 100:
        found, csr = hops[inside], A.csr(None)  # far actors are positions in the whole graph
    else:
        csr = subgraph(A, largest).csr(None)
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=min(samples, n), replace=False))
        found = paths.source_pass(None, sources, hop_csr=csr).hops
    assert found is not None
    means = found[:, 0] / (n - 1)
    eccentricities = found[:, 1]
    first_widest = int(np.argmax(eccentricities))
    # Double sweep: the actor farthest from a far actor is often at the diameter's end.
    sweep = paths.source_pass(None, [int(found[first_widest, 3])], hop_csr=csr).hops
    assert sweep is not None
    lower = max(int(eccentricities.max()), int(sweep[0, 1]))
    upper = int(2 * eccentricities.min())
    return PathFigures(lower, max(lower, upper), float(means.mean()), False, len(means),
                       float(means.std(ddof=1) / np.sqrt(len(means))))


def arc_reciprocity(H: AnyGraph) -> float | None:
    """Share of arcs (self-loops aside) whose reverse arc exists, as ``networkx.overall_reciprocity``
    and ``sna::grecip(measure="edgewise")``; None ("not applicable") for an undirected graph, whose
    ties are all symmetric, and for a graph without arcs."""
    A = as_arrays(H)
    if not A.directed:
        return None
    off = ~A.loops()
    tails, heads = A.tails[off], A.heads[off]
    if not len(tails):
        return None
    n = max(A.n, 1)
    return float(np.isin(heads * n + tails, tails * n + heads).sum() / len(tails))


def dyad_reports(G: nx.MultiDiGraph, keep: Callable[[dict[str, Any]], bool] | None = None) -> DyadReports | None:
    """How often both actors of a pair reported their tie, and whether they agreed on the level;
    only the reports whose edge data pass ``keep`` count (all when None)."""
    if not isinstance(G, nx.MultiDiGraph):
        return None
    position = {node: i for i, node in enumerate(G)}
    reports: dict[tuple[Hashable, Hashable], dict[Hashable, list[int]]] = {}
    for u, v, data in G.edges(data=True):
        if u == v or (keep is not None and not keep(data)):
            continue
        reporter = reporter_of(u, data)
        pair = (u, v) if position[u] <= position[v] else (v, u)
        by = reports.get(pair)
        if by is None:
            by = reports[pair] = {}
        levels = by.get(reporter)
        if levels is None:
            levels = by[reporter] = []
        if data.get(LEVEL) is not None:
            levels.append(int(data[LEVEL]))
    if not reports:
        return DyadReports(0, 0, None, 0, None, None)
    both = 0
    with_level = 0
    agree = 0
    differences = []
    for pair, by in reports.items():
        if not all(end in by for end in pair):
            continue
        both += 1
        a, b = (by[end] for end in pair)
        if a and b:
            with_level += 1
            la, lb = max(a), max(b)
            agree += la == lb
            differences.append(abs(la - lb))
    return DyadReports(
        len(reports), both, both / len(reports), with_level,
        agree / with_level if with_level else None,
        float(np.mean(differences)) if differences else None,
    )
