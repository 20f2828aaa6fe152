"""The care network as a lossless :class:`networkx.MultiDiGraph`, and simple views of it.

Graph schema (attribute keys are the constants below):

* ``G.graph``: ``name``, ``sources`` (files read), ``tables`` (one entry per table read;
  the ``table`` attribute of nodes and edges indexes this list), ``vocabulary_version``.
* Nodes are keyed by actor id (str) and carry ``name``, ``type``, ``sector``,
  ``municipality``, ``region``, ``country``, ``postcode``, ``lat``, ``lon``, any extra columns
  of the actors table, and provenance ``table`` / ``row`` (absent for actors inferred from ties).
* One edge per reported tie, from ``source`` to ``target``, with ``type``, ``level`` (Frey
  0–5), ``weight``, ``direction`` ('directed', 'undirected' or 'mutual'), ``reported_by``,
  ``since``, ``until``, extra columns, and provenance ``table`` / ``row``. Attributes with no
  value are left out (GraphML and GEXF cannot store None, and it saves memory).

Weight semantics: :func:`tie_strength` is "closer" (higher = stronger): the level if given,
else the weight, else 1. Path-based measures use ``distance = 1 / strength``.
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

NAME = "name"
TYPE = "type"
SECTOR = "sector"
MUNICIPALITY = "municipality"
REGION = "region"
COUNTRY = "country"
POSTCODE = "postcode"
LAT = "lat"
LON = "lon"
LEVEL = "level"
WEIGHT = "weight"
DIRECTION = "direction"
REPORTED_BY = "reported_by"
SINCE = "since"
UNTIL = "until"
TABLE = "table"
ROW = "row"
STRENGTH = "strength"
DISTANCE = "distance"
REPORTS = "reports"
TYPES = "types"

NODE_ATTRIBUTES = (NAME, TYPE, SECTOR, MUNICIPALITY, REGION, COUNTRY, POSTCODE, LAT, LON, TABLE, ROW)
EDGE_ATTRIBUTES = (TYPE, LEVEL, WEIGHT, DIRECTION, REPORTED_BY, SINCE, UNTIL, TABLE, ROW)


def build_graph(
    actors: pd.DataFrame, ties: pd.DataFrame, *, name: str = "care network", sources: Iterable[str] = (),
    tables: Iterable[str] = (), vocabulary_version: str = "",
) -> nx.MultiDiGraph:
    """Lossless multigraph: one node per actor, one edge per reported tie (see module docstring)."""
    G = nx.MultiDiGraph(name=name, sources=list(sources), tables=list(tables),
                        vocabulary_version=vocabulary_version)
    node_columns = list(actors.columns)
    node_values = [plain_values(actors[c]) for c in node_columns]
    G.add_nodes_from(
        (ident, {k: x for k, x in zip(node_columns, values, strict=True) if x is not None})
        for ident, *values in zip(actors.index.tolist(), *node_values, strict=True)
    )
    edge_columns = [c for c in ties.columns if c not in ("source", "target")]
    # Columns with no value at all would only cost time per edge.
    edge_values = [(c, values) for c, values in ((c, plain_values(ties[c])) for c in edge_columns)
                   if any(x is not None for x in values)]
    keys = tuple(c for c, _ in edge_values)
    rows = zip(*(v for _, v in edge_values), strict=True) if edge_values else iter([()] * len(ties))
    edges = (
        # dict(zip(...)) runs in C; the comprehension only for rows with missing values.
        (u, v, dict(zip(keys, values, strict=True)) if None not in values
         else {k: x for k, x in zip(keys, values, strict=True) if x is not None})
        for u, v, values in zip(ties["source"].tolist(), ties["target"].tolist(), rows, strict=True)
    )
    G.add_nodes_from(tie_only_actors(actors, ties))
    add_edges(G, edges)
    return G


def add_edges(G: nx.MultiDiGraph, edges: Iterable[tuple[Any, Any, dict[str, Any]]]) -> None:
    """Add edges (both ends already nodes) as ``MultiDiGraph.add_edges_from`` would.

    At 10^6 ties networkx's per-edge bookkeeping dominates loading; this fills the same
    adjacency structure directly (successor and predecessor share one key dict per pair, keys
    0, 1, ... as ``new_edge_key`` gives them). Tested to give a graph equal to networkx's.
    """
    if type(G) is not nx.MultiDiGraph:  # a subclass may keep other structures in step
        G.add_edges_from(edges)
        return
    succ, pred = G._succ, G._pred
    for u, v, attrs in edges:
        keydict = succ[u].get(v)
        if keydict is None:
            keydict = succ[u][v] = pred[v][u] = {}
        key = len(keydict)
        while key in keydict:
            key += 1
        keydict[key] = attrs
    nx._clear_cache(G)


def tie_only_actors(actors: pd.DataFrame, ties: pd.DataFrame) -> list[Any]:
    """The ids that only the ties name, in the order the graph adds them after the actors table's
    (sorted by their text)."""
    # pandas' hash table instead of Python sets: 3 s → 0.5 s for 2.5·10^6 ties (same ids).
    named = pd.Index(pd.unique(np.concatenate([ties["source"].to_numpy(dtype=object),
                                               ties["target"].to_numpy(dtype=object)])), dtype=object)
    return sorted(named[~named.isin(actors.index)].tolist(), key=str)


def plain_values(column: pd.Series) -> list[Any]:
    """Python scalars with None for every missing value (NaN, pd.NA), for graph attributes."""
    return column.astype(object).where(column.notna(), None).tolist()


def tie_strength(data: dict[str, Any]) -> float:
    """Strength of one reported tie: level if given, else weight, else 1 (higher = closer)."""
    level = data.get(LEVEL)
    if level is not None:
        return float(level)
    weight = data.get(WEIGHT)
    if weight is not None:
        return float(weight)
    return 1.0


def reporter_of(u: Any, data: Mapping[str, Any]) -> Any:
    """Who reported the tie ``u → …`` with attributes ``data``: ``reported_by``, else its source ``u``."""
    reporter = data.get(REPORTED_BY)
    return reporter if reporter is not None else u


def collapse(
    G: nx.MultiDiGraph,
    mode: Literal["undirected", "directed", "mutual"] = "undirected",
    tie_types: Iterable[str] | None = None,
    min_level: int | None = None,
    combine: Literal["max", "sum", "mean"] = "max",
) -> nx.Graph | nx.DiGraph:
    """Simple graph view of the reported ties, with ``strength`` and ``distance`` per edge.

    Parameters
    ----------
    G:
        The lossless multigraph from :func:`carenet_graph.load` (not modified).
    mode:
        ``"undirected"``: one edge per pair with any report (``nx.Graph``).
        ``"directed"``: ``nx.DiGraph``; directed ties give one arc, undirected and mutual ties
        two arcs.
        ``"mutual"``: ``nx.Graph`` with only the pairs where *both* actors reported a tie with
        the other (the reporter is ``reported_by``, or the source when that is empty).
    tie_types:
        Keep only ties of these types (None keeps all).
    min_level:
        Keep only ties whose level is at least this (ties without a level are kept when they
        carry a weight or nothing, since their level is unknown).
    combine:
        How the strengths of several reports on one pair (or arc) combine: ``max``, ``sum`` or
        ``mean``.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Nodes with all their attributes; edges with ``strength`` (higher = closer: the level
        if given, else the weight, else 1), ``distance = 1 / strength`` for path-based measures,
        ``reports`` (number of reports combined) and ``types`` (sorted, ';'-joined tie types).
        Reports of level 0 ("no interaction") carry no tie and are left out.
    """
    if mode not in ("undirected", "directed", "mutual"):
        raise ValueError(f"mode must be 'undirected', 'directed' or 'mutual', not {mode!r}")
    if combine not in ("max", "sum", "mean"):
        raise ValueError(f"combine must be 'max', 'sum' or 'mean', not {combine!r}")
    # One type given as a string would otherwise be taken as a set of letters.
    wanted = ({tie_types} if isinstance(tie_types, str) else set(tie_types)) if tie_types is not None else None
    H: nx.Graph | nx.DiGraph = nx.DiGraph() if mode == "directed" else nx.Graph()
    # A deep copy: G.graph holds lists (sources, tables) that must not be shared with the result.
    H.graph.update(copy.deepcopy(G.graph))
    H.graph["collapsed"] = {"mode": mode, "tie_types": sorted(wanted) if wanted is not None else None,
                            "min_level": min_level, "combine": combine}
    H.add_nodes_from(G.nodes(data=True))
    # Running aggregates per pair or arc (no per-report lists: 10^6 reports must stay cheap).
    best: dict[tuple[Any, Any], float] = {}
    counts: dict[tuple[Any, Any], int] = {}
    kinds: dict[tuple[Any, Any], Any] = {}  # one type as str, several as a set
    reporters: dict[tuple[Any, Any], set[Any]] = {}
    position = {node: i for i, node in enumerate(G)}  # orders pairs without comparing ids
    directed_mode = mode == "directed"
    for u, v, data in G.edges(data=True):
        tie_type = data.get(TYPE)
        if wanted is not None and tie_type not in wanted:
            continue
        level = data.get(LEVEL)
        if level is not None and (level == 0 or (min_level is not None and level < min_level)):
            continue
        strength = tie_strength(data)
        if strength <= 0:
            continue
        if directed_mode:
            arcs: tuple[tuple[Any, Any], ...] = (
                ((u, v),) if data.get(DIRECTION, "undirected") == "directed" else ((u, v), (v, u)))
        else:
            arcs = (((u, v) if position[u] <= position[v] else (v, u)),)
        for arc in arcs:
            previous = best.get(arc)
            if previous is None:
                best[arc] = strength
                counts[arc] = 1
            else:
                best[arc] = max(previous, strength) if combine == "max" else previous + strength
                counts[arc] += 1
            if tie_type is not None:
                known = kinds.get(arc)
                if known is None:
                    kinds[arc] = str(tie_type)
                elif isinstance(known, set):
                    known.add(str(tie_type))
                elif known != tie_type:
                    kinds[arc] = {known, str(tie_type)}
            if mode == "mutual":
                reporters.setdefault(arc, set()).add(reporter_of(u, data))

    def attributes(arc: tuple[Any, Any], value: float) -> dict[str, Any]:
        strength = value / counts[arc] if combine == "mean" else value
        known = kinds.get(arc)
        types = "" if known is None else known if isinstance(known, str) else ";".join(sorted(known))
        return {STRENGTH: strength, DISTANCE: 1.0 / strength, REPORTS: counts[arc], TYPES: types}

    H.add_edges_from(
        (u, v, attributes((u, v), value)) for (u, v), value in best.items()
        if mode != "mutual" or {u, v} <= reporters.get((u, v), set())
    )
    return H


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects are built.

    Reading and graph building allocate one dict or tuple per row and no reference cycles,
    so collections during that time find nothing and cost about a third of the run at 10^6
    ties (measured). The collector's previous state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Actor types whose name names the whole network (a Palliativnetz, a palliative council).
NETWORK_TYPES = ("palliative_network", "local_health_network")


def network_name(G: nx.Graph) -> str | None:
    """The network's own name, for the heading of a map or report: ``G.graph["title"]`` when set,
    else the name of the network's one coordinating actor (the only actor of the first type in
    :data:`NETWORK_TYPES` that occurs exactly once, e.g. "Hospiz- und Palliativnetz Lippe"), else None.

    The file name is never used: "netzwerk_lippe_v3_final" is no heading for a board, and a file
    name can name a practice or a person. A pseudonymised graph gives None (its actor names are codes).
    """
    if G.graph.get("title"):
        return str(G.graph["title"])
    if G.graph.get("pseudonymized"):
        return None
    for kind in NETWORK_TYPES:
        named = [d.get(NAME) for _, d in G.nodes(data=True) if d.get(TYPE) == kind]
        if len(named) == 1 and named[0]:
            return str(named[0])
    return None


def network_region(G: nx.Graph) -> str | None:
    """The region most actors name (``region`` attribute), when it is the region of at least half
    of the actors that name one; None when the actors name none or are spread over several."""
    regions = [str(d[REGION]) for _, d in G.nodes(data=True) if d.get(REGION) not in (None, "")]
    if not regions:
        return None
    counts: dict[str, int] = {}
    for region in regions:
        counts[region] = counts.get(region, 0) + 1
    best = min(counts, key=lambda r: (-counts[r], r))
    return best if 2 * counts[best] >= len(regions) else None
