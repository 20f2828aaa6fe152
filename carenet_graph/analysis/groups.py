"""Groups: communities, within/between-group ties, mixing matrices and the E-I index.

``groups`` arguments map each actor to a group label (sector, type, municipality or
community); actors without a label form the group ``""`` (shown as "unknown"). Ties are
counted once per pair of the (undirected view of the) collapsed graph, unweighted.

* density within g = internal ties / C(n_g, 2); between g ≠ h = ties / (n_g · n_h)
* E-I index = (E − I) / (E + I), E = ties between groups, I = ties within groups; −1 means
  all ties inside groups, +1 all across (Krackhardt & Stern 1988). Per group, E counts the
  group's external ties and I its internal ties.
* permutation test: group labels are shuffled over actors (sizes kept) ``permutations``
  times with a seeded generator; ``p_value`` = (1 + #{EI_perm ≤ EI_obs}) / (1 + R), the
  one-sided chance of a network this inward-looking (homophilous) if labels were random.

Krackhardt D., Stern R.N. (1988) Informal networks and organizational crises: an experimental
simulation. Social Psychology Quarterly 51(2):123–140.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

UNKNOWN = ""


def _labels(H: nx.Graph, groups: Mapping[Hashable, Hashable]) -> dict[Hashable, str]:
    out = {}
    for v in H:
        label = groups.get(v)
        out[v] = UNKNOWN if label is None or (isinstance(label, float) and np.isnan(label)) else str(label)
    return out


def _edge_arrays(H: nx.Graph, labels: dict[Hashable, str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    names = sorted(set(labels.values()))
    code = {name: i for i, name in enumerate(names)}
    seen: set[frozenset[Hashable]] = set()
    a, b = [], []
    for u, v in H.edges():
        if u == v:
            continue
        key = frozenset((u, v))
        if H.is_directed():
            if key in seen:
                continue
            seen.add(key)
        a.append(code[labels[u]])
        b.append(code[labels[v]])
    return np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), names


def group_table(H: nx.Graph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Per group: ``size``, ``internal_ties``, ``external_ties``, ``density_within``, ``ei_index``."""
    labels = _labels(H, groups)
    a, b, names = _edge_arrays(H, labels)
    k = len(names)
    sizes = np.zeros(k, dtype=np.int64)
    for label in labels.values():
        sizes[names.index(label)] += 1
    internal = np.bincount(a[a == b], minlength=k)
    external = np.bincount(a[a != b], minlength=k) + np.bincount(b[a != b], minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where(sizes > 1, internal / (sizes * (sizes - 1) / 2), np.nan)
        ei = np.where(internal + external > 0, (external - internal) / (external + internal), np.nan)
    return pd.DataFrame({"size": sizes, "internal_ties": internal, "external_ties": external,
                         "density_within": density, "ei_index": ei},
                        index=pd.Index(names, name="group", dtype=object))


def mixing(H: nx.Graph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Long table of group pairs (g ≤ h): ``ties`` and ``density`` (see module docstring)."""
    labels = _labels(H, groups)
    a, b, names = _edge_arrays(H, labels)
    k = len(names)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (np.minimum(a, b), np.maximum(a, b)), 1)
    sizes = np.zeros(k, dtype=np.int64)
    for label in labels.values():
        sizes[names.index(label)] += 1
    rows = []
    for i in range(k):
        for j in range(i, k):
            possible = sizes[i] * (sizes[i] - 1) / 2 if i == j else sizes[i] * sizes[j]
            rows.append((names[i], names[j], int(counts[i, j]), counts[i, j] / possible if possible else np.nan))
    return pd.DataFrame(rows, columns=["group", "other_group", "ties", "density"])


@dataclass(frozen=True)
class EITest:
    """Network E-I index with its permutation distribution summary."""

    ei_index: float
    expected: float
    p_value: float
    permutations: int


def ei_test(H: nx.Graph, groups: Mapping[Hashable, Hashable], permutations: int = 1000, seed: int = 0) -> EITest:
    """Network-level E-I index and a seeded label-permutation test (see module docstring)."""
    labels = _labels(H, groups)
    nodes = list(H.nodes)
    a_nodes, b_nodes = [], []
    position = {v: i for i, v in enumerate(nodes)}
    for u, v in nx.Graph(H).edges():
        if u != v:
            a_nodes.append(position[u])
            b_nodes.append(position[v])
    if not a_nodes:
        return EITest(float("nan"), float("nan"), float("nan"), 0)
    names = sorted(set(labels.values()))
    codes = np.array([names.index(labels[v]) for v in nodes])
    ua, ub = np.asarray(a_nodes), np.asarray(b_nodes)

    def ei(c: np.ndarray) -> float:
        external = np.count_nonzero(c[ua] != c[ub])
        return float((2 * external - len(ua)) / len(ua))

    observed = ei(codes)
    rng = np.random.default_rng(seed)
    draws = np.array([ei(rng.permutation(codes)) for _ in range(permutations)])
    p = (1 + int(np.count_nonzero(draws <= observed + 1e-12))) / (1 + permutations)
    return EITest(observed, float(draws.mean()) if permutations else float("nan"), p, permutations)


def assortativity(H: nx.Graph, groups: Mapping[Hashable, Hashable]) -> float:
    """Newman's attribute assortativity of the group labels (NaN when undefined).

    Newman M.E.J. (2003) Mixing patterns in networks. Phys. Rev. E 67:026126.
    """
    labels = _labels(H, groups)
    a, b, names = _edge_arrays(H, labels)
    if len(a) == 0:
        return float("nan")
    k = len(names)
    e = np.zeros((k, k))
    np.add.at(e, (a, b), 1)
    np.add.at(e, (b, a), 1)
    e /= e.sum()
    ai = e.sum(axis=1)
    denominator = 1 - float(ai @ ai)
    return float((np.trace(e) - ai @ ai) / denominator) if denominator > 0 else float("nan")
