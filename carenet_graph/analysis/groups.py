"""Groups: communities, within/between-group ties, mixing matrices and the E-I index.

``groups`` arguments map each actor to a group label (sector, type, municipality or
community); actors without a label form the group ``""`` (shown as "unknown"). Ties are
counted once per pair of the undirected projection of the collapsed graph, unweighted;
self-loops are not ties.

* density within g = internal ties / C(n_g, 2); between g ≠ h = ties / (n_g · n_h)
* E-I index = (E − I) / (E + I), E = ties between groups, I = ties within groups; −1 means
  all ties inside groups, +1 all across (Krackhardt & Stern 1988). Per group, E counts the
  group's external ties and I its internal ties.

E-I test (network level)
------------------------
Null model: the observed labels are assigned to the n actors uniformly at random, group
sizes n_g kept (all n! / Π n_g! distinct assignments equally likely); the ties stay fixed.
Isolated actors take part (they hold labels too).

* Expectation (exact). A tie {u, v}, u ≠ v, is internal when both ends draw the same label:
  P(internal) = p_int = Σ_g n_g (n_g − 1) / (n (n − 1)) (the first end draws g with
  probability n_g / n, the second then with (n_g − 1) / (n − 1)). With m = E + I ties, fixed
  under relabelling, EI = (m − 2 I) / m = 1 − 2 I / m, so by linearity
  E[EI] = 1 − 2 E[I] / m = 1 − 2 p_int — exact, not a permutation mean.
* Permutation test: the labels are shuffled over the actors taken in a canonical order
  (:func:`carenet_graph.analysis.order.structural_order`: by structural colour, started from
  the group, then by id) with ``numpy.random.default_rng(seed)``, R = ``permutations`` times,
  so the result depends neither on the order in which actors or ties were inserted nor on
  the ids. With the (1 + #) / (1 + R) form (the observed labelling counts as
  one draw; Phipson & Smyth 2010):

  - ``p_value`` (two-sided) = (1 + #{|EI_perm − E[EI]| ≥ |EI_obs − E[EI]| − 1e-12}) / (1 + R)
  - ``p_lower`` (as inward-looking as observed) = (1 + #{EI_perm ≤ EI_obs}) / (1 + R)
  - ``p_upper`` (as outward-looking as observed) = (1 + #{EI_perm ≥ EI_obs}) / (1 + R)

Krackhardt D., Stern R.N. (1988) Informal networks and organizational crises: an experimental
simulation. Social Psychology Quarterly 51(2):123–140.
Phipson B., Smyth G.K. (2010) Permutation p-values should never be zero. Statistical
Applications in Genetics and Molecular Biology 9(1):39.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carenet_graph.analysis.arrays import AnyGraph, GraphArrays, as_arrays, distinct
from carenet_graph.analysis.order import structural_order

UNKNOWN = ""


def _labels(A: GraphArrays, groups: Mapping[Hashable, Hashable]) -> dict[Hashable, str]:
    out = {}
    for v in A.nodes:
        label = groups.get(v)
        out[v] = UNKNOWN if label is None or (isinstance(label, float) and np.isnan(label)) else str(label)
    return out


def _edge_arrays(A: GraphArrays, labels: dict[Hashable, str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The groups (codes into the sorted names) of the two ends of every pair of the undirected
    projection (each pair once, loops left out), and the names."""
    names = sorted(set(labels.values()))
    code = {name: i for i, name in enumerate(names)}
    codes = np.array([code[labels[v]] for v in A.nodes], dtype=np.int64)
    off = ~A.loops()
    tails, heads = A.tails[off], A.heads[off]
    if A.directed:  # a pair tied both ways is one pair
        n = max(A.n, 1)
        pairs = distinct(np.minimum(tails, heads) * n + np.maximum(tails, heads))
        tails, heads = pairs // n, pairs % n
    return codes[tails], codes[heads], names


def _sizes(labels: dict[Hashable, str], names: list[str]) -> np.ndarray:
    code = {name: i for i, name in enumerate(names)}
    return np.bincount(np.array([code[label] for label in labels.values()], dtype=np.int64),
                       minlength=len(names)).astype(np.int64)


def group_table(H: AnyGraph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Per group: ``size``, ``internal_ties``, ``external_ties``, ``density_within``, ``ei_index``."""
    A = as_arrays(H)
    labels = _labels(A, groups)
    a, b, names = _edge_arrays(A, labels)
    k = len(names)
    sizes = _sizes(labels, names)
    internal = np.bincount(a[a == b], minlength=k)
    external = np.bincount(a[a != b], minlength=k) + np.bincount(b[a != b], minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where(sizes > 1, internal / (sizes * (sizes - 1) / 2), np.nan)
        ei = np.where(internal + external > 0, (external - internal) / (external + internal), np.nan)
    return pd.DataFrame({"size": sizes, "internal_ties": internal, "external_ties": external,
                         "density_within": density, "ei_index": ei},
                        index=pd.Index(names, name="group", dtype=object))


def mixing(H: AnyGraph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Long table of group pairs (g ≤ h): ``ties`` and ``density`` (see module docstring)."""
    A = as_arrays(H)
    labels = _labels(A, groups)
    a, b, names = _edge_arrays(A, labels)
    k = len(names)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (np.minimum(a, b), np.maximum(a, b)), 1)
    sizes = _sizes(labels, names)
    rows = []
    for i in range(k):
        for j in range(i, k):
            possible = sizes[i] * (sizes[i] - 1) / 2 if i == j else sizes[i] * sizes[j]
            rows.append((names[i], names[j], int(counts[i, j]), counts[i, j] / possible if possible else np.nan))
    return pd.DataFrame(rows, columns=["group", "other_group", "ties", "density"])


EI_METHOD = (
    "E-I index (Krackhardt & Stern 1988) on undirected unweighted ties; expected: exact mean under random "
    "relabelling with group sizes kept; p_value: two-sided label-permutation test on |EI - expected|, "
    "p_lower: P(EI <= observed), p_upper: P(EI >= observed), each (1 + #) / (1 + permutations)"
)


@dataclass(frozen=True)
class EITest:
    """Network E-I index, its exact expectation and label-permutation p-values.

    Attributes
    ----------
    ei_index : observed (E − I) / (E + I).
    expected : exact E[EI] = 1 − 2·p_int under random relabelling with group sizes kept.
    p_value : two-sided permutation p-value, deviation |EI − expected| at least as large as observed.
    permutations : number of label permutations drawn (0 when there are no ties).
    p_lower : one-sided p-value, EI at most the observed one (as inward-looking / homophilous).
    p_upper : one-sided p-value, EI at least the observed one (as outward-looking / heterophilous).
    method : a short statement of the test, for reports and network.json.
    """

    ei_index: float
    expected: float
    p_value: float
    permutations: int
    p_lower: float
    p_upper: float
    method: str = EI_METHOD


#: Ties × permutations from which the E-I draws are counted by a compiled loop.
COMPILED_WORK = 10**8


def ei_test(H: AnyGraph, groups: Mapping[Hashable, Hashable], permutations: int = 1000, seed: int = 0) -> EITest:
    """Network-level E-I index, its exact expectation and a seeded label-permutation test.

    EI = (E − I) / (E + I) over the ties of the undirected projection of ``H`` (each pair
    once, unweighted, self-loops ignored); E[EI] = 1 − 2·Σ_g n_g(n_g − 1) / (n(n − 1)),
    exact under random assignment of the labels to the actors with group sizes kept;
    p-values from ``permutations`` seeded label shuffles over the actors in canonical order
    (see the module docstring for the derivation and the three p-value formulas).

    Parameters
    ----------
    H : graph (directed or multi graphs are projected: a pair is tied when any arc joins it)
    groups : actor → group label; missing, None or NaN labels form the group ``""``
    permutations : number R of label permutations (≥ 0)
    seed : seed of ``numpy.random.default_rng``

    Returns
    -------
    EITest
        NaN figures and 0 permutations when ``H`` has no ties; with one group only,
        EI = expected = −1 and every p-value is 1.

    References
    ----------
    Krackhardt D., Stern R.N. (1988) Informal networks and organizational crises: an
    experimental simulation. Social Psychology Quarterly 51(2):123–140.

    Examples
    --------
    >>> square = nx.cycle_graph(["a", "b", "c", "d"])
    >>> result = ei_test(square, {"a": "x", "b": "x", "c": "y", "d": "y"}, permutations=99)
    >>> result.ei_index, round(result.expected, 4)  # E = I = 2; 1 − 2·(2 + 2)/(4·3)
    (0.0, 0.3333)
    """
    if permutations < 0:
        raise ValueError(f"permutations must be >= 0, got {permutations}")
    A = as_arrays(H)
    labels = _labels(A, groups)
    # Canonical actor order: labels are shuffled over positions in this order, so the draws,
    # and hence the p-values, do not depend on how H's nodes or edges were inserted.
    actors = structural_order(A, labels)
    n = len(actors)
    position = np.empty(n, dtype=np.int64)
    position[[A.position[v] for v in actors]] = np.arange(n)
    ends = np.column_stack([position[A.tails], position[A.heads]])
    ends = ends[ends[:, 0] != ends[:, 1]]
    # Undirected projection, each pair once (what nx.Graph(H) gives, without copying attributes).
    pairs = distinct(np.minimum(ends[:, 0], ends[:, 1]) * max(n, 1) + np.maximum(ends[:, 0], ends[:, 1]))
    m = len(pairs)
    if m == 0:
        nan = float("nan")
        return EITest(nan, nan, nan, 0, nan, nan)
    ua, ub = pairs // n, pairs % n
    names = sorted(set(labels.values()))
    code = {name: i for i, name in enumerate(names)}
    codes = np.array([code[labels[v]] for v in actors], dtype=np.int64)
    sizes = [int(size) for size in np.bincount(codes, minlength=len(names))]
    # Exact rational arithmetic on Python ints, one rounding at the end.
    same = sum(size * (size - 1) for size in sizes)
    ordered_pairs = n * (n - 1)
    expected = (ordered_pairs - 2 * same) / ordered_pairs

    observed_external = int(np.count_nonzero(codes[ua] != codes[ub]))
    observed = (2 * observed_external - m) / m
    external = np.zeros(permutations, dtype=np.int64)
    if len(names) > 1:  # with one group every draw has E = 0
        rng = np.random.default_rng(seed)
        if m * permutations < COMPILED_WORK:
            for r in range(permutations):
                shuffled = rng.permutation(codes)
                external[r] = np.count_nonzero(shuffled[ua] != shuffled[ub])
        else:  # the same draws and counts, compiled (numba's start-up pays off only here)
            from carenet_graph.analysis.compiled import external_ties, smallest_codes

            small, ua32, ub32 = smallest_codes(codes, len(names)), ua.astype(np.int32), ub.astype(np.int32)
            for r in range(permutations):
                external[r] = external_ties(rng.permutation(small), ua32, ub32)
    draws = (2 * external - m) / m
    deviation = abs(observed - expected)
    two_sided = int(np.count_nonzero(np.abs(draws - expected) >= deviation - 1e-12))
    # EI is increasing in E, so the one-sided counts compare the integer E exactly.
    lower = int(np.count_nonzero(external <= observed_external))
    upper = int(np.count_nonzero(external >= observed_external))
    total = 1 + permutations
    return EITest(ei_index=observed, expected=expected, p_value=(1 + two_sided) / total, permutations=permutations,
                  p_lower=(1 + lower) / total, p_upper=(1 + upper) / total)


def assortativity(H: AnyGraph, groups: Mapping[Hashable, Hashable]) -> float:
    """Newman's attribute assortativity of the group labels (NaN when undefined).

    Newman M.E.J. (2003) Mixing patterns in networks. Phys. Rev. E 67:026126.
    """
    A = as_arrays(H)
    labels = _labels(A, groups)
    a, b, names = _edge_arrays(A, labels)
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
