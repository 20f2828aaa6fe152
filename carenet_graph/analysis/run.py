"""Network analysis: pure functions from graphs to pandas tables and frozen dataclasses.

:func:`analyze` runs the whole set on a lossless multigraph ``G`` (from
:func:`carenet_graph.load`): it collapses ``G`` (``collapse(G, mode, combine="max")``),
computes every actor measure and network figure, and returns an :class:`Analysis`.
The single measures live in their modules and can be used on any collapsed graph:

* :mod:`~carenet_graph.analysis.centrality` – degree, strength, betweenness, closeness,
  harmonic, eigenvector, PageRank
* :mod:`~carenet_graph.analysis.holes` – Burt's constraint, effective size, hierarchy
* :mod:`~carenet_graph.analysis.brokerage` – Gould–Fernandez brokerage roles
* :mod:`~carenet_graph.analysis.groups` – communities, group tables, mixing, E-I, assortativity
* :mod:`~carenet_graph.analysis.fragility` – articulation points, bridges, removal impact
* :mod:`~carenet_graph.analysis.cohesion` – network-level figures
* :mod:`~carenet_graph.analysis.engine` – the seam to igraph (and SciPy) for heavy algorithms
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from carenet_graph.analysis import engine
from carenet_graph.analysis.arrays import AnyGraph, GraphArrays, as_arrays, graph_arrays
from carenet_graph.analysis.brokerage import ROLES, Brokerage, brokerage
from carenet_graph.analysis.centrality import arc_table, centrality_table, path_measures
from carenet_graph.analysis.cohesion import (
    DyadReports,
    NetworkFigures,
    arc_reciprocity,
    betweenness_centralization,
    degree_centralization,
    density,
    dyad_reports,
    path_figures,
)
from carenet_graph.analysis.fragility import fragility
from carenet_graph.analysis.groups import EITest, assortativity, ei_test, group_table, mixing
from carenet_graph.analysis.holes import structural_holes
from carenet_graph.analysis.methods import methods_document
from carenet_graph.analysis.order import structural_order
from carenet_graph.analysis.tables import table_arrays, table_dyads
from carenet_graph.errors import OptionError
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import LEVEL, MUNICIPALITY, NAME, SECTOR, STRENGTH, TYPE, collapse
from carenet_graph.output.columns import figure_rows
from carenet_graph.output.dialects import csv_dialect
from carenet_graph.output.office import OfficeSheet, group_kinds
from carenet_graph.output.tables import frame_rows, json_safe, write_table_folder
from carenet_graph.read.load import NetworkData
from carenet_graph.vocabulary import Vocabulary, default_vocabulary

ACTOR_COLUMNS = (
    "name", "type", "sector", "municipality", "degree", "in_degree", "out_degree", "strength", "in_strength",
    "out_strength", "betweenness",
    "closeness", "harmonic", "eigenvector", "pagerank", "constraint", "effective_size", "hierarchy",
    "coordinator", "itinerant", "gatekeeper", "representative", "liaison", "brokerage_total", "community",
    "core_number", "articulation_point", "removal_impact",
)
#: Above this many actors betweenness is approximated unless exact is asked for.
EXACT_LIMIT = 20000


@dataclass(frozen=True)
class Analysis:
    """Everything :func:`analyze` computes.

    ``actors`` has one row per actor (index ``id``, columns :data:`ACTOR_COLUMNS`);
    ``groups`` and ``mixing`` are by the ``group_by`` attribute; ``brokerage`` holds the
    Gould–Fernandez counts, expected counts and z-scores; ``network`` the network figures;
    ``options`` the settings used and ``approximations`` every approximate measure with its bound.
    """

    actors: pd.DataFrame
    network: NetworkFigures
    groups: pd.DataFrame
    mixing: pd.DataFrame
    brokerage: Brokerage
    ei: EITest
    options: dict[str, Any]
    approximations: tuple[engine.Approximation, ...] = ()
    bridges: tuple[tuple[Any, Any], ...] = field(default=())
    #: The files written when :func:`analyze` was given an ``output`` folder.
    written: tuple[Path, ...] = ()

    def write(self, folder: str | Path, *, locale: Locale | str | None = None, csv: str = "machine") -> list[Path]:
        """Write the tables into ``folder`` (see :func:`write_analysis`)."""
        return write_analysis(self, folder, locale=locale, csv=csv)


def analyze(
    G: nx.MultiDiGraph | NetworkData,
    *,
    mode: Literal["undirected", "directed", "mutual"] = "undirected",
    group_by: str = SECTOR,
    min_level: int | None = None,
    tie_types: Iterable[str] | None = None,
    seed: int = 0,
    exact: bool | None = None,
    error: float = 0.01,
    permutations: int = 1000,
    closeness_direction: Literal["in", "out"] = "out",
    progress: Callable[[str], None] | None = None,
    vocabulary: Vocabulary | None = None,
    output: str | Path | None = None,
) -> Analysis:
    """All actor measures and network figures of ``G`` (see the module docstrings).

    Parameters
    ----------
    G:
        Lossless multigraph (one edge per report), or the tables read
        (:class:`~carenet_graph.read.load.NetworkData`), which gives the same result without
        building a networkx graph (what ``carenet analyze`` does: 10^6 actors). Not modified.
    mode:
        How reports become ties (:func:`carenet_graph.collapse`); reports on one pair are
        combined by their maximum strength.
    group_by:
        Node attribute defining groups for brokerage, group tables, mixing and E-I.
    min_level, tie_types:
        Filters applied before collapsing. Tie types are vocabulary ids or words in any of the
        four languages (matched through ``vocabulary``'s synonyms; an unknown one raises
        :class:`~carenet_graph.errors.OptionError`).
    seed:
        Seeds community detection, the E-I permutation test and any sampling.
    exact:
        Exact path-based measures (True), sampled estimates with stated precision (False), or
        automatic (None: exact up to :data:`EXACT_LIMIT` actors).
    progress:
        Called with the id of each step as it starts ("centrality", "betweenness", "closeness",
        "eigenvector", "holes", "brokerage", "communities", "fragility", "figures", "writing");
        :func:`carenet_graph.i18n.progress_text` words it in a language.
    vocabulary:
        For matching ``tie_types`` (the built-in vocabulary when None).
    output:
        A folder to write the tables into (:func:`write_analysis`); the result's ``written``
        lists the files. Nothing is written when None.
    """
    say = progress or (lambda _message: None)
    types = tie_type_ids(tie_types, vocabulary or default_vocabulary()) if tie_types else None
    columns = tuple(dict.fromkeys((NAME, TYPE, SECTOR, MUNICIPALITY, group_by)))
    if isinstance(G, nx.Graph):
        H, U = mode_views(G, mode, tie_types=types, min_level=min_level)
        A = graph_arrays(H, columns)
        B = A if U is H else graph_arrays(U, columns)
        dyads = dyad_reports(G, keep=report_filter(types, min_level))
    else:  # the tables read (NetworkData): the same arrays without a networkx graph
        A, B = table_arrays(G.actors, G.ties, mode, types, min_level, columns)
        dyads = table_dyads(G.actors, G.ties, types, min_level)
    return analyze_arrays(A, B, dyads=dyads, mode=mode,
                          group_by=group_by, min_level=min_level, tie_types=types, seed=seed, exact=exact,
                          error=error, permutations=permutations, closeness_direction=closeness_direction,
                          progress=say, output=output)


def analyze_arrays(A: GraphArrays, B: GraphArrays, *, dyads: DyadReports | None, mode: str, group_by: str,
                   min_level: int | None, tie_types: list[str] | None, seed: int, exact: bool | None, error: float,
                   permutations: int, closeness_direction: str, progress: Callable[[str], None],
                   output: str | Path | None) -> Analysis:
    """:func:`analyze` on the arrays of the mode's graph ``A`` and of its undirected view ``B``
    (``A`` itself in undirected and mutual mode), whose actors carry the name, type, sector,
    municipality and ``group_by`` columns; ``dyads`` are the dyad figures of the reports."""
    say, types = progress, tie_types
    n = A.n
    use_exact = exact if exact is not None else n <= EXACT_LIMIT
    say("centrality")
    # One search per actor: betweenness, closeness, harmonic and (exact) the hop sums of B's path figures.
    measures = path_measures(A, exact=use_exact, error=error, seed=seed, closeness_direction=closeness_direction,
                             hop_graph=B, progress=say)
    table, approximations = centrality_table(A, B, closeness_direction=closeness_direction, progress=say,
                                             measures=measures)
    table = table.join(arc_table(A))
    say("holes")
    table = table.join(structural_holes(A))
    say("brokerage")
    groups = dict(zip(A.nodes, A.attribute(group_by), strict=True))
    # Gould–Fernandez on the mode's arcs: in undirected and mutual mode every tie is two arcs.
    broker = brokerage(A, groups)
    table = table.join(broker.counts)
    say("communities")
    view = B.igraph((STRENGTH,))
    membership = canonical_communities(B, seed)
    table["community"] = membership
    table["core_number"] = engine.core_numbers(view)
    say("fragility")
    fragile = fragility(B)
    table = table.join(fragile.actors)
    for column in (NAME, TYPE, SECTOR, MUNICIPALITY):
        table[column] = A.attribute(column)
    table = table[list(ACTOR_COLUMNS)]
    say("figures")
    ei = ei_test(B, groups, permutations=permutations, seed=seed)
    modularity = float(view.graph.modularity(membership, weights=STRENGTH)) if B.m else None
    count, labels = B.components() if n else (0, np.zeros(0, dtype=np.int64))
    clustering = engine.clustering(view)
    ties = A.m
    network = NetworkFigures(
        actors=n,
        ties=ties,
        density=density(A),
        components=count,
        largest_component_share=(int(np.bincount(labels).max()) / n) if n else None,
        average_degree=((ties if A.directed else 2 * ties) / n) if n else None,
        degree_centralization=degree_centralization(B),
        betweenness_centralization=betweenness_centralization(np.asarray(table["betweenness"], dtype=float)),
        transitivity=clustering[0] if n else None,
        average_clustering=clustering[1] if n else None,
        paths=path_figures(B, seed=seed, hops=measures[0].hops, hop_sources=measures[0].hop_sources),
        reciprocity=arc_reciprocity(A),
        articulation_points=int(table["articulation_point"].sum()),
        bridges=len(fragile.bridges),
        dyads=dyads,
        extra={
            "communities": len(set(membership)),
            "modularity": modularity,
            "group_by": group_by,
            "assortativity": assortativity(B, groups),
            "ei_index": ei.ei_index,
            "ei_expected": ei.expected,
            "ei_p_value": ei.p_value,
            "ei_p_lower": ei.p_lower,
            "ei_p_upper": ei.p_upper,
            "ei_permutations": ei.permutations,
            "ei_method": ei.method,
        },
    )
    options = {
        "mode": mode, "combine": "max", "group_by": group_by, "min_level": min_level, "tie_types": types,
        "seed": seed, "exact": use_exact, "closeness_direction": closeness_direction if A.directed else None,
        "versions": versions(),
    }
    result = Analysis(
        actors=table, network=network, groups=group_table(B, groups), mixing=mixing(B, groups), brokerage=broker,
        ei=ei, options=options, approximations=tuple(approximations), bridges=fragile.bridges,
    )
    if output is None:
        return result
    say("writing")
    return replace(result, written=tuple(write_analysis(result, output)))


def tie_type_ids(texts: Iterable[str], vocabulary: Vocabulary) -> list[str]:
    """Vocabulary ids of tie types given as ids or words (any language, through synonyms).

    Raises :class:`~carenet_graph.errors.OptionError` naming the known ids for a word that
    matches none.
    """
    ids = []
    for text in texts:
        match = vocabulary.match_tie_type(text)
        if not match.matched:
            known = ", ".join(sorted(vocabulary.tie_types))
            raise OptionError(f"unknown tie type {text!r}", hint=f"Use one of: {known}.",
                              key="option.unknown_tie_type", values={"text": repr(text), "known": known})
        ids.append(match.id)
    return ids


def mode_views(G: nx.MultiDiGraph, mode: str, *, tie_types: Iterable[str] | None = None,
               min_level: int | None = None) -> tuple[nx.Graph, nx.Graph]:
    """The graph ``H`` a mode's measures run on and its undirected view ``U``.

    ``H = collapse(G, mode, combine="max")`` (arcs in directed mode); ``U`` is ``H`` in undirected
    and mutual mode and ``collapse(G, "undirected", combine="max")`` in directed mode: a pair is
    tied when any arc is, with the maximum strength of its reports. Building ``U`` from the reports
    (not from ``H``'s two arcs) keeps it independent of the order in which arcs were stored.
    """
    H = collapse(G, mode=mode, tie_types=tie_types, min_level=min_level, combine="max")  # type: ignore[arg-type]
    if not H.is_directed():
        return H, H
    return H, collapse(G, mode="undirected", tie_types=tie_types, min_level=min_level, combine="max")


def kept_reports(G: nx.MultiDiGraph, types: Iterable[str] | None, min_level: int | None) -> nx.MultiDiGraph:
    """A view of ``G`` with only the reports that are ties under the filters (every actor kept).

    A report is kept when its type is wanted (all when ``types`` is None) and its level is not 0
    and not below ``min_level`` (a report without a level is kept), as in :func:`collapse`.
    """
    keep = report_filter(types, min_level)
    view: nx.MultiDiGraph = nx.subgraph_view(G, filter_edge=lambda u, v, k: keep(G[u][v][k]))
    return view


def report_filter(types: Iterable[str] | None, min_level: int | None) -> Callable[[dict[str, Any]], bool]:
    """Whether a report (its edge data) is a tie under the filters of :func:`kept_reports`."""
    wanted = set(types) if types is not None else None

    def kept(data: dict[str, Any]) -> bool:
        if wanted is not None and data.get(TYPE) not in wanted:
            return False
        level = data.get(LEVEL)
        return level is None or (level != 0 and (min_level is None or level >= min_level))

    return kept


def canonical_communities(U: AnyGraph, seed: int) -> list[int]:
    """Leiden communities (:func:`engine.communities`) computed on the actors in a canonical order.

    The heuristic's result depends on the order of vertices and edges; taking them in
    :func:`~carenet_graph.analysis.order.structural_order` (by structural colour, then id) makes
    it independent of the order of the input rows and of the ids. Returns the community of each
    actor in ``U``'s node order.
    """
    A = as_arrays(U)
    order = structural_order(A, weight=STRENGTH)
    position = np.empty(A.n, dtype=np.int64)
    position[[A.position[v] for v in order]] = np.arange(A.n)
    first, second = position[A.tails], position[A.heads]
    low, high = np.minimum(first, second), np.maximum(first, second)
    ties = np.lexsort((high, low))
    ig = engine.load_igraph()
    canonical = ig.Graph(n=A.n, edges=np.column_stack([low[ties], high[ties]]).tolist())
    canonical.es[STRENGTH] = A.strength[ties].tolist()
    membership = engine.communities(engine.IGraphView(canonical, tuple(order)), STRENGTH, seed=seed)
    return [membership[p] for p in position.tolist()]


def versions() -> dict[str, str]:
    """Versions of Python and the libraries that computed the results."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for package in ("carenet-graph", "networkx", "igraph", "numpy", "scipy", "pandas"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            continue
    return out


__all__ = ["ACTOR_COLUMNS", "Analysis", "analyze"]


def network_document(result: Analysis) -> dict[str, Any]:
    """What network.json holds: figures, options, versions and any approximation."""
    document: dict[str, Any] = json_safe({
        "network": result.network.to_dict(),
        "options": result.options,
        "approximate": bool(result.approximations),
        "approximations": [asdict(a) for a in result.approximations],
        "weights": {
            "strength": "higher = closer: Frey level if given, else weight, else 1; pairs combined by max",
            "distance": "1 / strength; used by betweenness, closeness and harmonic centrality",
        },
        "methods": methods_document(str(result.options["mode"])),
    })
    return document


def brokerage_table(result: Analysis) -> pd.DataFrame:
    """Expected counts and z-scores per actor and role (columns ``<role>_expected``, ``<role>_z``)."""
    roles = [*ROLES, "brokerage_total"]
    expected = result.brokerage.expected[roles].add_suffix("_expected")
    z = result.brokerage.z[roles].add_suffix("_z")
    columns = [c for pair in zip(expected.columns, z.columns, strict=True) for c in pair]
    return expected.join(z)[columns]


def write_analysis(result: Analysis, folder: str | Path, *, locale: Locale | str | None = None,
                   csv: str = "machine") -> list[Path]:
    """Write ``actors.csv``, ``groups.csv``, ``mixing.csv``, ``brokerage.csv`` (expected counts and
    z-scores), ``network.json`` and ``analysis.xlsx`` into ``folder``; returns the paths written.

    The CSV files and ``network.json`` hold column ids and raw values for scripts, in the CSV
    style ``csv`` (``"machine"`` or ``"excel"``, :func:`~carenet_graph.output.dialects.csv_dialect`
    for the locale's language). ``analysis.xlsx`` shows the same tables (the network figures and
    options on one sheet, brokerage with the actors' names) in the locale's language, with
    labels for ids and rounded number formats over full-precision cells
    (:mod:`carenet_graph.output.office`).
    """
    loc = as_locale(locale)
    tables = {
        "actors": frame_rows(result.actors, "id"),
        "groups": frame_rows(result.groups, "group"),
        "mixing": frame_rows(result.mixing, None),
        "brokerage": frame_rows(brokerage_table(result), "id"),
    }
    document = network_document(result)
    grouped = group_kinds(str(result.options["group_by"]))
    figures = figure_rows(result.network.to_dict(), options=result.options, versions=result.options.get("versions"),
                          approximations=[(a.measure, a.bound) for a in result.approximations])
    office = [
        OfficeSheet("actors", *tables["actors"]),
        OfficeSheet("network", ["figure", "value"], figures),
        OfficeSheet("groups", *tables["groups"], kinds=grouped),
        OfficeSheet("mixing", *tables["mixing"], kinds=grouped),
        OfficeSheet("brokerage", *frame_rows(result.actors[[NAME]].join(brokerage_table(result)), "id")),
    ]
    return write_table_folder(folder, tables, documents={"network": document}, workbook="analysis.xlsx",
                              office=office, locale=loc, dialect=csv_dialect(csv, loc.lang))
