"""The analysis graph straight from the tables read, without a networkx graph.

:func:`table_arrays` turns the actors and ties tables of
:class:`~carenet_graph.read.load.NetworkData` into the :class:`~carenet_graph.analysis.arrays.GraphArrays`
that :func:`carenet_graph.network.collapse` followed by
:func:`~carenet_graph.analysis.arrays.graph_arrays` would give for the lossless multigraph of the
same tables — the same actors in the same order, the same ties with the same strengths — in a
few vectorised steps: 5·10^6 reported ties take seconds and no dict per tie. The tests check
the two ways against each other. :func:`table_dyads` gives the dyad figures
(:func:`carenet_graph.analysis.cohesion.dyad_reports`) from the same tables.

The rules, as in :func:`~carenet_graph.network.collapse` with ``combine="max"``: a report is a
tie when its type is wanted and its level is neither 0 nor below ``min_level`` (a report without
a level is kept); its strength is its level, else its weight, else 1, and a strength ≤ 0 is no
tie; the reports of a pair (undirected and mutual mode) or arc (directed mode: an undirected
report gives both arcs) combine by their largest strength; mutual mode keeps the pairs both of
whose actors reported it (the reporter is ``reported_by``, else the source).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from carenet_graph.analysis.arrays import GraphArrays, distinct
from carenet_graph.analysis.cohesion import DyadReports
from carenet_graph.network import DIRECTION, LEVEL, REPORTED_BY, TYPE, WEIGHT, plain_values, tie_only_actors


def actor_order(actors: pd.DataFrame, ties: pd.DataFrame) -> list[Hashable]:
    """The actors as the multigraph holds them (:func:`carenet_graph.network.build_graph`): the
    actors table's ids, then the ids only the ties name."""
    return [*actors.index.tolist(), *tie_only_actors(actors, ties)]


def _reports(ties: pd.DataFrame, index: pd.Index, tie_types: Iterable[str] | None,
             min_level: int | None, positive: bool = True) -> pd.DataFrame:
    """The reports that are ties under the filters: ends (positions), reporter, strength, level,
    direction (``positive``: only those with a strength above 0, as collapse keeps them)."""
    frame = pd.DataFrame({
        "u": index.get_indexer(pd.Index(ties["source"])).astype(np.int64),
        "v": index.get_indexer(pd.Index(ties["target"])).astype(np.int64),
        "level": pd.to_numeric(ties[LEVEL], errors="coerce").astype(float) if LEVEL in ties else np.nan,
        "weight": pd.to_numeric(ties[WEIGHT], errors="coerce").astype(float) if WEIGHT in ties else np.nan,
        "directed": (ties[DIRECTION] == "directed").to_numpy(dtype=bool) if DIRECTION in ties else False,
    })
    keep = np.ones(len(frame), dtype=bool)
    if tie_types is not None:
        wanted = {tie_types} if isinstance(tie_types, str) else set(tie_types)
        keep &= ties[TYPE].isin(wanted).to_numpy(dtype=bool) if TYPE in ties else False
    level = frame["level"].to_numpy()
    has_level = ~np.isnan(level)
    keep &= ~(has_level & (level == 0))
    if min_level is not None:
        keep &= ~(has_level & (level < min_level))
    weight = frame["weight"].to_numpy()
    strength = np.where(has_level, level, np.where(np.isnan(weight), 1.0, weight))
    if positive:
        keep &= strength > 0
    reporter = ties[REPORTED_BY].where(ties[REPORTED_BY].notna(), ties["source"]) if REPORTED_BY in ties \
        else ties["source"]
    frame["reporter"] = index.get_indexer(pd.Index(reporter)).astype(np.int64)
    frame["strength"] = strength
    return frame[keep]


def _combine(nodes: list[Hashable], tails: np.ndarray, heads: np.ndarray, strength: np.ndarray, directed: bool,
             node_data: dict[str, list[Any]], keep: np.ndarray | None = None) -> GraphArrays:
    """One tie per pair (arc) with the largest strength of its reports, in canonical order."""
    n = len(nodes)
    key = tails * max(n, 1) + heads
    order = np.lexsort((-strength, key))  # per key, the strongest report first
    key, strength = key[order], strength[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, strength = key[first], strength[first]
    if keep is not None:
        chosen = np.isin(key, keep)
        key, strength = key[chosen], strength[chosen]
    # The keys are sorted, so the ties are in canonical order (by tail, then head) already.
    return GraphArrays(tuple(nodes), key // max(n, 1), key % max(n, 1), strength, 1.0 / strength, directed,
                       node_data)


def table_arrays(actors: pd.DataFrame, ties: pd.DataFrame, mode: str = "undirected",
                 tie_types: Iterable[str] | None = None, min_level: int | None = None,
                 node_columns: Sequence[str] = ()) -> tuple[GraphArrays, GraphArrays]:
    """The arrays of the mode's graph and of its undirected view (the same object in undirected
    and mutual mode), as :func:`carenet_graph.analysis.run.mode_views` and
    :func:`~carenet_graph.analysis.arrays.graph_arrays` give them from the multigraph."""
    if mode not in ("undirected", "directed", "mutual"):
        raise ValueError(f"mode must be 'undirected', 'directed' or 'mutual', not {mode!r}")
    nodes = actor_order(actors, ties)
    index = pd.Index(nodes, dtype=object)
    n = len(nodes)
    extra = [None] * (n - len(actors))
    node_data = {column: (plain_values(actors[column]) if column in actors else [None] * len(actors)) + extra
                 for column in node_columns}
    reports = _reports(ties, index, tie_types, min_level)
    u, v = reports["u"].to_numpy(), reports["v"].to_numpy()
    strength = reports["strength"].to_numpy()
    low, high = np.minimum(u, v), np.maximum(u, v)
    undirected = _combine(nodes, low, high, strength, False, node_data)
    if mode == "undirected":
        return undirected, undirected
    if mode == "directed":
        both = ~reports["directed"].to_numpy()
        tails = np.concatenate([u, v[both]])
        heads = np.concatenate([v, u[both]])
        return _combine(nodes, tails, heads, np.concatenate([strength, strength[both]]), True, node_data), undirected
    reporter = reports["reporter"].to_numpy()
    key = low * max(n, 1) + high
    by_low = distinct(key[reporter == low])
    by_high = distinct(key[reporter == high])
    both = np.intersect1d(by_low, by_high, assume_unique=True)
    mutual = _combine(nodes, low, high, strength, False, node_data, keep=both)
    return mutual, mutual


def table_dyads(actors: pd.DataFrame, ties: pd.DataFrame, tie_types: Iterable[str] | None = None,
                min_level: int | None = None) -> DyadReports:
    """:func:`~carenet_graph.analysis.cohesion.dyad_reports` of the reports that are ties under the
    filters, from the tables: pairs reported, by both actors, and with levels on both sides."""
    nodes = actor_order(actors, ties)
    n = max(len(nodes), 1)
    reports = _reports(ties, pd.Index(nodes, dtype=object), tie_types, min_level, positive=False)
    reports = reports[reports["u"] != reports["v"]]
    if reports.empty:
        return DyadReports(0, 0, None, 0, None, None)
    u, v = reports["u"].to_numpy(), reports["v"].to_numpy()
    low, high = np.minimum(u, v), np.maximum(u, v)
    reporter = reports["reporter"].to_numpy()
    frame = pd.DataFrame({"pair": low * n + high, "low": reporter == low, "high": reporter == high,
                          "level": reports["level"].to_numpy()})
    side_level = frame["level"].where(frame["low"] | frame["high"])
    frame["low_level"] = side_level.where(frame["low"])
    frame["high_level"] = side_level.where(frame["high"])
    pairs = frame.groupby("pair", sort=True).agg(low=("low", "any"), high=("high", "any"),
                                                  low_level=("low_level", "max"), high_level=("high_level", "max"))
    both = pairs[pairs["low"] & pairs["high"]]
    levelled = both.dropna(subset=["low_level", "high_level"])
    differences = (levelled["low_level"] - levelled["high_level"]).abs().to_numpy()
    reported, agreeing = len(pairs), int((differences == 0).sum())
    return DyadReports(
        reported, len(both), len(both) / reported, len(levelled),
        agreeing / len(levelled) if len(levelled) else None,
        float(np.mean(differences.astype(np.int64))) if len(differences) else None,
    )
