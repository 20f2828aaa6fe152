"""Gould–Fernandez brokerage roles by group (sector, type, municipality...).

Counts, for each actor j, the open two-paths i → j → k (i ≠ k, no arc i → k) by the groups
of i, j and k, on a directed graph in which an undirected tie is two arcs:

=================  ==========================  ===========================================
role               groups                      meaning
=================  ==========================  ===========================================
coordinator        g(i) = g(j) = g(k)          mediates within its own group
itinerant          g(i) = g(k) ≠ g(j)          outsider mediating within another group
representative     g(i) = g(j) ≠ g(k)          carries its group's contact out
gatekeeper         g(i) ≠ g(j) = g(k)          lets outside contact into its group
liaison            g(i), g(j), g(k) distinct   links two groups, belonging to neither
=================  ==========================  ===========================================

The raw counts equal those of R's ``sna::brokerage`` (w_I, w_O, b_IO, b_OI, b_O); expected
counts and their standard deviations under the Gould–Fernandez null model (arcs independent
with the observed density d = arcs / (n(n−1))) follow the same source:
E[w_I] = d²(1−d)(n_g−1)(n_g−2) for a broker in a group of size n_g, and so on (see
:func:`expected_brokerage`). Ties are unweighted here: brokerage concerns who can reach whom.

Gould R.V., Fernandez R.M. (1989) Structures of mediation: a formal approach to brokerage in
transaction networks. Sociological Methodology 19:89–126.
Butts C.T. (2008) Social network analysis with sna. J. Stat. Softw. 24(6).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from math import comb

import numpy as np
import pandas as pd

from carenet_graph.analysis.arrays import AnyGraph, GraphArrays, as_arrays, distinct, distinct_counts, distinct_inverse
from carenet_graph.analysis.triads import has_tie, triangles

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


@dataclass(frozen=True)
class Brokerage:
    """Raw counts (with ``brokerage_total``), expected counts and z-scores per actor."""

    counts: pd.DataFrame
    expected: pd.DataFrame
    z: pd.DataFrame


def brokerage_counts(H: AnyGraph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Raw Gould–Fernandez counts per actor (columns :data:`ROLES` and ``brokerage_total``).

    ``groups`` maps every actor to its group (missing or None values form one group, "").

    Counted without listing the two-paths (a hub of k partners has k(k−1) of them). For broker
    j of group G with a_h in-partners and b_h out-partners in group h (A = Σ a_h, B = Σ b_h),
    the ordered pairs (i, k) of an in-partner and an out-partner number, by role,

    * coordinator a_G b_G,  representative a_G (B − b_G),  gatekeeper (A − a_G) b_G,
    * itinerant S = Σ_{h≠G} a_h b_h,  liaison (A − a_G)(B − b_G) − S;

    from these are taken the pairs with i = k (partners tied both ways: coordinator or itinerant)
    and the closed two-paths i → j → k with an arc i → k, each a triangle of the undirected
    view, listed in O(m √m) (:func:`~carenet_graph.analysis.triads.triangles`).
    """
    A = as_arrays(H)
    nodes = list(A.nodes)
    n = len(nodes)
    src, dst = _arc_arrays(A)
    code = _group_codes(nodes, groups)
    size = int(code.max()) + 1 if n else 1
    a_all = np.bincount(dst, minlength=n).astype(np.int64)  # in-partners
    b_all = np.bincount(src, minlength=n).astype(np.int64)  # out-partners
    a_keys, a_counts = distinct_counts(dst * size + code[src])
    b_keys, b_counts = distinct_counts(src * size + code[dst])
    own = np.arange(n, dtype=np.int64) * size + code
    a_own = _lookup(a_keys, a_counts, own)
    b_own = _lookup(b_keys, b_counts, own)
    both, in_a, in_b = np.intersect1d(a_keys, b_keys, assume_unique=True, return_indices=True)
    same_group_pairs = np.zeros(n, dtype=np.int64)
    np.add.at(same_group_pairs, both // size, a_counts[in_a].astype(np.int64) * b_counts[in_b])
    itinerant = same_group_pairs - a_own * b_own
    counts = np.stack([a_own * b_own, itinerant, a_own * (b_all - b_own), (a_all - a_own) * b_own,
                       (a_all - a_own) * (b_all - b_own) - itinerant], axis=1)
    arc_keys = distinct(src * n + dst)  # sorted once for every lookup below
    # i = k: a partner tied both ways.
    mutual = has_tie(arc_keys, dst * n + src, unique=True)
    j, i = src[mutual], dst[mutual]
    np.subtract.at(counts, (j, np.where(code[i] == code[j], 0, 1)), 1)
    # Closed two-paths i → j → k with an arc i → k.
    ties = distinct(np.minimum(src, dst) * n + np.maximum(src, dst))
    lo, hi = ties // max(n, 1), ties % max(n, 1)
    a, b, c = triangles(np.concatenate((lo, hi)), np.concatenate((hi, lo)), n)
    for i, j, k in ((a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)):
        closed = (has_tie(arc_keys, i * n + j, unique=True) & has_tie(arc_keys, j * n + k, unique=True)
                  & has_tie(arc_keys, i * n + k, unique=True))
        i, j, k = i[closed], j[closed], k[closed]
        np.subtract.at(counts, (j, _role(code[i], code[j], code[k])), 1)
    frame = pd.DataFrame(counts, index=pd.Index(nodes, name="id", dtype=object), columns=list(ROLES))
    frame["brokerage_total"] = frame.sum(axis=1)
    return frame


def _arc_arrays(A: GraphArrays) -> tuple[np.ndarray, np.ndarray]:
    """Sources and targets (actor positions) of the arcs, loops left out: a directed graph's arcs,
    an undirected tie as an arc each way."""
    off = ~A.loops()
    if A.directed:
        return A.tails[off], A.heads[off]
    return np.concatenate([A.tails[off], A.heads[off]]), np.concatenate([A.heads[off], A.tails[off]])


def _group_codes(nodes: list[Hashable], groups: Mapping[Hashable, Hashable]) -> np.ndarray:
    """An integer per actor, equal exactly when the groups compare equal (a label that is not
    equal to itself, such as NaN, equals no other actor's)."""
    codes: dict[Hashable, int] = {}
    out = np.empty(len(nodes), dtype=np.int64)
    fresh = len(nodes)
    for t, v in enumerate(nodes):
        label = groups.get(v) if groups.get(v) is not None else ""
        if label != label:
            out[t] = fresh
            fresh += 1
            continue
        out[t] = codes.setdefault(label, len(codes))
    if len(nodes):
        # Compact the codes so that actor × group keys stay small.
        out = distinct_inverse(out)[1]
    return out


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``values`` at ``wanted`` keys (sorted unique ``keys``), 0 where absent."""
    if not len(keys):
        return np.zeros(len(wanted), dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, values[at], 0).astype(np.int64)


def _role(gi: np.ndarray, gj: np.ndarray, gk: np.ndarray) -> np.ndarray:
    """Column of :data:`ROLES` of two-paths i → j → k by the groups of i, j and k."""
    return np.where(gi == gj, np.where(gj == gk, 0, 2), np.where(gj == gk, 3, np.where(gi == gk, 1, 4)))


def expected_brokerage(H: AnyGraph, groups: Mapping[Hashable, Hashable]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expected counts and standard deviations per actor under the Gould–Fernandez null model.

    With n actors, arcs m, d = m / (n(n−1)), q = d²(1−d), group sizes n_h and the broker's
    group size n_g (sums over h run over the *other* groups):

    * coordinator     E = q (n_g−1)(n_g−2)
    * itinerant       E = q Σ_h n_h(n_h−1)
    * representative  E = q (n−n_g)(n_g−1), gatekeeper the same
    * liaison         E = q [(Σ_h n_h)² − Σ_h n_h²]
    * total           E = q (n−1)(n−2)

    Variances as in ``sna::brokerage`` (Butts 2008), e.g. Var[w_I] = E(1−q) +
    2(n_g−1)(n_g−2)(n_g−3) d³(1−d)³.
    """
    A = as_arrays(H)
    nodes = list(A.nodes)
    n = float(len(nodes))
    m = float(len(_arc_arrays(A)[0]))
    d = m / (n * (n - 1)) if n > 1 else 0.0
    q = d * d * (1 - d)
    c3 = d**3 * (1 - d) ** 3
    group = {v: groups.get(v) if groups.get(v) is not None else "" for v in nodes}
    sizes: dict[Hashable, float] = {}
    for actor in nodes:
        sizes[group[actor]] = sizes.get(group[actor], 0.0) + 1.0
    by_group: dict[Hashable, tuple[list[float], list[float]]] = {}
    for g, ng in sizes.items():
        other = np.array([s for h, s in sizes.items() if h != g], dtype=float)
        e = [
            q * (ng - 1) * (ng - 2),
            q * float(np.sum(other * (other - 1))),
            q * (n - ng) * (ng - 1),
            q * (n - ng) * (ng - 1),
            q * float(np.sum(other) ** 2 - np.sum(other**2)),
            q * (n - 1) * (n - 2),
        ]
        v = [
            e[0] * (1 - q) + 2 * (ng - 1) * (ng - 2) * (ng - 3) * c3,
            e[1] * (1 - q) + 2 * float(np.sum(other * (other - 1) * (other - 2))) * c3,
            e[2] * (1 - q) + 2 * ((ng - 1) * comb(int(n - ng), 2) + (n - ng) * comb(int(ng - 1), 2)) * c3,
            0.0,
            e[4] * (1 - q) + 4 * float(np.sum([o * comb(int(n - o - ng), 2) for o in other])) * c3,
            e[5] * (1 - q) + 2 * (n - 1) * (n - 2) * (n - 3) * c3,
        ]
        v[3] = v[2]
        by_group[g] = (e, v)
    columns = [*ROLES, "brokerage_total"]
    index = pd.Index(nodes, name="id", dtype=object)
    means = np.array([by_group[group[v]][0] for v in nodes], dtype=float).reshape(len(nodes), len(columns))
    expected = pd.DataFrame(means, index=index, columns=columns)
    variances = np.array([by_group[group[v]][1] for v in nodes], dtype=float).reshape(len(nodes), len(columns))
    sd = pd.DataFrame(np.sqrt(np.maximum(variances, 0.0)), index=index, columns=columns)
    return expected, sd


def brokerage(H: AnyGraph, groups: Mapping[Hashable, Hashable]) -> Brokerage:
    """Counts, expected counts and z-scores ((count − expected) / sd; NaN where sd = 0)."""
    H = as_arrays(H)
    counts = brokerage_counts(H, groups)
    expected, sd = expected_brokerage(H, groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (counts.astype(float) - expected) / sd.where(sd > 0)
    return Brokerage(counts, expected, z)
