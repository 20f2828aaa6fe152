"""Invariance as a law (issue 11): the results depend on the network, not on how its tables
were written down.

Random small networks (:mod:`tests.support.networks`: 4–14 actors in 2–3 sectors and
municipalities, pairs reported by one or both sides, directed / undirected / mutual ties, levels
0–5 or empty, sometimes a ``reported_by`` column) are written as CSV files and read back, once as
drawn and once transformed:

1. rows of the actors table and of the ties table reordered (independently);
2. source and target exchanged on undirected and mutual ties (reporter kept), and an empty
   ``reported_by`` written out as the source (who reported the tie by definition);
3. ids relabelled, keeping their order ("x-" prefix) or through an arbitrary bijection.

For every mode, :func:`~carenet_graph.analysis.run.analyze` must give the same results, up to
the relabelling: floats to 1e-9, integers and booleans exactly, communities as a partition.
An arbitrary relabelling may change the communities (seeded Leiden depends on the order it
takes the actors in, and look-alike actors can only be ordered by id; the spec guarantees only the
partition's quality), so there the partition, its modularity and its number of communities are
not compared; everything else is. :func:`~carenet_graph.network.collapse`, where most
order effects start, is checked directly too.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from carenet_graph.analysis.run import Analysis, analyze
from carenet_graph.network import collapse
from carenet_graph.read.load import NetworkData, to_graph
from tests.support.networks import (
    Network,
    direction_of,
    explicit_reporters,
    networks,
    permute_rows,
    read,
    relabel,
    reporter_of,
    swap_symmetric,
)

Mode = Literal["undirected", "directed", "mutual"]
MODES: tuple[Mode, ...] = ("undirected", "directed", "mutual")
TOLERANCE = 1e-9
PERMUTATIONS = 200
# Deterministic: the same examples on every run and machine. One example reads two networks
# and analyses both in the three modes (about 0.25 s). A failing example is not shrunk (that
# takes minutes per test); CARENET_SHRINK=1 shrinks it to the smallest network that fails.
PHASES = tuple(Phase) if os.environ.get("CARENET_SHRINK") == "1" else (Phase.explicit, Phase.generate)
ANALYSIS = settings(derandomize=True, max_examples=5, deadline=None, database=None, phases=PHASES,
                    suppress_health_check=[HealthCheck.too_slow])
COLLAPSE = settings(ANALYSIS, max_examples=10)
HEAVY = settings(ANALYSIS, max_examples=50)
#: Network figures that describe the community partition.
COMMUNITY_FIGURES = ("extra.communities", "extra.modularity")


@dataclass(frozen=True)
class Case:
    """A network, the same network transformed, and the id map from the first to the second."""

    original: Network
    transformed: Network
    ids: dict[str, str]
    #: Whether the community partition must be the same (not after an arbitrary relabelling).
    communities: bool = True


# -- hand-made cases that once broke the law (run before the drawn ones) -----------------


def _actor(ident: str, sector: str) -> dict[str, Any]:
    kind = {"medical": "general_practitioner", "nursing_care": "home_nursing_service"}[sector]
    return {"id": ident, "name": f"Organisation {ident}", "type": kind, "sector": sector, "municipality": "Lemgo"}


def _tie(source: str, target: str, level: int | None, direction: str) -> dict[str, Any]:
    return {"source": source, "target": target, "type": "consultation", "level": level, "direction": direction}


#: a and b report each other as directed ties at levels 3 and 1, c–d one undirected tie
#: reported from both ends without reported_by, d → e at level 0 (no tie).
REPORTED_BOTH_WAYS = Network(
    actors=tuple(_actor(i, s) for i, s in (("a", "medical"), ("b", "medical"), ("c", "nursing_care"),
                                           ("d", "nursing_care"), ("e", "medical"))),
    ties=(_tie("a", "b", 3, "directed"), _tie("b", "a", 1, "directed"), _tie("b", "c", 2, "undirected"),
          _tie("c", "d", 4, "undirected"), _tie("d", "c", 4, "undirected"), _tie("d", "e", 0, "directed")),
    with_reporter=False,
)
#: Three medical–nursing pairs m1–n1, m2–n2, m3–n3: every medical actor looks like every
#: other, every nursing one too, yet pairing them up by id order is not a symmetry.
THREE_PAIRS = Network(
    actors=tuple(_actor(f"{s[0]}{k}", s) for s in ("medical", "nursing_care") for k in (1, 2, 3)),
    ties=tuple(_tie(f"m{k}", f"n{k}", 3, "undirected") for k in (1, 2, 3)),
    with_reporter=False,
)


REVERSED = permute_rows(REPORTED_BOTH_WAYS, [4, 3, 2, 1, 0], [5, 4, 3, 2, 1, 0])
SYMMETRIC = [False, False, True, True, True, False]  # the undirected rows
D_REPORTS_C = [False, False, False, False, True, False]  # d's report of c–d with reported_by written out
N1_N3_SWAPPED = {"m1": "m1", "m2": "m2", "m3": "m3", "n1": "n3", "n2": "n2", "n3": "n1"}


# -- transformations ----------------------------------------------------------------------


def _identity(network: Network) -> dict[str, str]:
    return {i: i for i in network.ids}


@st.composite
def permuted(draw: Callable[..., Any]) -> Case:
    original = draw(networks())
    actor_order = draw(st.permutations(range(len(original.actors))))
    tie_order = draw(st.permutations(range(len(original.ties))))
    return Case(original, permute_rows(original, actor_order, tie_order), _identity(original))


def _flags(network: Network, likely: bool = True) -> st.SearchStrategy[list[bool]]:
    """One flag per tie row, mostly true (``likely``) or half and half."""
    flag = st.integers(0, 3).map(bool) if likely else st.booleans()
    return st.lists(flag, min_size=len(network.ties), max_size=len(network.ties))


@st.composite
def swapped(draw: Callable[..., Any]) -> Case:
    """Undirected and mutual ties with source and target swapped (mostly; a few left as they were).

    The reporter of a tie without ``reported_by`` is its source, so a swapped tie gets that
    reporter written out; the original has it written out too, so that the swap is all that
    differs (writing it out is :func:`explicit`).
    """
    drawn = draw(networks())
    flags = draw(_flags(drawn))
    symmetric = [flag and direction_of(tie) != "directed" for tie, flag in zip(drawn.ties, flags, strict=True)]
    original = explicit_reporters(drawn, symmetric)
    return Case(original, swap_symmetric(original, symmetric), _identity(original))


@st.composite
def explicit(draw: Callable[..., Any]) -> Case:
    """An empty ``reported_by`` written out as the tie's source (its reporter by definition)."""
    original = draw(networks())
    return Case(original, explicit_reporters(original, draw(_flags(original, likely=False))), _identity(original))


@st.composite
def prefixed(draw: Callable[..., Any]) -> Case:
    original = draw(networks())
    ids = {i: f"x-{i}" for i in original.ids}
    return Case(original, relabel(original, ids), ids)


@st.composite
def relabelled(draw: Callable[..., Any]) -> Case:
    original = draw(networks())
    # New ids in a random order relative to the old ones, of varying length and alphabet.
    order = draw(st.permutations(range(len(original.ids))))
    stems = ("k", "Zentrum-", "vård_", "B")
    ids = {old: f"{stems[k % len(stems)]}{k}" for old, k in zip(original.ids, order, strict=True)}
    return Case(original, relabel(original, ids), ids, communities=False)


@st.composite
def everything(draw: Callable[..., Any], relabelling: st.SearchStrategy[Case]) -> Case:
    """All transformations at once: ids relabelled, reporters written out, ends of symmetric ties
    swapped, then the rows of both tables reordered."""
    case: Case = draw(relabelling)
    network = explicit_reporters(case.transformed, draw(_flags(case.transformed, likely=False)))
    network = swap_symmetric(network, draw(_flags(network, likely=False)))
    actor_order = draw(st.permutations(range(len(network.actors))))
    tie_order = draw(st.permutations(range(len(network.ties))))
    return replace(case, transformed=permute_rows(network, actor_order, tie_order))


# -- reading and comparing ----------------------------------------------------------------


def _read(network: Network) -> NetworkData:
    """The network read back; the generator writes only valid tables, so nothing is rejected."""
    data = read(network)
    assert not data.report.has_errors, [p.rule for p in data.report.problems if p.severity == "error"]
    assert sorted(data.actors.index) == sorted(network.ids)
    return data


def _graphs(case: Case) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    return to_graph(_read(case.original)), to_graph(_read(case.transformed))


def _same_value(x: Any, y: Any) -> bool:
    missing_x = x is None or (isinstance(x, float) and math.isnan(x))
    missing_y = y is None or (isinstance(y, float) and math.isnan(y))
    if missing_x or missing_y:
        # None and NaN both say "not defined"; one defined and one not is a difference.
        return missing_x and missing_y
    if isinstance(x, bool | np.bool_) or isinstance(y, bool | np.bool_):
        return bool(x) == bool(y)
    if isinstance(x, float | np.floating) or isinstance(y, float | np.floating):
        return abs(float(x) - float(y)) <= TOLERANCE
    return bool(x == y)


def _describe(x: Any, y: Any) -> str:
    if isinstance(x, int | float | np.number) and isinstance(y, int | float | np.number) and \
            not isinstance(x, bool | np.bool_) and not isinstance(y, bool | np.bool_):
        return f"{x!r} vs {y!r} (|Δ| = {abs(float(x) - float(y)):.3g})"
    return f"{x!r} vs {y!r}"


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): value}


def compare_dicts(what: str, a: Mapping[str, Any], b: Mapping[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    flat_a, flat_b = _flatten(a), _flatten(b)
    if flat_a.keys() != flat_b.keys():
        return [f"{what}: keys differ: {sorted(flat_a.keys() ^ flat_b.keys())}"]
    return [f"{what}.{key}: {_describe(flat_a[key], flat_b[key])}" for key in flat_a
            if key not in skip and not _same_value(flat_a[key], flat_b[key])]


def compare_frames(what: str, a: pd.DataFrame, b: pd.DataFrame, ids: Mapping[Any, Any] | None = None,
                   partitions: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> list[str]:
    """Differences between two tables, rows aligned through ``ids`` (by position when None).

    Columns in ``partitions`` are compared as groupings of the rows (labels may differ).
    """
    if list(a.columns) != list(b.columns):
        return [f"{what}: columns differ: {list(a.columns)} vs {list(b.columns)}"]
    if ids is None:
        if len(a) != len(b) or list(a.index) != list(b.index):
            return [f"{what}: rows differ: {list(a.index)} vs {list(b.index)}"]
        aligned = b
    else:
        wanted = [ids[i] for i in a.index]
        if sorted(map(str, wanted)) != sorted(map(str, b.index)):
            return [f"{what}: ids differ: {sorted(wanted)} vs {sorted(b.index)}"]
        aligned = b.loc[wanted].set_axis(a.index)
    problems = []
    for column in a.columns:
        if column in skip:
            continue
        if column in partitions:
            if _partition(a[column]) != _partition(aligned[column]):
                problems.append(f"{what}.{column}: partition {_show(a[column])} vs {_show(aligned[column])}")
            continue
        if a[column].dtype != aligned[column].dtype:
            problems.append(f"{what}.{column}: dtype {a[column].dtype} vs {aligned[column].dtype}")
            continue
        bad = [(i, x, y) for i, x, y in zip(a.index, a[column], aligned[column], strict=True) if not _same_value(x, y)]
        if bad:
            worst = max(bad, key=lambda t: _gap(t[1], t[2]))
            problems.append(f"{what}.{column}: {len(bad)}/{len(a)} rows differ, worst at {worst[0]!r}: "
                            + _describe(worst[1], worst[2]))
    return problems


def _gap(x: Any, y: Any) -> float:
    try:
        gap = abs(float(x) - float(y))
    except (TypeError, ValueError):
        return math.inf
    return math.inf if math.isnan(gap) else gap


def _partition(labels: pd.Series) -> set[frozenset[Any]]:
    return {frozenset(members) for members in labels.groupby(labels).groups.values()}


def _show(labels: pd.Series) -> list[list[Any]]:
    return sorted(sorted(map(str, group)) for group in _partition(labels))


def compare(a: Analysis, b: Analysis, case: Case) -> list[str]:
    """Every difference between two analyses of the same network (``b`` relabelled by ``case.ids``)."""
    ids = case.ids
    communities = ("community",) if case.communities else ()
    problems = compare_frames("actors", a.actors, b.actors, ids, partitions=communities,
                              skip=() if case.communities else ("community",))
    problems += compare_dicts("network", a.network.to_dict(), b.network.to_dict(),
                              skip=() if case.communities else COMMUNITY_FIGURES)
    problems += compare_frames("groups", a.groups, b.groups)
    problems += compare_frames("mixing", a.mixing, b.mixing)
    for part in ("counts", "expected", "z"):
        problems += compare_frames(f"brokerage.{part}", getattr(a.brokerage, part), getattr(b.brokerage, part), ids)
    problems += compare_dicts("ei", asdict(a.ei), asdict(b.ei))
    bridges_a = {frozenset(ids[v] for v in edge) for edge in a.bridges}
    bridges_b = {frozenset(edge) for edge in b.bridges}
    if bridges_a != bridges_b:
        problems.append(f"bridges: {sorted(map(sorted, bridges_a))} vs {sorted(map(sorted, bridges_b))}")
    return problems


def check(case: Case) -> None:
    """The original and the transformed network give the same collapsed views and analyses in every mode."""
    G, T = _graphs(case)
    problems = [f"collapse: {p}" for p in compare_collapsed(G, T, case.ids)]
    for mode in MODES:
        first = analyze(G, mode=mode, seed=0, permutations=PERMUTATIONS)
        second = analyze(T, mode=mode, seed=0, permutations=PERMUTATIONS)
        problems += [f"{mode}: {p}" for p in compare(first, second, case)]
    assert not problems, "\n  ".join(["results differ:", *problems])


# -- analyze() ----------------------------------------------------------------------------


@ANALYSIS
@given(case=permuted())
@example(case=Case(REPORTED_BOTH_WAYS, REVERSED, _identity(REPORTED_BOTH_WAYS)))
def test_row_order_does_not_matter(case: Case) -> None:
    check(case)


@ANALYSIS
@given(case=swapped())
@example(case=Case(explicit_reporters(REPORTED_BOTH_WAYS, SYMMETRIC), swap_symmetric(REPORTED_BOTH_WAYS, SYMMETRIC),
                   _identity(REPORTED_BOTH_WAYS)))
def test_ends_of_symmetric_ties_do_not_matter(case: Case) -> None:
    check(case)


@ANALYSIS
@given(case=explicit())
@example(case=Case(REPORTED_BOTH_WAYS, explicit_reporters(REPORTED_BOTH_WAYS, D_REPORTS_C),
                   _identity(REPORTED_BOTH_WAYS)))
def test_writing_out_the_implicit_reporter_does_not_matter(case: Case) -> None:
    check(case)


@ANALYSIS
@given(case=prefixed())
def test_order_preserving_relabelling_does_not_matter(case: Case) -> None:
    check(case)


@ANALYSIS
@given(case=relabelled())
@example(case=Case(THREE_PAIRS, relabel(THREE_PAIRS, N1_N3_SWAPPED), N1_N3_SWAPPED, communities=False))
def test_arbitrary_relabelling_changes_nothing_but_communities(case: Case) -> None:
    check(case)


@pytest.mark.slow
@HEAVY
@given(case=everything(relabelled()))
def test_all_transformations_at_once(case: Case) -> None:
    check(case)


@pytest.mark.slow
@HEAVY
@given(case=everything(prefixed()))
def test_all_order_preserving_transformations_at_once(case: Case) -> None:
    check(case)


# -- collapse() ---------------------------------------------------------------------------


def _edges(H: nx.Graph, ids: Mapping[Any, Any] | None = None) -> dict[Any, dict[str, Any]]:
    """Edges (arcs as tuples, undirected ties as frozensets) with what collapse() puts on them."""
    rename = ids or {}
    out: dict[Any, dict[str, Any]] = {}
    for u, v, data in H.edges(data=True):
        ends = (rename.get(u, u), rename.get(v, v))
        key = ends if H.is_directed() else frozenset(ends)
        out[key] = {k: data[k] for k in ("strength", "distance", "reports", "types")}
    return out


def compare_collapsed(G: nx.MultiDiGraph, T: nx.MultiDiGraph, ids: Mapping[str, str]) -> list[str]:
    """Differences between the collapsed views of ``G`` and ``T`` (``T`` relabelled by ``ids``), every mode."""
    problems = []
    for mode in MODES:
        first, second = collapse(G, mode), collapse(T, mode)
        if type(first) is not type(second) or {ids[v] for v in first} != set(second):
            problems.append(f"{mode}: graph type or nodes differ")
            continue
        a, b = _edges(first, ids), _edges(second)
        for key in sorted(a.keys() | b.keys(), key=lambda k: sorted(k) if isinstance(k, frozenset) else list(k)):
            shown = tuple(sorted(key)) if isinstance(key, frozenset) else key
            if key not in a or key not in b:
                problems.append(f"{mode} {shown}: only in the {'transformed' if key in b else 'original'} network")
            elif not all(_same_value(a[key][k], b[key][k]) for k in a[key]):
                problems.append(f"{mode} {shown}: {a[key]} vs {b[key]}")
    return problems


def check_collapse(case: Case) -> None:
    problems = compare_collapsed(*_graphs(case), case.ids)
    assert not problems, "\n  ".join(["collapse:", *problems])


@COLLAPSE
@given(case=permuted())
def test_collapse_ignores_row_order(case: Case) -> None:
    check_collapse(case)


@COLLAPSE
@given(case=swapped())
def test_collapse_ignores_ends_of_symmetric_ties(case: Case) -> None:
    check_collapse(case)


@COLLAPSE
@given(case=explicit())
def test_collapse_ignores_writing_out_the_implicit_reporter(case: Case) -> None:
    check_collapse(case)


@COLLAPSE
@given(case=relabelled())
def test_collapse_ignores_ids(case: Case) -> None:
    check_collapse(case)


# -- the generator ------------------------------------------------------------------------


def _directed_arcs(network: Network) -> set[tuple[str, str]]:
    return {(t["source"], t["target"]) for t in network.ties if direction_of(t) == "directed" and t["level"] != 0}


def _reciprocated_directed(network: Network) -> bool:
    arcs = _directed_arcs(network)
    return any((v, u) in arcs for u, v in arcs)


def _both_sides_different_levels(network: Network) -> bool:
    levels: dict[frozenset[str], dict[str, set[int]]] = {}
    for t in network.ties:
        if t["level"]:
            pair = frozenset((t["source"], t["target"]))
            levels.setdefault(pair, {}).setdefault(reporter_of(t), set()).add(t["level"])
    return any(len(by) == 2 and len(set.union(*by.values())) > 1 for by in levels.values())


def _swappable(network: Network) -> bool:
    return any(direction_of(t) != "directed" and t["level"] != 0 for t in network.ties)


FEATURES: dict[str, Callable[[Network], bool]] = {
    "reciprocated directed pair": _reciprocated_directed,
    "both sides report one pair with different levels": _both_sides_different_levels,
    "undirected or mutual tie to swap": _swappable,
    "mutual tie": lambda n: any(t["direction"] == "mutual" for t in n.ties),
    "level 0 report": lambda n: any(t["level"] == 0 for t in n.ties),
    "report without level": lambda n: any(t["level"] is None for t in n.ties),
    "reported_by column": lambda n: n.with_reporter,
    "ties table without reported_by": lambda n: bool(n.ties) and not n.with_reporter,
    "isolated actor": lambda n: bool(set(n.ids) - {e for t in n.ties for e in (t["source"], t["target"])}),
    "three sectors": lambda n: len({a["sector"] for a in n.actors} - {None}) == 3,
    "actor without sector": lambda n: any(a["sector"] is None for a in n.actors),
    "more than 10 actors": lambda n: len(n.actors) > 10,
}


def test_generator_draws_the_hard_cases() -> None:
    """In as many draws as a property test makes, every hard case comes up (and reads as drawn).

    Each test's draws are seeded by its own name, so this checks the generator at that budget,
    not the very networks another test sees."""
    drawn: list[Network] = []

    @settings(ANALYSIS, phases=[Phase.generate])
    @given(networks())
    def draw(network: Network) -> None:
        drawn.append(network)

    draw()
    missing = [name for name, has in FEATURES.items() if not any(has(network) for network in drawn)]
    assert not missing, f"no network in {len(drawn)} draws has: {missing}"
    # A reciprocated directed pair drawn is one in the directed view too.
    network = next(n for n in drawn if _reciprocated_directed(n))
    u, v = next(pair for pair in _directed_arcs(network) if pair[::-1] in _directed_arcs(network))
    D = collapse(to_graph(_read(network)), "directed")
    assert D.has_edge(u, v) and D.has_edge(v, u)
