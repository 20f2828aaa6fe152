"""Actor centrality: degree, strength, betweenness, closeness, harmonic, eigenvector, PageRank.

All functions take a *collapsed* simple graph ``H`` (:func:`carenet_graph.collapse`), whose
edges carry ``strength`` (higher = closer) and ``distance = 1/strength``, and return a
:class:`pandas.DataFrame` indexed by actor id. Inputs are never modified.

Weight semantics, per measure:

=============  ======================  ==================================================
measure        edge attribute used     definition (networkx reference)
=============  ======================  ==================================================
degree         none                    number of distinct partners
strength       ``strength``            Σ strength of the actor's ties (Barrat et al. 2004)
betweenness    ``distance``            ``betweenness_centrality(H, weight="distance",
                                       normalized=True)``, equal-length paths exact
closeness      ``distance``            ``closeness_centrality(H, distance="distance")``
harmonic       ``distance``            ``harmonic_centrality(H, distance="distance")``
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

from carenet_graph.analysis import engine
from carenet_graph.network import DISTANCE, STRENGTH

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def degree_table(H: nx.Graph) -> pd.DataFrame:
    """``degree`` (distinct partners) and ``strength`` (Σ strength) per actor.

    For a directed ``H`` also ``in_degree`` and ``out_degree`` (distinct partners each way).
    """
    index = pd.Index(list(H.nodes), name="id", dtype=object)
    if H.is_directed():
        partners = {v: set(H.successors(v)) | set(H.predecessors(v)) for v in H}
        data = {
            "degree": [len(partners[v]) for v in H],
            "in_degree": [H.in_degree(v) for v in H],
            "out_degree": [H.out_degree(v) for v in H],
            "strength": [float(H.out_degree(v, weight=STRENGTH) + H.in_degree(v, weight=STRENGTH)) for v in H],
        }
    else:
        data = {"degree": [H.degree(v) for v in H],
                "strength": [float(H.degree(v, weight=STRENGTH)) for v in H]}
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
    A directed ``H`` is symmetrised first (strengths added).

    Bonacich P. (1987) Power and centrality: a family of measures. Am. J. Sociol. 92:1170–1182.
    """
    U = H.to_undirected() if H.is_directed() else H
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


def centrality_table(H: nx.Graph, *, exact: bool = True, error: float = 0.01, seed: int = 0,
                     progress: Progress = _quiet) -> tuple[pd.DataFrame, list[engine.Approximation]]:
    """Degree, strength, betweenness, closeness, harmonic, eigenvector and PageRank per actor.

    Heavy measures run on igraph (see :mod:`carenet_graph.analysis.engine`). With
    ``exact=False`` (meant for 10^5 actors) betweenness is estimated from sampled sources until
    every actor's value is within ``error`` at 95 % confidence
    (:func:`engine.sampled_betweenness`) and, for undirected graphs, closeness and harmonic
    centrality from sampled sources in large components
    (:func:`engine.sampled_closeness_harmonic`). The approximations made are returned with
    the table (an empty list when everything is exact).
    """
    table = degree_table(H)
    view = engine.to_igraph(H, weights=(STRENGTH, DISTANCE))
    approximations: list[engine.Approximation] = []
    progress("betweenness")
    if exact:
        table["betweenness"] = engine.betweenness(view, DISTANCE)
    else:
        values, approximation = engine.sampled_betweenness(view, DISTANCE, error=error, seed=seed)
        table["betweenness"] = values
        approximations += [approximation] if approximation is not None else []
    progress("closeness and harmonic")
    if exact or H.is_directed():
        table["closeness"] = engine.closeness(view, DISTANCE)
        table["harmonic"] = engine.harmonic(view, DISTANCE)
    else:
        closeness, harmonic, sampled = engine.sampled_closeness_harmonic(H, DISTANCE, seed=seed)
        table["closeness"] = closeness
        table["harmonic"] = harmonic
        approximations += sampled
    progress("eigenvector and PageRank")
    table["eigenvector"] = eigenvector(H).to_numpy()
    table["pagerank"] = engine.pagerank(view, STRENGTH)
    return table, approximations
