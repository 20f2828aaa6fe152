"""Actor centrality: degree, strength, betweenness, closeness, harmonic, eigenvector, PageRank.

All functions take a *collapsed* simple graph ``H`` (:func:`carenet_graph.collapse`), whose
edges carry ``strength`` (higher = closer) and ``distance = 1/strength``, and return a
:class:`pandas.DataFrame` indexed by actor id. Inputs are never modified.

Weight semantics, per measure:

=============  ======================  ==================================================
measure        edge attribute used     definition (networkx reference)
=============  ======================  ==================================================
degree         none                    number of distinct partners (undirected view)
strength       ``strength``            Σ strength of the actor's ties (Barrat et al. 2004), each
                                       partner once (undirected view, pairs combined by max)
in/out degree  none                    incoming / outgoing arcs (an undirected tie is one each way)
in/out         ``strength``            Σ strength of the incoming / outgoing arcs
strength
betweenness    ``distance``            ``betweenness_centrality(H, weight="distance",
                                       normalized=True)``, equal-length paths exact
closeness      ``distance``            ``closeness_centrality(H, distance="distance")``; directed:
                                       on ``H.reverse()`` (distances from the actor) by default
harmonic       ``distance``            ``harmonic_centrality(H, distance="distance")``; directed
                                       as closeness
eigenvector    ``strength``            principal eigenvector per component (see below)
pagerank       ``strength``            ``pagerank(H, weight="strength")``
=============  ======================  ==================================================

References: Freeman (1978/79) Social Networks 1:215–239; Brandes (2001) J. Math. Sociol.
25:163–177; Wasserman & Faust (1994); Marchiori & Latora (2000) Physica A 285:539–546;
Bonacich (1987) Am. J. Sociol. 92:1170–1182; Brin & Page (1998); Barrat et al. (2004) PNAS
101:3747–3752.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from carenet_graph.analysis import engine, paths
from carenet_graph.analysis.arrays import AnyGraph, as_arrays
from carenet_graph.network import DISTANCE, STRENGTH

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def degree_table(U: AnyGraph) -> pd.DataFrame:
    """``degree`` (distinct partners) and ``strength`` (Σ strength over them) per actor of the
    undirected graph ``U``: each partner counts once, with the tie's (max-combined) strength."""
    A = as_arrays(U)
    index = pd.Index(list(A.nodes), name="id", dtype=object)
    data = {"degree": A.degrees(None).astype(np.int64), "strength": A.degrees(STRENGTH).astype(float)}
    return pd.DataFrame(data, index=index)


def arc_table(D: AnyGraph) -> pd.DataFrame:
    """``in_degree``, ``out_degree``, ``in_strength`` and ``out_strength`` per actor.

    For a directed ``D`` they count incoming and outgoing arcs (and sum their strengths); an
    undirected graph counts every tie as two arcs, one each way, so in = out = degree (strength).
    """
    A = as_arrays(D)
    index = pd.Index(list(A.nodes), name="id", dtype=object)
    if A.directed:
        data = {"in_degree": np.bincount(A.heads, minlength=A.n).astype(np.int64),
                "out_degree": np.bincount(A.tails, minlength=A.n).astype(np.int64),
                "in_strength": np.bincount(A.heads, A.strength, minlength=A.n).astype(float),
                "out_strength": np.bincount(A.tails, A.strength, minlength=A.n).astype(float)}
    else:
        degree = A.degrees(None).astype(np.int64)
        strength = A.degrees(STRENGTH).astype(float)
        data = {"in_degree": degree, "out_degree": degree.copy(), "in_strength": strength,
                "out_strength": strength.copy()}
    return pd.DataFrame(data, index=index)


def eigenvector(H: AnyGraph, weight: str = STRENGTH) -> pd.Series:
    """Eigenvector centrality on ``strength``, defined per connected component.

    Within each connected component C (of an undirected graph) the principal eigenvector
    x_C of the weighted adjacency matrix (Perron vector, positive) is scaled to Euclidean norm
    sqrt(|C| / n); actors alone (|C| = 1) get 0. For a connected graph this is exactly
    ``networkx.eigenvector_centrality(H, weight="strength")`` (unit norm); for a
    disconnected graph networkx's power iteration would give every component but the
    dominant one zero, which says nothing about the others. The squared norm of the whole
    vector is the share of actors that are not alone (1 without isolates).
    A directed ``H`` must be projected by the caller (the analysis passes the undirected view of
    its mode, whose pairs carry the maximum strength of their reports).

    Bonacich P. (1987) Power and centrality: a family of measures. Am. J. Sociol. 92:1170–1182.
    """
    A = as_arrays(H)
    if A.directed:
        raise ValueError("eigenvector centrality is defined here on an undirected graph: pass the undirected view")
    n = A.n
    out = pd.Series(0.0, index=pd.Index(list(A.nodes), name="id", dtype=object), name="eigenvector")
    if n == 0:
        return out
    values = np.zeros(n)
    matrix = A.matrix(weight)
    _, labels = A.components()
    order = np.argsort(labels, kind="stable")  # each component's members in actor order
    bounds = np.concatenate([[0], np.cumsum(np.bincount(labels))])
    for label in range(len(bounds) - 1):
        members = order[bounds[label]:bounds[label + 1]]
        size = len(members)
        if size < 2:
            continue
        M = matrix[members][:, members].astype(float)
        if size <= 200:
            eigenvalues, vectors = np.linalg.eigh(M.toarray())
            x = vectors[:, int(np.argmax(eigenvalues))]
        else:
            # A fixed, positive start (ARPACK's default start is random: results differed in the
            # last digits from run to run); it is never orthogonal to the positive Perron vector.
            start = np.full(size, 1.0 / np.sqrt(size))
            _, vectors = spla.eigsh(sp.csr_matrix(M), k=1, which="LA", tol=1e-12, maxiter=10 * size, v0=start)
            x = vectors[:, 0]
        x = np.abs(x) / np.linalg.norm(x)
        values[members] = x * np.sqrt(size / n)
    out[:] = values
    return out


def shares(step: str, progress: Progress, least: int = 10000) -> Callable[[int, int], None] | None:
    """A ``(done, total)`` callback saying ``"step:share"`` at every further tenth of a pass over at
    least ``least`` sources (shorter passes say nothing more than their step)."""
    said = [0]

    def report(done: int, total: int) -> None:
        tenth = done * 10 // total
        if total >= least and tenth > said[0] and done < total:
            said[0] = tenth
            progress(f"{step}:{tenth / 10:.1f}")

    return report


#: Up to this many actors × ties the exact path measures come from igraph (a few hundred ms at most),
#: above from the compiled kernel, whose one-time load (about a second) then pays off.
SMALL_WORK = 10_000_000


def path_measures(H: AnyGraph, *, exact: bool = True, error: float = 0.01, seed: int = 0,
                  closeness_direction: str = "out", hop_graph: AnyGraph | None = None, progress: Progress = _quiet
                  ) -> tuple[paths.PathMeasures, list[engine.Approximation]]:
    """Betweenness, closeness and harmonic centrality on ``distance`` in ``H``'s node order.

    Exact: one compiled search per actor gives all three (and, with ``hop_graph``, the hop sums
    of every actor in that graph, which must have ``H``'s actors in ``H``'s order, for the path
    figures); see :func:`carenet_graph.analysis.paths.exact_measures`; up to :data:`SMALL_WORK`
    igraph's functions give them (:func:`engine.igraph_path_measures`). Sampled (``exact=False``):
    one search per sampled source (:func:`engine.sampled_paths`) gives betweenness with its bound,
    the distance sums from which :func:`engine.sampled_closeness_harmonic_csr` estimates an
    undirected graph's closeness and harmonic centrality (a directed graph's are exact), and the
    sources' hop rows in ``hop_graph``.
    """
    A = as_arrays(H)
    direction = closeness_direction if A.directed else "out"
    hops = as_arrays(hop_graph) if hop_graph is not None else None
    if hops is not None and hops.nodes != A.nodes:
        raise ValueError("the hop graph must have the same actors in the same order")
    if exact and A.n * max(A.m, 1) <= SMALL_WORK:
        progress("paths")  # hop sums: path_figures asks igraph itself
        return engine.igraph_path_measures(A.igraph((DISTANCE,)), direction), []
    csr = A.csr(DISTANCE)
    hop_csr = hops.csr(None) if hops is not None else None
    if exact:
        progress("paths")
        return paths.exact_measures(csr, direction, hop_csr, progress=shares("paths", progress)), []
    progress("betweenness")
    view = engine.IGraphView(None, A.nodes)  # the CSR arrays are all the sampling needs
    # The sampled searches also give the distance sums for closeness and the hop rows for the path figures.
    betweenness, approximation, sample = engine.sampled_paths(view, DISTANCE, error=error, seed=seed, csr=csr,
                                                              targets=not A.directed, hop_csr=hop_csr)
    approximations = [approximation] if approximation is not None else []
    progress("closeness")
    if A.directed:
        found = paths.exact_measures(csr, direction)
        closeness, harmonic = found.closeness, found.harmonic
    else:
        closeness, harmonic, sampled = engine.sampled_closeness_harmonic_csr(csr, seed=seed, given=sample)
        approximations += sampled
    return paths.PathMeasures(betweenness, closeness, harmonic, sample.hops, sample.sources), approximations


def centrality_table(H: AnyGraph, U: AnyGraph | None = None, *, exact: bool = True, error: float = 0.01,
                     seed: int = 0, closeness_direction: str = "out", progress: Progress = _quiet,
                     measures: tuple[paths.PathMeasures, list[engine.Approximation]] | None = None,
                     ) -> tuple[pd.DataFrame, list[engine.Approximation]]:
    """Degree, strength, betweenness, closeness, harmonic, eigenvector and PageRank per actor.

    Betweenness, closeness and harmonic centrality come from :func:`path_measures` (or from
    ``measures``, a result of it computed before); PageRank runs on igraph (see
    :mod:`carenet_graph.analysis.engine`). With
    ``exact=False`` (meant for 10^5 actors) betweenness is estimated from sampled sources until
    every actor's value is within ``error`` at 95 % confidence
    (:func:`engine.sampled_betweenness`) and, for undirected graphs, closeness and harmonic
    centrality from sampled sources in large components
    (:func:`engine.sampled_closeness_harmonic`). The approximations made are returned with
    the table (an empty list when everything is exact).

    ``U`` is the undirected view used for degree, strength and eigenvector centrality (``H``
    itself when it is undirected); in a directed ``H`` closeness and harmonic centrality use the
    distances from the actor (``closeness_direction="out"``, sna and UCINET) or to it (``"in"``,
    networkx).
    """
    H = as_arrays(H)  # once: every measure below reads the same arrays
    undirected = as_arrays(U) if U is not None else H
    table = degree_table(undirected)
    found, approximations = measures if measures is not None else path_measures(
        H, exact=exact, error=error, seed=seed, closeness_direction=closeness_direction, progress=progress)
    table["betweenness"] = found.betweenness
    table["closeness"] = found.closeness
    table["harmonic"] = found.harmonic
    progress("eigenvector")
    table["eigenvector"] = eigenvector(undirected).to_numpy()
    table["pagerank"] = engine.pagerank(as_arrays(H).igraph((STRENGTH,)), STRENGTH)
    return table, approximations
