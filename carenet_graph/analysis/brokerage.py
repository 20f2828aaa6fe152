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

import networkx as nx
import numpy as np
import pandas as pd

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


@dataclass(frozen=True)
class Brokerage:
    """Raw counts (with ``brokerage_total``), expected counts and z-scores per actor."""

    counts: pd.DataFrame
    expected: pd.DataFrame
    z: pd.DataFrame


def _arcs(H: nx.Graph) -> dict[Hashable, set[Hashable]]:
    if H.is_directed():
        return {v: {w for w in H.successors(v) if w != v} for v in H}
    return {v: {w for w in H.neighbors(v) if w != v} for v in H}


def brokerage_counts(H: nx.Graph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Raw Gould–Fernandez counts per actor (columns :data:`ROLES` and ``brokerage_total``).

    ``groups`` maps every actor to its group (missing or None values form one group, "").
    """
    out_arcs = _arcs(H)
    in_arcs: dict[Hashable, set[Hashable]] = {v: set() for v in H}
    for v, targets in out_arcs.items():
        for w in targets:
            in_arcs[w].add(v)
    group = {v: groups.get(v) if groups.get(v) is not None else "" for v in H}
    nodes = list(H.nodes)
    counts = np.zeros((len(nodes), len(ROLES)), dtype=np.int64)
    for row, j in enumerate(nodes):
        gj = group[j]
        for i in in_arcs[j]:
            gi = group[i]
            reach = out_arcs[i]
            for k in out_arcs[j]:
                if k == i or k in reach:
                    continue
                gk = group[k]
                if gi == gj:
                    counts[row, 0 if gj == gk else 2] += 1
                elif gj == gk:
                    counts[row, 3] += 1
                elif gi == gk:
                    counts[row, 1] += 1
                else:
                    counts[row, 4] += 1
    frame = pd.DataFrame(counts, index=pd.Index(nodes, name="id", dtype=object), columns=list(ROLES))
    frame["brokerage_total"] = frame.sum(axis=1)
    return frame


def expected_brokerage(H: nx.Graph, groups: Mapping[Hashable, Hashable]) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    nodes = list(H.nodes)
    n = float(len(nodes))
    arcs = _arcs(H)
    m = float(sum(len(t) for t in arcs.values()))
    d = m / (n * (n - 1)) if n > 1 else 0.0
    q = d * d * (1 - d)
    c3 = d**3 * (1 - d) ** 3
    group = {v: groups.get(v) if groups.get(v) is not None else "" for v in nodes}
    sizes: dict[Hashable, float] = {}
    for v in nodes:
        sizes[group[v]] = sizes.get(group[v], 0.0) + 1.0
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


def brokerage(H: nx.Graph, groups: Mapping[Hashable, Hashable]) -> Brokerage:
    """Counts, expected counts and z-scores ((count − expected) / sd; NaN where sd = 0)."""
    counts = brokerage_counts(H, groups)
    expected, sd = expected_brokerage(H, groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (counts.astype(float) - expected) / sd.where(sd > 0)
    return Brokerage(counts, expected, z)
