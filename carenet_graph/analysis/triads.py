"""Triangles and tie lookups without visiting the pairs of one actor's partners.

Burt's constraint and effective size (:mod:`~carenet_graph.analysis.holes`) and the closed
two-paths subtracted from Gould–Fernandez brokerage (:mod:`~carenet_graph.analysis.brokerage`)
only involve pairs of an actor's partners that are themselves tied, i.e. triangles. Listing
the triangles directly costs O(m √m) (Chiba & Nishizeki 1985): every tie is oriented from its
end of lower (degree, id position) rank to the other, so that an actor has at most √(2m)
out-partners, and a triangle is found once, at its lowest vertex, as a tied pair of that
vertex's out-partners. A star has no pair to try at all, where enumerating the pairs of the
hub's partners would take deg² steps (10^10 for a hub of 10^5 partners).

Chiba N., Nishizeki T. (1985) Arboricity and subgraph listing algorithms. SIAM J. Comput.
14(1):210–223.
"""

from __future__ import annotations

import numpy as np

from carenet_graph.analysis.arrays import distinct


def triangles(rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every triangle ``(a, b, c)`` once, of the undirected pattern on actors ``0 … n−1``.

    Parameters
    ----------
    rows, cols:
        Both arcs of every tie (``(u, v)`` and ``(v, u)``), int64, no self-loops, no repeats.
    n:
        Number of actors.

    Returns
    -------
    tuple of arrays
        ``a``, ``b``, ``c``: the triangles' vertices (``a`` of lowest rank), one entry each.

    Examples
    --------
    >>> u = np.array([0, 1, 1, 2, 0, 2, 2, 3]); v = np.array([1, 0, 2, 1, 2, 0, 3, 2])
    >>> [sorted(map(int, t)) for t in zip(*triangles(u, v, 4))]
    [[0, 1, 2]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    degree = np.bincount(rows, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    forward = rank[rows] < rank[cols]
    u, v = rows[forward], cols[forward]
    order = np.lexsort((v, u))
    u, v = u[order], v[order]
    end = np.searchsorted(u, np.arange(n) + 1)
    later = end[u] - np.arange(len(u)) - 1  # out-partners of u listed after this one
    first = np.repeat(np.arange(len(u)), later)
    second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
    b, c = v[first], v[second]
    tied = has_tie(np.minimum(rows, cols) * n + np.maximum(rows, cols), np.minimum(b, c) * n + np.maximum(b, c))
    return u[first][tied], b[tied], c[tied]


def has_tie(keys: np.ndarray, wanted: np.ndarray, *, unique: bool = False) -> np.ndarray:
    """Whether each of ``wanted`` is among ``keys`` (integer codes of pairs; any order, repeats allowed,
    unless ``unique`` says they are sorted and distinct already, as :func:`numpy.unique` gives them)."""
    keys = keys if unique else distinct(keys)
    if not len(keys):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found: np.ndarray = keys[at] == wanted
    return found
