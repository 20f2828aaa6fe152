"""The analysis graph as arrays: a simple graph without a dict per tie.

A :class:`GraphArrays` holds what every measure needs — the actors in order, each tie (or arc)
once as a pair of actor positions with its ``strength`` and ``distance``, whether it is directed,
and the actors' attributes as columns — in a few numpy arrays: 10^6 actors and 5·10^6 ties take
about 200 MB instead of the several GB of a networkx graph. The ties are kept in a canonical
order (by the positions of their ends; an undirected tie from the lower position), so the results
do not depend on the order in which the input listed them. The measures get their sparse
matrices, CSR arrays and igraph copies from here, each made once.

:func:`graph_arrays` makes one from a collapsed networkx graph
(:func:`carenet_graph.network.collapse`); :mod:`carenet_graph.analysis.tables` from the tables
read, without any networkx graph (everything else a user asks for keeps the networkx graph of
:func:`carenet_graph.load`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeAlias

import networkx as nx
import numpy as np
import scipy.sparse as sp

from carenet_graph.analysis import paths
from carenet_graph.network import DISTANCE, STRENGTH


@dataclass(frozen=True, eq=False)
class GraphArrays:
    """A simple graph: actor i is ``nodes[i]``; tie k joins ``tails[k]`` and ``heads[k]`` (an arc
    tail → head when ``directed``) with ``strength[k]`` (higher = closer) and ``distance[k]``.

    ``node_data`` holds attribute columns aligned with ``nodes`` (None where missing); ``graph``
    the graph's own attributes (as ``G.graph``).
    """

    nodes: tuple[Hashable, ...]
    tails: np.ndarray
    heads: np.ndarray
    strength: np.ndarray
    distance: np.ndarray
    directed: bool
    node_data: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    graph: Mapping[str, Any] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return len(self.tails)

    @cached_property
    def position(self) -> dict[Hashable, int]:
        return {v: i for i, v in enumerate(self.nodes)}

    def attribute(self, name: str) -> list[Any]:
        """The column ``name`` of the actors (all None when no actor has it)."""
        column = self.node_data.get(name)
        return list(column) if column is not None else [None] * self.n

    def weights(self, weight: str | None) -> np.ndarray:
        """The ties' ``strength`` or ``distance`` (ones for None)."""
        if weight is None:
            return np.ones(self.m)
        if weight == STRENGTH:
            return self.strength
        if weight == DISTANCE:
            return self.distance
        raise ValueError(f"no tie attribute {weight!r} in the arrays")

    def loops(self) -> np.ndarray:
        """Whether each tie joins an actor to itself."""
        same: np.ndarray = self.tails == self.heads
        return same

    def csr(self, weight: str | None) -> paths.Csr:
        """CSR arrays (an undirected tie as two arcs, a loop as two) with ``weight`` as length."""
        key = ("csr", weight)
        if key not in self._cache:
            self._cache[key] = paths.csr_from_arcs(self.n, self.tails, self.heads, self.weights(weight), self.directed)
        found: paths.Csr = self._cache[key]
        return found

    def matrix(self, weight: str | None) -> sp.csr_matrix:
        """The n × n adjacency matrix with ``weight`` (symmetric when undirected; a loop's weight
        once on the diagonal, as networkx's ``to_scipy_sparse_array`` gives it)."""
        key = ("matrix", weight)
        if key not in self._cache:
            values = self.weights(weight)
            rows, cols = self.tails, self.heads
            if not self.directed:
                off = ~self.loops()
                rows = np.concatenate([rows, self.heads[off]])
                cols = np.concatenate([cols, self.tails[off]])
                values = np.concatenate([values, values[off]])
            self._cache[key] = sp.csr_matrix((values, (rows, cols)), shape=(self.n, self.n))
        found: sp.csr_matrix = self._cache[key]
        return found

    def igraph(self, weights: Sequence[str] = (STRENGTH, DISTANCE)) -> Any:
        """An igraph view (:class:`carenet_graph.analysis.engine.IGraphView`) with the named weights."""
        from carenet_graph.analysis import engine

        key = ("igraph", tuple(weights))
        if key not in self._cache:
            ig = engine.load_igraph()
            g = ig.Graph(n=self.n, edges=np.column_stack([self.tails, self.heads]).tolist(), directed=self.directed)
            for name in weights:
                g.es[name] = self.weights(name).tolist()
            self._cache[key] = engine.IGraphView(g, self.nodes)
        return self._cache[key]

    def components(self) -> tuple[int, np.ndarray]:
        """Number of (weakly) connected components and each actor's component label."""
        if "components" not in self._cache:
            from scipy.sparse.csgraph import connected_components

            self._cache["components"] = connected_components(self.matrix(None), directed=self.directed,
                                                             connection="weak")
        found: tuple[int, np.ndarray] = self._cache["components"]
        return found

    def degrees(self, weight: str | None = None) -> np.ndarray:
        """Σ of ``weight`` (ones: the degree) over each actor's ties, a loop counted twice, as networkx does."""
        values = self.weights(weight)
        return (np.bincount(self.tails, values, minlength=self.n)
                + np.bincount(self.heads, values, minlength=self.n))


def graph_arrays(H: nx.Graph, node_columns: Sequence[str] = ()) -> GraphArrays:
    """The arrays of a simple networkx graph (edge attributes ``strength``, default 1, and
    ``distance``, default 1/strength), ties in canonical order; ``node_columns`` are copied."""
    nodes = tuple(H.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    m = H.number_of_edges()
    tails = np.empty(m, dtype=np.int64)
    heads = np.empty(m, dtype=np.int64)
    strength = np.ones(m)
    distance = np.ones(m)
    for k, (u, v, data) in enumerate(H.edges(data=True)):
        tails[k], heads[k] = index[u], index[v]
        s = float(data.get(STRENGTH, 1.0))
        strength[k] = s
        distance[k] = float(data[DISTANCE]) if DISTANCE in data else 1.0 / s
    directed = H.is_directed()
    if not directed:
        tails, heads = np.minimum(tails, heads), np.maximum(tails, heads)
    order = np.lexsort((heads, tails))  # canonical: by the positions of the ends
    data_columns = {c: [H.nodes[v].get(c) for v in nodes] for c in node_columns}
    return GraphArrays(nodes, tails[order], heads[order], strength[order], distance[order], directed,
                       data_columns, dict(H.graph))


def distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for integer codes: the sorted distinct values, found by one sort.

    numpy 2.4's ``np.unique`` hashes integers before it sorts them: measured here on 5·10^6
    pair codes, 11 s against 0.2 s for the sort (the results are equal; the tests check it).
    """
    ordered = np.sort(values)
    found: np.ndarray = ordered[_starts(ordered)]
    return found


def distinct_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_counts=True)`` by one sort (see :func:`distinct`)."""
    ordered = np.sort(values)
    starts = np.flatnonzero(_starts(ordered))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def distinct_first(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_index=True)``: the distinct values and where each first occurs."""
    order = np.argsort(values, kind="stable")
    starts = _starts(values[order])
    return values[order][starts], order[starts]


def distinct_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)``: the distinct values and each value's place among them."""
    order = np.argsort(values, kind="stable")
    starts = _starts(values[order])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return values[order][starts], inverse


def _starts(ordered: np.ndarray) -> np.ndarray:
    """Where a run of equal values begins in the sorted ``ordered``."""
    starts = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return starts


#: A graph a measure accepts: a simple networkx graph or its arrays.
AnyGraph: TypeAlias = nx.Graph | GraphArrays


def as_arrays(H: AnyGraph, node_columns: Sequence[str] = ()) -> GraphArrays:
    """``H`` itself when it is arrays already, else :func:`graph_arrays` of it."""
    return H if isinstance(H, GraphArrays) else graph_arrays(H, node_columns)


def partner_arrays(A: GraphArrays) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's partners (positions; either direction; loops left out; each once; increasing)
    as compressed rows: actor i's are ``partners[bounds[i]:bounds[i+1]]``."""
    n = max(A.n, 1)
    off = ~A.loops()
    pairs = distinct(np.concatenate([A.tails[off], A.heads[off]]) * n + np.concatenate([A.heads[off], A.tails[off]]))
    return np.searchsorted(pairs // n, np.arange(A.n + 1)), pairs % n


def neighbour_lists(A: GraphArrays) -> list[list[int]]:
    """Each actor's partners (positions; either direction; loops left out), in increasing order,
    each partner once (:func:`partner_arrays` as lists)."""
    bounds, partners = partner_arrays(A)
    flat, starts = partners.tolist(), bounds.tolist()
    return [flat[starts[i]:starts[i + 1]] for i in range(A.n)]


def subgraph(A: GraphArrays, members: np.ndarray) -> GraphArrays:
    """The arrays of the actors at ``members`` (increasing positions) and the ties among them."""
    keep = np.full(A.n, -1, dtype=np.int64)
    keep[members] = np.arange(len(members))
    inside = (keep[A.tails] >= 0) & (keep[A.heads] >= 0)
    return GraphArrays(tuple(A.nodes[i] for i in members.tolist()), keep[A.tails[inside]], keep[A.heads[inside]],
                       A.strength[inside], A.distance[inside], A.directed,
                       {c: [A.node_data[c][i] for i in members.tolist()] for c in A.node_data}, A.graph)


def largest_component(A: GraphArrays) -> np.ndarray:
    """Positions of the actors in the largest (weakly) connected component; of two equally large
    ones, the one with the first actor (as networkx's ``max(connected_components)`` picks)."""
    if A.n == 0:
        return np.zeros(0, dtype=np.int64)
    _, labels = A.components()
    sizes = np.bincount(labels)
    first = np.full(len(sizes), A.n)
    np.minimum.at(first, labels, np.arange(A.n))
    best = min(np.flatnonzero(sizes == sizes.max()).tolist(), key=lambda label: first[label])
    found: np.ndarray = np.flatnonzero(labels == best)
    return found
