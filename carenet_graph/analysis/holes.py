"""Burt's structural holes: constraint, effective size and hierarchy, on ``strength``.

Computed with sparse matrices (fast at 10^5 actors) and equal to networkx's
``constraint(H, weight="strength")`` and ``effective_size(H, weight="strength")``.

With w_ij the strength of the tie i–j (0 if none; a directed ``H`` uses the mutual weight
w_ij + w_ji), p_ij = w_ij / Σ_k w_ik is the proportional tie strength and
m_jq = w_jq / max_k w_jk the marginal strength. Then, for actor i with contacts N(i):

* constraint      c_i = Σ_{j∈N(i)} c_ij,  c_ij = (p_ij + Σ_{q≠i,j} p_iq p_qj)²
* effective size  e_i = Σ_{j∈N(i)} (1 − Σ_{q≠i,j} p_iq m_jq)
* hierarchy       h_i = Σ_j (r_ij ln r_ij) / (|N(i)| ln |N(i)|),  r_ij = c_ij / (c_i / |N(i)|)

Isolates have no contacts: constraint and effective size are NaN (as in networkx); hierarchy
is NaN for fewer than two contacts (the formula divides by |N| ln |N| = 0).

Cost. The indirect sums Σ_q run over the common contacts q ∈ N(i) ∩ N(j) only (every other
term is 0), that is over the triangles i–q–j. The triangles are listed once each
(:func:`~carenet_graph.analysis.triads.triangles`), in time O(m √m) at worst and O(n + m)
for a star, where the products P·P and P·Mᵀ of the plain matrix formulation hold an
entry for every two-path (deg² of them at a hub: 10^10 for a hub of 10^5 partners). Sums are
taken in the order sparse matrix products take them, so the figures equal the matrix
formulation's to the last bit (checked in tests/analysis/test_hubs.py).

Burt R.S. (1992) Structural Holes. Harvard University Press, pp. 54–71.
Borgatti S.P. (1997) Structural holes: unpacking Burt's redundancy measures. Connections 20:35–38.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from carenet_graph.analysis.arrays import AnyGraph, as_arrays, distinct_first
from carenet_graph.analysis.triads import triangles
from carenet_graph.network import STRENGTH


def structural_holes(H: AnyGraph, weight: str = STRENGTH) -> pd.DataFrame:
    """``constraint``, ``effective_size`` and ``hierarchy`` per actor (see module docstring)."""
    A = as_arrays(H)
    index = pd.Index(list(A.nodes), name="id", dtype=object)
    n = A.n
    if n == 0:
        return pd.DataFrame({"constraint": [], "effective_size": [], "hierarchy": []}, index=index)
    W = sp.csr_matrix(A.matrix(weight).astype(float), copy=True)
    if A.directed:
        W = sp.csr_matrix(W + W.T)
    W.setdiag(0)
    W.eliminate_zeros()
    totals = np.asarray(W.sum(axis=1)).ravel()
    maxima = W.max(axis=1).toarray().ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        P = sp.csr_matrix(sp.diags(np.where(totals > 0, 1.0 / totals, 0.0)) @ W)
        M = sp.csr_matrix(sp.diags(np.where(maxima > 0, 1.0 / maxima, 0.0)) @ W)
    local, redundancy = _tie_terms(P, M)
    constraint = np.asarray(local.sum(axis=1)).ravel()
    degree = np.diff(W.indptr)
    effective = degree - np.asarray(redundancy.sum(axis=1)).ravel()
    local.sort_indices()
    hierarchy = _hierarchy(local, constraint, degree)
    isolated = degree == 0
    constraint = np.where(isolated, np.nan, constraint)
    effective = np.where(isolated, np.nan, effective).astype(float)
    return pd.DataFrame({"constraint": constraint, "effective_size": effective, "hierarchy": hierarchy}, index=index)


#: Actors from which the hierarchy's sums run in compiled code (one loop instead of one numpy
#: call per actor); both give the same bits (tested).
COMPILED_ACTORS = 20_000


def _hierarchy(local: sp.csr_matrix, constraint: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Burt's hierarchy per actor i with k ≥ 2 ties and C > 0 (NaN otherwise):
    Σ_j r_ij ln r_ij / (k ln k), r_ij = c_ij / (C / k), over i's entries of ``local`` (sorted)."""
    n = len(degree)
    hierarchy = np.full(n, np.nan)
    wanted = (degree >= 2) & (constraint > 0)
    if n >= COMPILED_ACTORS:
        from carenet_graph.analysis.compiled import row_sums

        rows = np.repeat(np.arange(n), np.diff(local.indptr))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = local.data / (constraint / degree)[rows]
            terms = np.where(r > 0, r * np.log(r), 0.0)
        sums = row_sums(terms, local.indptr)
        for i in np.flatnonzero(wanted).tolist():
            k = degree[i]
            hierarchy[i] = float(sums[i] / (k * np.log(k)))
        return hierarchy
    for i in np.flatnonzero(wanted).tolist():
        k = degree[i]
        cij = local.data[local.indptr[i]:local.indptr[i + 1]]
        r = cij / (constraint[i] / k)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(r > 0, r * np.log(r), 0.0)
        hierarchy[i] = float(terms.sum() / (k * np.log(k)))
    return hierarchy

class _Entries:
    """A CSR matrix's entries sorted by (row, column), with each entry's place in its stored row."""

    def __init__(self, A: sp.csr_matrix) -> None:
        n = A.shape[1]
        rows = np.repeat(np.arange(A.shape[0], dtype=np.int64), np.diff(A.indptr))
        keys = rows * n + A.indices.astype(np.int64)
        self.order = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]
        self.rows = rows[self.order]
        self.cols = A.indices.astype(np.int64)[self.order]
        self.data = A.data[self.order]
        self.place = (np.arange(len(keys), dtype=np.int64) - A.indptr[rows])[self.order]
        self.n = n

    def find(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Positions (in the sorted entries) of the entries (rows[t], cols[t]), which must exist."""
        found: np.ndarray = np.searchsorted(self.keys, rows * self.n + cols)
        return found


def _tie_terms(P: sp.csr_matrix, M: sp.csr_matrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """``local`` (c_ij on every tie) and ``redundancy`` (Σ_q p_iq m_jq on ties with a common contact).

    Both hold their entries in the order (and with the sums taken in the order) that
    ``((P + (P @ P) ∘ pattern) ∘ pattern)²`` and ``(P @ Mᵀ) ∘ pattern`` give with SciPy's sparse
    products: a row's products accumulate over q in the order of P's stored row, and the
    redundancy of (i, j) comes at the first q of that row that is a common contact, then in the
    order of row q of Mᵀ. Only triangles are visited (see the module docstring).
    """
    n = P.shape[0]
    p = _Entries(P)
    m = _Entries(M)
    mt = _Entries(sp.csr_matrix(M.T))
    a, b, c = triangles(p.rows, p.cols, n)
    # The six ordered (i, j) ties of each triangle with their common contact q.
    i = np.concatenate((a, b, a, c, b, c))
    j = np.concatenate((b, a, c, a, c, b))
    q = np.concatenate((c, c, b, b, a, a))
    tie = p.find(i, j)
    iq = p.find(i, q)
    order = np.lexsort((p.place[iq], tie))
    tie, iq, i, j, q = tie[order], iq[order], i[order], j[order], q[order]
    indirect = np.zeros(len(p.keys))
    np.add.at(indirect, tie, p.data[iq] * p.data[p.find(q, j)])
    redundant = np.zeros(len(p.keys))
    np.add.at(redundant, tie, p.data[iq] * m.data[m.find(j, q)])
    # c_ij in P's stored order (that of the sum over j in the matrix formulation).
    local_data = np.empty(len(p.keys))
    local_data[p.order] = (p.data + indirect) ** 2
    local = sp.csr_matrix((local_data, P.indices.copy(), P.indptr.copy()), shape=P.shape)
    # Redundancy entries: ties with a common contact, ordered by the first such q in row i, then
    # by the place of j in row q of Mᵀ.
    ties, first = distinct_first(tie)
    q_first = q[first]
    place_in_mt = mt.place[mt.find(q_first, j[first])]
    ranked = np.lexsort((place_in_mt, p.place[iq[first]], p.rows[ties]))
    ties = ties[ranked]
    counts = np.bincount(p.rows[ties], minlength=n)
    redundancy = sp.csr_matrix((redundant[ties], p.cols[ties].astype(P.indices.dtype),
                                np.concatenate(([0], np.cumsum(counts))).astype(P.indptr.dtype)), shape=P.shape)
    return local, redundancy
