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

Burt R.S. (1992) Structural Holes. Harvard University Press, pp. 54–71.
Borgatti S.P. (1997) Structural holes: unpacking Burt's redundancy measures. Connections 20:35–38.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from carenet_graph.network import STRENGTH


def structural_holes(H: nx.Graph, weight: str = STRENGTH) -> pd.DataFrame:
    """``constraint``, ``effective_size`` and ``hierarchy`` per actor (see module docstring)."""
    nodes = list(H.nodes)
    index = pd.Index(nodes, name="id", dtype=object)
    n = len(nodes)
    if n == 0:
        return pd.DataFrame({"constraint": [], "effective_size": [], "hierarchy": []}, index=index)
    W = nx.to_scipy_sparse_array(H, nodelist=nodes, weight=weight, format="csr").astype(float)
    W = sp.csr_matrix(W)
    if H.is_directed():
        W = sp.csr_matrix(W + W.T)
    W.setdiag(0)
    W.eliminate_zeros()
    totals = np.asarray(W.sum(axis=1)).ravel()
    maxima = W.max(axis=1).toarray().ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        P = sp.csr_matrix(sp.diags(np.where(totals > 0, 1.0 / totals, 0.0)) @ W)
        M = sp.csr_matrix(sp.diags(np.where(maxima > 0, 1.0 / maxima, 0.0)) @ W)
    # Indirect paths i→q→j; the diagonal (q = i or j) terms vanish because P has no diagonal.
    PP = sp.csr_matrix(P @ P)
    pattern = P.copy()
    pattern.data = np.ones_like(pattern.data)
    indirect = sp.csr_matrix(PP.multiply(pattern))  # only pairs that are tied
    local = (P + indirect)
    local = sp.csr_matrix(local.multiply(pattern))
    local.data = local.data ** 2
    constraint = np.asarray(local.sum(axis=1)).ravel()
    # Redundancy of contact j for i: Σ_q p_iq m_jq = (P Mᵀ)_ij, over tied pairs.
    redundancy = sp.csr_matrix(sp.csr_matrix(P @ M.T).multiply(pattern))
    degree = np.diff(W.indptr)
    effective = degree - np.asarray(redundancy.sum(axis=1)).ravel()
    hierarchy = np.full(n, np.nan)
    local.sort_indices()
    for i in range(n):
        k = degree[i]
        if k < 2 or constraint[i] <= 0:
            continue
        cij = local.data[local.indptr[i]:local.indptr[i + 1]]
        r = cij / (constraint[i] / k)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(r > 0, r * np.log(r), 0.0)
        hierarchy[i] = float(terms.sum() / (k * np.log(k)))
    isolated = degree == 0
    constraint = np.where(isolated, np.nan, constraint)
    effective = np.where(isolated, np.nan, effective).astype(float)
    return pd.DataFrame({"constraint": constraint, "effective_size": effective, "hierarchy": hierarchy}, index=index)
