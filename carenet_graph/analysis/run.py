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
from carenet_graph.analysis.brokerage import ROLES, Brokerage, brokerage
from carenet_graph.analysis.centrality import centrality_table
from carenet_graph.analysis.cohesion import (
    NetworkFigures,
    betweenness_centralization,
    degree_centralization,
    density,
    dyad_reports,
    path_figures,
)
from carenet_graph.analysis.fragility import fragility
from carenet_graph.analysis.groups import EITest, assortativity, ei_test, group_table, mixing
from carenet_graph.analysis.holes import structural_holes
from carenet_graph.errors import OptionError
from carenet_graph.network import MUNICIPALITY, NAME, SECTOR, STRENGTH, TYPE, collapse
from carenet_graph.output.tables import flatten, frame_rows, json_safe, write_table_folder
from carenet_graph.vocabulary import Vocabulary, default_vocabulary

ACTOR_COLUMNS = (
    "name", "type", "sector", "municipality", "degree", "in_degree", "out_degree", "strength", "betweenness",
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

    def write(self, folder: str | Path) -> list[Path]:
        """Write the tables into ``folder`` (see :func:`write_analysis`)."""
        return write_analysis(self, folder)


def analyze(
    G: nx.MultiDiGraph,
    *,
    mode: Literal["undirected", "directed", "mutual"] = "undirected",
    group_by: str = SECTOR,
    min_level: int | None = None,
    tie_types: Iterable[str] | None = None,
    seed: int = 0,
    exact: bool | None = None,
    error: float = 0.01,
    permutations: int = 1000,
    progress: Callable[[str], None] | None = None,
    vocabulary: Vocabulary | None = None,
    output: str | Path | None = None,
) -> Analysis:
    """All actor measures and network figures of ``G`` (see the module docstrings).

    Parameters
    ----------
    G:
        Lossless multigraph (one edge per report). Not modified.
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
        Called with a short description of each step as it starts.
    vocabulary:
        For matching ``tie_types`` (the built-in vocabulary when None).
    output:
        A folder to write the tables into (:func:`write_analysis`); the result's ``written``
        lists the files. Nothing is written when None.
    """
    say = progress or (lambda _message: None)
    types = tie_type_ids(tie_types, vocabulary or default_vocabulary()) if tie_types else None
    H = collapse(G, mode=mode, tie_types=types, min_level=min_level, combine="max")
    D = collapse(G, mode="directed", tie_types=types, min_level=min_level, combine="max")
    n = H.number_of_nodes()
    use_exact = exact if exact is not None else n <= EXACT_LIMIT
    say(f"centrality ({n} actors, {H.number_of_edges()} ties)")
    table, approximations = centrality_table(H, exact=use_exact, error=error, seed=seed, progress=say)
    table["in_degree"] = [D.in_degree(v) for v in table.index]
    table["out_degree"] = [D.out_degree(v) for v in table.index]
    say("structural holes")
    table = table.join(structural_holes(H))
    say("brokerage")
    groups = {v: data.get(group_by) for v, data in H.nodes(data=True)}
    broker = brokerage(D, groups)
    table = table.join(broker.counts)
    say("communities")
    U = nx.Graph(H) if H.is_directed() else H
    view = engine.to_igraph(U, weights=(STRENGTH,))
    membership = engine.communities(view, STRENGTH, seed=seed)
    table["community"] = membership
    table["core_number"] = engine.core_numbers(view)
    say("fragility")
    fragile = fragility(U)
    table = table.join(fragile.actors)
    for column in (NAME, TYPE, SECTOR, MUNICIPALITY):
        table[column] = [H.nodes[v].get(column) for v in table.index]
    table = table[list(ACTOR_COLUMNS)]
    say("network figures")
    ei = ei_test(U, groups, permutations=permutations, seed=seed)
    modularity = float(view.graph.modularity(membership, weights=STRENGTH)) if U.number_of_edges() else None
    components = list(nx.connected_components(U)) if n else []
    clustering = engine.clustering(view)
    network = NetworkFigures(
        actors=n,
        ties=U.number_of_edges(),
        density=density(U),
        components=len(components),
        largest_component_share=(max(len(c) for c in components) / n) if n else None,
        average_degree=(2 * U.number_of_edges() / n) if n else None,
        degree_centralization=degree_centralization(U),
        betweenness_centralization=betweenness_centralization(np.asarray(table["betweenness"], dtype=float)),
        transitivity=clustering[0] if n else None,
        average_clustering=clustering[1] if n else None,
        paths=path_figures(U, seed=seed),
        reciprocity=_report_reciprocity(G),
        articulation_points=int(table["articulation_point"].sum()),
        bridges=len(fragile.bridges),
        dyads=dyad_reports(G),
        extra={
            "communities": len(set(membership)),
            "modularity": modularity,
            "group_by": group_by,
            "assortativity": assortativity(U, groups),
            "ei_index": ei.ei_index,
            "ei_expected": ei.expected,
            "ei_p_value": ei.p_value,
            "ei_permutations": ei.permutations,
        },
    )
    options = {
        "mode": mode, "combine": "max", "group_by": group_by, "min_level": min_level, "tie_types": types,
        "seed": seed, "exact": use_exact, "versions": versions(),
    }
    result = Analysis(
        actors=table, network=network, groups=group_table(U, groups), mixing=mixing(U, groups), brokerage=broker,
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
            raise OptionError(f"unknown tie type {text!r}",
                              hint="Use one of: " + ", ".join(sorted(vocabulary.tie_types)) + ".")
        ids.append(match.id)
    return ids


def _report_reciprocity(G: nx.Graph) -> float | None:
    """Share of reported arcs (source → target of each report) whose reverse was reported."""
    arcs = {(u, v) for u, v in G.edges() if u != v}
    if not arcs:
        return None
    return sum(1 for u, v in arcs if (v, u) in arcs) / len(arcs)


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
    })
    return document


def brokerage_table(result: Analysis) -> pd.DataFrame:
    """Expected counts and z-scores per actor and role (columns ``<role>_expected``, ``<role>_z``)."""
    roles = [*ROLES, "brokerage_total"]
    expected = result.brokerage.expected[roles].add_suffix("_expected")
    z = result.brokerage.z[roles].add_suffix("_z")
    columns = [c for pair in zip(expected.columns, z.columns, strict=True) for c in pair]
    return expected.join(z)[columns]


def write_analysis(result: Analysis, folder: str | Path) -> list[Path]:
    """Write ``actors.csv``, ``groups.csv``, ``mixing.csv``, ``brokerage.csv`` (expected counts and
    z-scores), ``network.json`` and ``analysis.xlsx`` (all of them, one sheet each) into ``folder``;
    returns the paths written."""
    tables = {
        "actors": frame_rows(result.actors, "id"),
        "groups": frame_rows(result.groups, "group"),
        "mixing": frame_rows(result.mixing, None),
        "brokerage": frame_rows(brokerage_table(result), "id"),
    }
    document = network_document(result)
    sheets = [(name, header, rows) for name, (header, rows) in tables.items()]
    sheets.insert(1, ("network", ["figure", "value"], [[k, v] for k, v in flatten(document)]))
    return write_table_folder(folder, tables, documents={"network": document}, workbook="analysis.xlsx",
                              sheets=sheets)
