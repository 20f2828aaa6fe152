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

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from carenet_graph.analysis import engine, paths
from carenet_graph.network import DISTANCE, STRENGTH

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def degree_table(U: nx.Graph) -> pd.DataFrame:
    """``degree`` (distinct partners) and ``strength`` (Σ strength over them) per actor of the
    undirected graph ``U``: each partner counts once, with the tie's (max-combined) strength."""
    index = pd.Index(list(U.nodes), name="id", dtype=object)
    data = {"degree": [U.degree(v) for v in U], "strength": [float(U.degree(v, weight=STRENGTH)) for v in U]}
    return pd.DataFrame(data, index=index)


def arc_table(D: nx.Graph) -> pd.DataFrame:
    """``in_degree``, ``out_degree``, ``in_strength`` and ``out_strength`` per actor.

    For a directed ``D`` they count incoming and outgoing arcs (and sum their strengths); an
    undirected graph counts every tie as two arcs, one each way, so in = out = degree (strength).
    """
    index = pd.Index(list(D.nodes), name="id", dtype=object)
    if D.is_directed():
        data = {"in_degree": [D.in_degree(v) for v in D], "out_degree": [D.out_degree(v) for v in D],
                "in_strength": [float(D.in_degree(v, weight=STRENGTH)) for v in D],
                "out_strength": [float(D.out_degree(v, weight=STRENGTH)) for v in D]}
    else:
        degree = [D.degree(v) for v in D]
        strength = [float(D.degree(v, weight=STRENGTH)) for v in D]
        data = {"in_degree": degree, "out_degree": list(degree), "in_strength": strength,
                "out_strength": list(strength)}
    return pd.DataFrame(data, index=index)


def eigenvector(H: nx.Graph, weight: str = STRENGTH) -> pd.Series:
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
    if H.is_directed():
        raise ValueError("eigenvector centrality is defined here on an undirected graph: pass the undirected view")
    U = H
    nodes = list(H.nodes)
    n = len(nodes)
    out = pd.Series(0.0, index=pd.Index(nodes, name="id", dtype=object), name="eigenvector")
    if n == 0:
        return out
    position = {v: i for i, v in enumerate(nodes)}
    for component in nx.connected_components(U):
        # In node order: a set's order follows string hashing, which changes per process, and a
        # permuted matrix changes the last bits of the eigenvector (outputs must be byte-identical).
        members = sorted(component, key=position.__getitem__)
        size = len(members)
        if size < 2:
            continue
        A = nx.to_scipy_sparse_array(U, nodelist=members, weight=weight, format="csr").astype(float)
        if size <= 200:
            values, vectors = np.linalg.eigh(A.toarray())
            x = vectors[:, int(np.argmax(values))]
        else:
            _, vectors = spla.eigsh(sp.csr_matrix(A), k=1, which="LA", tol=1e-12, maxiter=10 * size)
            x = vectors[:, 0]
        x = np.abs(x) / np.linalg.norm(x)
        out.loc[members] = x * np.sqrt(size / n)
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


def path_measures(H: nx.Graph, *, exact: bool = True, error: float = 0.01, seed: int = 0,
                  closeness_direction: str = "out", hop_graph: nx.Graph | None = None, progress: Progress = _quiet
                  ) -> tuple[paths.PathMeasures, list[engine.Approximation]]:
    """Betweenness, closeness and harmonic centrality on ``distance`` in ``H``'s node order.

    Exact: one compiled search per actor gives all three (and, with ``hop_graph``, the hop sums
    of every actor in that graph, rows in ``H``'s node order, for the path figures); see
    :func:`carenet_graph.analysis.paths.exact_measures`. Sampled (``exact=False``): betweenness by
    :func:`engine.sampled_betweenness`, closeness and harmonic centrality of an undirected graph by
    :func:`engine.sampled_closeness_harmonic_csr` (a directed graph's are exact).
    """
    nodes = list(H.nodes)
    csr = paths.csr_from_networkx(H, DISTANCE, nodes)
    direction = closeness_direction if H.is_directed() else "out"
    if exact:
        progress("paths")
        hop_csr = paths.csr_from_networkx(hop_graph, None, nodes) if hop_graph is not None else None
        return paths.exact_measures(csr, direction, hop_csr, progress=shares("paths", progress)), []
    progress("betweenness")
    view = engine.IGraphView(None, tuple(nodes))  # the CSR arrays are all the sampling needs
    betweenness, approximation = engine.sampled_betweenness(view, DISTANCE, error=error, seed=seed, csr=csr)
    approximations = [approximation] if approximation is not None else []
    progress("closeness")
    if H.is_directed():
        exact_paths = paths.exact_measures(csr, direction)
        return paths.PathMeasures(betweenness, exact_paths.closeness, exact_paths.harmonic), approximations
    closeness, harmonic, sampled = engine.sampled_closeness_harmonic_csr(csr, seed=seed)
    return paths.PathMeasures(betweenness, closeness, harmonic), approximations + sampled


def centrality_table(H: nx.Graph, U: nx.Graph | None = None, *, exact: bool = True, error: float = 0.01,
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
    undirected = U if U is not None else H
    table = degree_table(undirected)
    found, approximations = measures if measures is not None else path_measures(
        H, exact=exact, error=error, seed=seed, closeness_direction=closeness_direction, progress=progress)
    table["betweenness"] = found.betweenness
    table["closeness"] = found.closeness
    table["harmonic"] = found.harmonic
    view = engine.to_igraph(H, weights=(STRENGTH,))
    progress("eigenvector")
    table["eigenvector"] = eigenvector(undirected).to_numpy()
    table["pagerank"] = engine.pagerank(view, STRENGTH)
    return table, approximations
