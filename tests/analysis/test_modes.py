"""Issue 11, item 7: every measure of ``analyze`` in every mode against independent implementations.

The fixed networks are files in ``tests/analysis/networks/`` (their README says where each network
and each hand-computed value comes from): a hand-made directed care network, Zachary's karate club
(two opposite directed reports per tie, weights as published) and Padgett's Florentine marriages
(one undirected report per tie). Each is read through the real reader.

The reference side never calls carenet_graph's collapse or mode views: the views of the spec
(H for path measures, PageRank and Burt; U the undirected projection; D the arcs) are built here
from the reports, with exact ``Fraction`` strengths and distances, and every measure is computed by
networkx (on the exact distances, so equally short paths really are equal) or by brute force in
pure Python (Gould–Fernandez brokerage by enumerating all ordered triples, its null-model mean and
variance by counting, E-I by enumerating every relabelling, removal impact by removing actors).
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from carenet_graph.analysis.run import Analysis, analyze
from carenet_graph.read import read_network, to_graph

NETWORKS = Path(__file__).parent / "networks"
MODES = ("undirected", "mutual", "directed")
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
TOL = 1e-9
#: network → the node attribute its groups come from (the Florentine families have none: one group "").
GROUP_BY = {"care": "sector", "karate": "club", "florentine": "sector"}
#: Label permutations for the E-I tests (the others need few: they do not look at the p-values).
PERMUTATIONS = 2000


@functools.cache
def read(name: str) -> nx.MultiDiGraph:
    """The network from its two files, through the real reader (read once; nobody changes it)."""
    data = read_network(actors=[NETWORKS / f"{name}_actors.csv"], ties=[NETWORKS / f"{name}_ties.csv"])
    assert not data.report.problems, data.report.problems
    return to_graph(data)


_RESULTS: dict[tuple[Any, ...], Analysis] = {}


def run(name: str, mode: str, **options: Any) -> Analysis:
    """``analyze`` of a fixed network, computed once per set of options (the tests only read it)."""
    key = (name, mode, *sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
    if key not in _RESULTS:
        options.setdefault("permutations", 100)
        _RESULTS[key] = analyze(read(name), mode=mode, group_by=GROUP_BY[name], **options)
    return _RESULTS[key]


# --------------------------------------------------------------------------------------------
# The views, built from the reports as the spec says (not through carenet_graph)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Views:
    """H (the mode's graph), U (undirected projection) and D (arcs); edges carry the exact
    strength ``s`` and distance ``d`` (Fractions) and the float strength ``w``."""

    H: nx.Graph
    U: nx.Graph
    D: nx.DiGraph


def kept_reports(G: nx.MultiDiGraph, tie_types: Iterable[str] | None = None,
                 min_level: int | None = None) -> list[tuple[Hashable, Hashable, Mapping[str, Any], Fraction]]:
    """Reports that are ties: of the wanted types, level not 0 and not below ``min_level`` (a report
    without a level is kept); strength = level, else weight, else 1."""
    wanted = set(tie_types) if tie_types is not None else None
    out = []
    for u, v, data in G.edges(data=True):
        if wanted is not None and data.get("type") not in wanted:
            continue
        level = data.get("level")
        if level is not None and (level == 0 or (min_level is not None and level < min_level)):
            continue
        value = level if level is not None else data.get("weight", 1)
        out.append((u, v, data, Fraction(value)))
    return out


def graph_of(G: nx.MultiDiGraph, best: Mapping[tuple[Hashable, Hashable], Fraction], directed: bool) -> nx.Graph:
    H: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    for (u, v), s in best.items():
        H.add_edge(u, v, s=s, d=1 / s, w=float(s))
    return H


def views(G: nx.MultiDiGraph, mode: str, tie_types: Iterable[str] | None = None,
          min_level: int | None = None) -> Views:
    reports = kept_reports(G, tie_types, min_level)
    pairs: dict[frozenset[Hashable], Fraction] = {}
    reporters: dict[frozenset[Hashable], set[Hashable]] = {}
    arcs: dict[tuple[Hashable, Hashable], Fraction] = {}
    for u, v, data, s in reports:
        pair = frozenset((u, v))
        pairs[pair] = max(pairs.get(pair, s), s)
        reporter = data.get("reported_by")
        reporters.setdefault(pair, set()).add(u if reporter is None else reporter)
        for arc in ([(u, v)] if data.get("direction") == "directed" else [(u, v), (v, u)]):
            arcs[arc] = max(arcs.get(arc, s), s)
    ends = {pair: tuple(sorted(pair, key=str)) for pair in pairs}
    undirected = graph_of(G, {ends[p]: s for p, s in pairs.items()}, directed=False)
    if mode == "directed":
        D = graph_of(G, arcs, directed=True)
        return Views(D, undirected, D)
    if mode == "mutual":
        H = graph_of(G, {ends[p]: s for p, s in pairs.items() if p <= reporters[p]}, directed=False)
    else:
        H = undirected
    return Views(H, H, H.to_directed())


def groups_of(G: nx.MultiDiGraph, attribute: str) -> dict[Hashable, str]:
    return {v: "" if data.get(attribute) is None else str(data[attribute]) for v, data in G.nodes(data=True)}


# --------------------------------------------------------------------------------------------
# Independent measures
# --------------------------------------------------------------------------------------------


_MEMO: dict[tuple[Any, ...], Any] = {}


def memo(function: Any, G: nx.Graph, *args: Any) -> Any:
    """``function(G, *args)``, computed once per graph content (karate's views coincide across modes)."""
    edges = frozenset((u, v, data["s"]) for u, v, data in G.edges(data=True))
    key = (function.__name__, G.is_directed(), tuple(G.nodes), edges, args)
    if key not in _MEMO:
        _MEMO[key] = function(G, *args)
    return _MEMO[key]


def role(gi: str, gj: str, gk: str) -> str:
    if gi == gj == gk:
        return "coordinator"
    if gi == gk:
        return "itinerant"
    if gi == gj:
        return "representative"
    if gj == gk:
        return "gatekeeper"
    return "liaison"


def brokerage_brute_force(D: nx.DiGraph, groups: Mapping[Hashable, str]) -> dict[Hashable, Counter[str]]:
    """Gould–Fernandez counts by enumerating every ordered triple of distinct actors i→j→k, no arc i→k."""
    counts: dict[Hashable, Counter[str]] = {j: Counter() for j in D}
    for i, j, k in itertools.permutations(D.nodes, 3):
        if D.has_edge(i, j) and D.has_edge(j, k) and not D.has_edge(i, k):
            counts[j][role(groups[i], groups[j], groups[k])] += 1
    return counts


def brokerage_null(D: nx.DiGraph, groups: Mapping[Hashable, str]
                   ) -> tuple[dict[Hashable, dict[str, float]], dict[Hashable, dict[str, float]]]:
    """Mean and standard deviation of each count when every arc is present independently with
    d = |D| / (n(n−1)): X_(i,k) = a_ij a_jk (1 − a_ik), so E X = d²(1−d) and E[X_t X_s] is d²(1−d) (t = s),
    d³(1−d)² (same i or same k) or d⁴(1−d)² (else): summed over the role's possible pairs (i, k)."""
    nodes = list(D.nodes)
    n = len(nodes)
    arcs = sum(1 for u, v in D.edges() if u != v)
    d = arcs / (n * (n - 1)) if n > 1 else 0.0
    mean: dict[Hashable, dict[str, float]] = {}
    sd: dict[Hashable, dict[str, float]] = {}
    for j in nodes:
        possible: dict[str, list[tuple[Hashable, Hashable]]] = {r: [] for r in ROLES}
        for i, k in itertools.permutations([v for v in nodes if v != j], 2):
            possible[role(groups[i], groups[j], groups[k])].append((i, k))
        possible["brokerage_total"] = [t for r in ROLES for t in possible[r]]
        mean[j], sd[j] = {}, {}
        for name, pairs in possible.items():
            size = len(pairs)
            same_i = sum(c * (c - 1) for c in Counter(i for i, _ in pairs).values())
            same_k = sum(c * (c - 1) for c in Counter(k for _, k in pairs).values())
            other = size * size - size - same_i - same_k
            second = (size * d**2 * (1 - d) + (same_i + same_k) * d**3 * (1 - d) ** 2
                      + other * d**4 * (1 - d) ** 2)
            mean[j][name] = size * d**2 * (1 - d)
            sd[j][name] = math.sqrt(max(second - mean[j][name] ** 2, 0.0))
    return mean, sd


def eigenvector_by_component(U: nx.Graph) -> dict[Hashable, float]:
    """networkx's eigenvector centrality on each component, scaled by sqrt(|C|/n); alone → 0."""
    n = U.number_of_nodes()
    out = dict.fromkeys(U, 0.0)
    for component in nx.connected_components(U):
        if len(component) < 2:
            continue
        values = nx.eigenvector_centrality(U.subgraph(component), weight="w", max_iter=100000, tol=1e-12)
        for v, x in values.items():
            out[v] = x * math.sqrt(len(component) / n)
    return out


def mutual_weights(H: nx.Graph) -> nx.Graph:
    """The undirected graph networkx's Burt measures see in ``H``: a directed pair weighs w_ij + w_ji.

    networkx defines constraint and effective size on these mutual weights, but its per-node code
    for a directed graph calls an actor with incoming arcs only "isolated" (NaN); on the mutual-weight
    graph it has its contacts. Per node, because networkx 3.6's sparse all-nodes path for
    effective_size differs from its own definition on weighted graphs (Zachary's club, member 1:
    13.954 against 13.775, which a hand computation of the definition confirms).
    """
    if not H.is_directed():
        return H
    M = nx.Graph()
    M.add_nodes_from(H)
    for u, v, data in H.edges(data=True):
        mutual = data["s"] + (M[u][v]["s"] if M.has_edge(u, v) else 0)
        M.add_edge(u, v, s=mutual, w=float(mutual))
    return M


def betweenness(H: nx.Graph) -> dict[Hashable, float]:
    """networkx's betweenness on the exact distances: equally short paths are equal."""
    return {v: float(x) for v, x in nx.betweenness_centrality(H, weight="d").items()}


def closeness(H: nx.Graph) -> dict[Hashable, float]:
    """networkx's closeness (distances *to* the actor; pass the reversed graph for *from*)."""
    return {v: float(x) for v, x in nx.closeness_centrality(H, distance="d").items()}


def harmonic(H: nx.Graph) -> dict[Hashable, float]:
    return {v: float(x) for v, x in nx.harmonic_centrality(H, distance="d").items()}


def pagerank(H: nx.Graph) -> dict[Hashable, float]:
    return dict(nx.pagerank(H, weight="w", tol=1e-15, max_iter=100000))


def effective_size(H: nx.Graph) -> dict[Hashable, float]:
    return dict(nx.effective_size(H, nodes=list(H), weight="w"))


def constraint_and_hierarchy(H: nx.Graph) -> tuple[dict[Hashable, float], dict[Hashable, float]]:
    """Burt's constraint c_i = Σ_j c_ij from networkx's local constraint c_ij, and his hierarchy
    Σ_j r_ij ln r_ij / (N ln N), r_ij = c_ij / (c_i / N); NaN without contacts (hierarchy: fewer than
    two). ``H`` undirected, e.g. the :func:`mutual_weights` graph."""
    constraint, hierarchy = {}, {}
    for i in H:
        contacts = set(H[i]) - {i}
        N = len(contacts)
        local = [nx.local_constraint(H, i, j, weight="w") for j in contacts]
        total = sum(local)
        constraint[i] = total if N else math.nan
        if N < 2 or total <= 0:
            hierarchy[i] = math.nan
            continue
        r = [c / (total / N) for c in local]
        hierarchy[i] = sum(x * math.log(x) for x in r if x > 0) / (N * math.log(N))
    return constraint, hierarchy


def removal_impact(U: nx.Graph) -> dict[Hashable, float]:
    """Share of the connected pairs not involving v that are cut apart when v is removed."""
    out = {}
    for v in U:
        before = sum(math.comb(len(c - {v}), 2) for c in nx.connected_components(U))
        rest = U.copy()
        rest.remove_node(v)
        after = sum(math.comb(len(c), 2) for c in nx.connected_components(rest))
        out[v] = (before - after) / before if before else 0.0
    return out


def expected_actors(G: nx.MultiDiGraph, V: Views, group_by: str, direction: str = "out"
                    ) -> dict[str, dict[Hashable, Any]]:
    """Every numeric actor column of actors.csv (community aside), computed independently."""
    H, U, D = V.H, V.U, V.D
    groups = groups_of(G, group_by)
    path_graph = H.reverse() if H.is_directed() and direction == "out" else H
    broker = brokerage_brute_force(D, groups)
    burt = mutual_weights(H)
    constraint, hierarchy = memo(constraint_and_hierarchy, burt)
    columns: dict[str, dict[Hashable, Any]] = {
        "degree": dict(U.degree()),
        "strength": {v: float(sum(U[v][w]["s"] for w in U[v])) for v in U},
        "in_degree": dict(D.in_degree()),
        "out_degree": dict(D.out_degree()),
        "in_strength": {v: float(sum(D[u][v]["s"] for u in D.predecessors(v))) for v in D},
        "out_strength": {v: float(sum(D[v][w]["s"] for w in D.successors(v))) for v in D},
        "betweenness": memo(betweenness, H),
        "closeness": memo(closeness, path_graph),
        "harmonic": memo(harmonic, path_graph),
        "eigenvector": memo(eigenvector_by_component, U),
        "pagerank": memo(pagerank, H),
        "constraint": constraint,
        "effective_size": memo(effective_size, burt),
        "hierarchy": hierarchy,
        "core_number": nx.core_number(U),
        "articulation_point": {v: v in set(nx.articulation_points(U)) for v in U},
        "removal_impact": removal_impact(U),
    }
    for name in ROLES:
        columns[name] = {v: broker[v][name] for v in D}
    columns["brokerage_total"] = {v: sum(broker[v].values()) for v in D}
    return columns


def same(got: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(got) == bool(expected)
    if expected is None or got is None:
        return got is None and expected is None
    got, expected = float(got), float(expected)
    if math.isnan(expected) or math.isnan(got):
        return math.isnan(expected) and math.isnan(got)
    return abs(got - expected) <= TOL * max(1.0, abs(expected))


def mismatches(table: Any, columns: Mapping[str, Mapping[Hashable, Any]]) -> list[str]:
    """'column actor: got … expected …' for every cell that differs (empty when all agree)."""
    out = []
    for column, values in columns.items():
        for actor, value in values.items():
            got = table.loc[actor, column]
            if not same(got, value):
                out.append(f"{column} {actor}: got {got!r}, expected {value!r}")
    return out


def dyads(reports: Iterable[tuple[Hashable, Hashable, Mapping[str, Any], Fraction]]
          ) -> tuple[int, int, float | None, int, float | None, float | None]:
    """Pairs reported, pairs reported by both sides (and share), pairs with a level from both
    sides, share where the two levels (each side's highest) agree, mean absolute difference."""
    by_pair: dict[frozenset[Hashable], dict[Hashable, list[int]]] = {}
    for u, v, data, _ in reports:
        if u == v:
            continue
        reporter = data.get("reported_by", u)
        levels = by_pair.setdefault(frozenset((u, v)), {}).setdefault(reporter, [])
        if data.get("level") is not None:
            levels.append(int(data["level"]))
    both = [(by[a], by[b]) for pair, by in by_pair.items() for a, b in [tuple(pair)] if a in by and b in by]
    levelled = [(max(x), max(y)) for x, y in both if x and y]
    return (len(by_pair), len(both), len(both) / len(by_pair) if by_pair else None, len(levelled),
            sum(x == y for x, y in levelled) / len(levelled) if levelled else None,
            sum(abs(x - y) for x, y in levelled) / len(levelled) if levelled else None)


def ei_counts(U: nx.Graph, labels: Mapping[Hashable, str]) -> tuple[int, int]:
    """(E, I): ties between and within groups."""
    external = sum(1 for u, v in U.edges() if u != v and labels[u] != labels[v])
    internal = sum(1 for u, v in U.edges() if u != v and labels[u] == labels[v])
    return external, internal


def expected_network(G: nx.MultiDiGraph, V: Views, mode: str, group_by: str) -> dict[str, Any]:
    H, U, D = V.H, V.U, V.D
    n = H.number_of_nodes()
    ties = H.number_of_edges()
    components = list(nx.connected_components(U))
    largest = max(components, key=len)
    degrees = [d for _, d in U.degree()]
    between = list(memo(betweenness, H).values())
    arcs = [(u, v) for u, v in D.edges() if u != v]
    labels = groups_of(G, group_by)
    external, internal = ei_counts(U, labels)
    sizes = Counter(labels.values())
    p_internal = sum(k * (k - 1) for k in sizes.values()) / (n * (n - 1))
    attributed = U.copy()
    nx.set_node_attributes(attributed, labels, "group")
    mix = nx.attribute_mixing_matrix(attributed, "group") if U.number_of_edges() else None
    trace_term = (mix.sum(axis=1) @ mix.sum(axis=0)) if mix is not None else None
    largest_graph = U.subgraph(largest)
    return {
        "actors": n,
        "ties": ties,
        "density": ties / (n * (n - 1)) if mode == "directed" else ties / (n * (n - 1) / 2),
        "components": len(components),
        "largest_component_share": len(largest) / n,
        "average_degree": ties / n if mode == "directed" else 2 * ties / n,
        "degree_centralization": sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2)),
        "betweenness_centralization": sum(max(between) - b for b in between) / (n - 1),
        "transitivity": nx.transitivity(U),
        "average_clustering": nx.average_clustering(U),
        "diameter": nx.diameter(largest_graph) if len(largest) > 1 else 0,
        "average_path_length": nx.average_shortest_path_length(largest_graph) if len(largest) > 1 else None,
        "reciprocity": nx.overall_reciprocity(D) if mode == "directed" and arcs else None,
        "articulation_points": len(list(nx.articulation_points(U))),
        "bridges": len(list(nx.bridges(U))),
        "ei_index": (external - internal) / (external + internal) if external + internal else math.nan,
        "ei_expected": 1 - 2 * p_internal if external + internal else math.nan,
        "assortativity": (nx.attribute_assortativity_coefficient(attributed, "group")
                          if mix is not None and trace_term < 1 else math.nan),
    }


def network_mismatches(result: Analysis, expected: Mapping[str, Any]) -> list[str]:
    net = result.network
    got = {
        "actors": net.actors, "ties": net.ties, "density": net.density, "components": net.components,
        "largest_component_share": net.largest_component_share, "average_degree": net.average_degree,
        "degree_centralization": net.degree_centralization,
        "betweenness_centralization": net.betweenness_centralization, "transitivity": net.transitivity,
        "average_clustering": net.average_clustering, "diameter": net.paths.diameter,
        "average_path_length": net.paths.average_path_length, "reciprocity": net.reciprocity,
        "articulation_points": net.articulation_points, "bridges": net.bridges,
        "ei_index": net.extra["ei_index"], "ei_expected": net.extra["ei_expected"],
        "assortativity": net.extra["assortativity"],
    }
    return [f"{k}: got {got[k]!r}, expected {v!r}" for k, v in expected.items() if not same(got[k], v)]


def dyad_figures(result: Analysis) -> tuple[Any, ...]:
    dy = result.network.dyads
    assert dy is not None
    return (dy.pairs_reported, dy.pairs_both_reported, dy.share_both_reported, dy.pairs_both_with_level,
            dy.share_level_agreement, dy.mean_level_difference)


CASES = [(name, mode) for name in ("care", "karate", "florentine") for mode in MODES]
FILTERS = [{"min_level": 2}, {"tie_types": ["referral", "consultation"]}]


# --------------------------------------------------------------------------------------------
# The files are what their README says
# --------------------------------------------------------------------------------------------


def test_karate_file_is_zacharys_club_as_networkx_ships_it() -> None:
    K = nx.karate_club_graph()
    G = read("karate")
    ident = {v: f"z{v + 1:02d}" for v in K}
    assert {ident[v]: K.nodes[v]["club"] for v in K} == {v: d["club"] for v, d in G.nodes(data=True)}
    published = {(ident[u], ident[v]): d["weight"] for u, v, d in K.edges(data=True)}
    published |= {(b, a): w for (a, b), w in published.items()}
    assert {(u, v): d["weight"] for u, v, d in G.edges(data=True)} == published
    assert all(d["direction"] == "directed" and d["reported_by"] == u for u, _, d in G.edges(data=True))
    assert G.number_of_nodes() == 34 and G.number_of_edges() == 2 * 78


def test_florentine_file_is_padgetts_marriage_network_as_networkx_ships_it() -> None:
    F = nx.florentine_families_graph()
    G = read("florentine")
    assert set(G) == set(F) and G.number_of_edges() == F.number_of_edges() == 20
    assert {frozenset((u, v)) for u, v in G.edges()} == {frozenset(e) for e in F.edges()}
    assert all(d["direction"] == "undirected" and "level" not in d for _, _, d in G.edges(data=True))


# --------------------------------------------------------------------------------------------
# Hand-computed values (tests/analysis/networks/README.md shows the computation)
# --------------------------------------------------------------------------------------------

HAND_NETWORK = {
    # mode: (ties, density, average degree, components, largest share, reciprocity)
    "undirected": (9, 9 / 36, 18 / 9, 2, 8 / 9, None),
    "mutual": (4, 4 / 36, 8 / 9, 5, 3 / 9, None),
    "directed": (15, 15 / 72, 15 / 9, 2, 8 / 9, 12 / 15),
}
HAND_DIRECTED = {  # actor: (in_degree, out_degree, in_strength, out_strength, degree, strength)
    "A": (3, 3, 4, 6, 3, 6), "B": (1, 2, 3, 3, 2, 5), "C": (1, 1, 2, 4, 2, 6), "D": (2, 2, 6, 6, 2, 6),
    "E": (1, 2, 4, 5, 2, 5), "F": (3, 2, 4, 3, 3, 4), "G": (3, 2, 7, 4, 3, 8), "H": (1, 1, 2, 1, 1, 2),
    "I": (0, 0, 0, 0, 0, 0),
}
HAND_MUTUAL = {  # actor: (degree, strength); every tie is two arcs, so in = out = degree
    "A": (1, 3), "B": (1, 3), "C": (0, 0), "D": (1, 4), "E": (1, 4), "F": (1, 2), "G": (2, 4), "H": (1, 2),
    "I": (0, 0),
}
HAND_BROKERAGE = {  # mode: actor: counts of (coordinator, itinerant, representative, gatekeeper, liaison)
    "directed": {"A": (0, 2, 2, 2, 0), "B": (1, 0, 0, 0, 0), "D": (0, 0, 1, 1, 0), "G": (0, 0, 1, 2, 1),
                 "I": (0, 0, 0, 0, 0)},
    "undirected": {"A": (0, 2, 2, 2, 0), "B": (2, 0, 0, 0, 0), "C": (0, 0, 1, 1, 0), "G": (0, 0, 2, 2, 2)},
    "mutual": {"A": (0, 0, 0, 0, 0), "C": (0, 0, 0, 0, 0), "G": (0, 0, 1, 1, 0), "I": (0, 0, 0, 0, 0)},
}


@pytest.mark.parametrize("mode", MODES)
def test_care_network_figures_by_hand(mode: str) -> None:
    net = run("care", mode).network
    ties, density, average_degree, components, share, reciprocity = HAND_NETWORK[mode]
    assert (net.actors, net.ties, net.components) == (9, ties, components)
    assert net.density == pytest.approx(density, abs=TOL)
    assert net.average_degree == pytest.approx(average_degree, abs=TOL)
    assert net.largest_component_share == pytest.approx(share, abs=TOL)
    assert net.reciprocity == (None if reciprocity is None else pytest.approx(reciprocity, abs=TOL))


def test_care_degrees_and_strengths_by_hand() -> None:
    directed = run("care", "directed").actors
    columns = ["in_degree", "out_degree", "in_strength", "out_strength", "degree", "strength"]
    assert {v: tuple(directed.loc[v, columns]) for v in HAND_DIRECTED} == HAND_DIRECTED
    undirected = run("care", "undirected").actors
    assert {v: undirected.loc[v, "strength"] for v in HAND_DIRECTED} == {v: t[5] for v, t in HAND_DIRECTED.items()}
    assert {v: undirected.loc[v, "in_degree"] for v in HAND_DIRECTED} == {v: t[4] for v, t in HAND_DIRECTED.items()}
    mutual = run("care", "mutual").actors
    got = {v: (mutual.loc[v, "degree"], mutual.loc[v, "strength"]) for v in HAND_MUTUAL}
    assert got == HAND_MUTUAL
    assert {v: (mutual.loc[v, "in_degree"], mutual.loc[v, "out_strength"]) for v in HAND_MUTUAL} == HAND_MUTUAL


@pytest.mark.parametrize("mode", MODES)
def test_care_brokerage_by_hand(mode: str) -> None:
    actors = run("care", mode).actors
    got = {v: tuple(int(actors.loc[v, r]) for r in ROLES) for v in HAND_BROKERAGE[mode]}
    assert got == HAND_BROKERAGE[mode]


@pytest.mark.parametrize(("options", "figures"), [
    # 9 pairs with a tie report (H–I at level 0 is none); A–B, D–E, F–G and G–H from both sides;
    # levels from both sides on A–B (3, 1), D–E (4, 4), G–H (2, 1): one agrees, differences 2, 0, 1.
    ({}, (9, 4, 4 / 9, 3, 1 / 3, 1.0)),
    # --min-level 2: B→A, E→F, H→G and F–A (level 1) go too: 7 pairs; D–E and F–G from both sides,
    # levels from both sides on D–E only (G's report on F–G has none), and they agree.
    ({"min_level": 2}, (7, 2, 2 / 7, 1, 1.0, 0.0)),
], ids=["all", "min_level"])
def test_care_dyad_reports_by_hand(options: dict[str, Any], figures: tuple[Any, ...]) -> None:
    for mode in MODES:
        assert dyad_figures(run("care", mode, **options)) == pytest.approx(figures, abs=TOL), mode


def test_care_filters_by_hand() -> None:
    # --min-level 2 drops B→A, E→F, H→G, F–A (level 1) and H–I (0); G–F (no level) stays.
    net = run("care", "directed", min_level=2).network
    assert (net.ties, net.reciprocity) == (10, pytest.approx(6 / 10, abs=TOL))
    assert run("care", "mutual", min_level=2).network.ties == 2  # D–E and F–G
    # Referrals and consultations only: A→B, B→A, B→C, E→F, G→H, H→G, C→G.
    net = run("care", "directed", tie_types=["referral", "consultation"]).network
    assert (net.ties, net.reciprocity) == (7, pytest.approx(4 / 7, abs=TOL))


# --------------------------------------------------------------------------------------------
# Every actor column and network figure against the independent computation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_actor_columns_match_independent_implementations(name: str, mode: str) -> None:
    G = read(name)
    result = run(name, mode)
    V = views(G, mode)
    assert sorted(result.actors.index) == sorted(G.nodes)
    assert mismatches(result.actors, expected_actors(G, V, GROUP_BY[name])) == []
    for column in ("name", "type", "sector", "municipality"):
        assert {v: result.actors.loc[v, column] for v in G} == {v: G.nodes[v].get(column) for v in G}


@pytest.mark.parametrize("options", FILTERS, ids=["min_level", "tie_types"])
@pytest.mark.parametrize("mode", MODES)
def test_actor_columns_match_independent_implementations_with_filters(mode: str, options: dict[str, Any]) -> None:
    G = read("care")
    result = run("care", mode, **options)
    V = views(G, mode, **options)
    assert mismatches(result.actors, expected_actors(G, V, "sector")) == []


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_network_figures_match_independent_implementations(name: str, mode: str) -> None:
    G = read(name)
    V = views(G, mode)
    assert network_mismatches(run(name, mode), expected_network(G, V, mode, GROUP_BY[name])) == []


@pytest.mark.parametrize("options", FILTERS, ids=["min_level", "tie_types"])
@pytest.mark.parametrize("mode", MODES)
def test_network_figures_match_independent_implementations_with_filters(mode: str, options: dict[str, Any]) -> None:
    G = read("care")
    V = views(G, mode, **options)
    assert network_mismatches(run("care", mode, **options), expected_network(G, V, mode, "sector")) == []


@pytest.mark.parametrize(("name", "options"), [("care", {}), ("care", FILTERS[0]), ("care", FILTERS[1]),
                                               ("karate", {}), ("florentine", {})],
                         ids=["care", "care-min_level", "care-tie_types", "karate", "florentine"])
def test_dyad_reports_count_the_reports_kept_after_filters_and_level_0(name: str, options: dict[str, Any]) -> None:
    G = read(name)
    expected = dyads(kept_reports(G, **options))
    for mode in MODES:
        got = dyad_figures(run(name, mode, **options))
        assert all(same(g, e) for g, e in zip(got, expected, strict=True)), (mode, got, expected)


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_brokerage_expectations_and_z_scores_match_the_null_model(name: str, mode: str) -> None:
    G = read(name)
    broker = run(name, mode).brokerage
    V = views(G, mode)
    groups = groups_of(G, GROUP_BY[name])
    counts = brokerage_brute_force(V.D, groups)
    mean, sd = brokerage_null(V.D, groups)
    bad = []
    for v in G:
        for column in (*ROLES, "brokerage_total"):
            count = sum(counts[v].values()) if column == "brokerage_total" else counts[v][column]
            z = (count - mean[v][column]) / sd[v][column] if sd[v][column] > 1e-12 else math.nan
            for what, got, want in (("expected", broker.expected.loc[v, column], mean[v][column]),
                                    ("z", broker.z.loc[v, column], z)):
                if not same(got, want):
                    bad.append(f"{what} {column} {v}: got {got!r}, expected {want!r}")
    assert bad == []


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_groups_mixing_and_communities_on_the_undirected_view(name: str, mode: str) -> None:
    G = read(name)
    result = run(name, mode)
    U = views(G, mode).U
    labels = groups_of(G, GROUP_BY[name])
    names = sorted(set(labels.values()))
    sizes = Counter(labels.values())
    within = Counter(labels[u] for u, v in U.edges() if labels[u] == labels[v])
    crossing = Counter(pair for u, v in U.edges() if labels[u] != labels[v] for pair in (labels[u], labels[v]))
    groups = result.groups
    assert sorted(groups.index) == names
    for g in names:
        assert (groups.loc[g, "size"], groups.loc[g, "internal_ties"], groups.loc[g, "external_ties"]) == (
            sizes[g], within[g], crossing[g]), g
        density = within[g] / math.comb(sizes[g], 2) if sizes[g] > 1 else math.nan
        assert same(groups.loc[g, "density_within"], density), g
    between = Counter(tuple(sorted((labels[u], labels[v]))) for u, v in U.edges())
    for row in result.mixing.itertuples():
        g, h = row.group, row.other_group
        possible = math.comb(sizes[g], 2) if g == h else sizes[g] * sizes[h]
        assert row.ties == between[(g, h)] and same(row.density, row.ties / possible if possible else math.nan)
    # Communities: a partition of U's actors into connected parts (Leiden's guarantee), numbered by
    # decreasing size, whose modularity is the one reported, with U's (max-combined) strengths.
    membership = result.actors["community"].to_dict()
    parts: dict[int, set[Hashable]] = {}
    for v, c in membership.items():
        parts.setdefault(int(c), set()).add(v)
    assert sorted(parts) == list(range(len(parts))) == list(range(result.network.extra["communities"]))
    assert [len(parts[c]) for c in sorted(parts)] == sorted((len(p) for p in parts.values()), reverse=True)
    assert all(nx.is_connected(U.subgraph(p)) for p in parts.values())
    modularity = nx.community.modularity(U, parts.values(), weight="w") if U.number_of_edges() else None
    assert same(result.network.extra["modularity"], modularity)


# --------------------------------------------------------------------------------------------
# The old bugs
# --------------------------------------------------------------------------------------------


def multigraph(reports: list[tuple[str, str, int | None, str, str]]) -> nx.MultiDiGraph:
    """A MultiDiGraph with the attributes the reader gives: three actors in two sectors."""
    G = nx.MultiDiGraph()
    for v, sector in (("a", "medical"), ("b", "medical"), ("c", "social_welfare")):
        G.add_node(v, name=f"Actor {v}", type="other_organisation", sector=sector, municipality="Lemgo")
    for u, v, level, direction, reporter in reports:
        data: dict[str, Any] = {"type": "consultation", "direction": direction, "reported_by": reporter}
        if level is not None:
            data["level"] = level
        G.add_edge(u, v, **data)
    return G


PAIR = [("a", "b", 3, "directed", "a"), ("b", "a", 1, "directed", "b"), ("b", "c", 2, "undirected", "b")]


@pytest.mark.parametrize("order", [PAIR, PAIR[::-1], [PAIR[1], PAIR[2], PAIR[0]]], ids=["3-first", "1-first", "mixed"])
def test_directed_reciprocal_pair_counts_at_its_max_strength_whatever_the_order(
        order: list[tuple[str, str, int | None, str, str]]) -> None:
    result = analyze(multigraph(order), mode="directed", permutations=10)
    # U: a–b at max(3, 1) = 3, b–c at 2. Its adjacency [[0,3,0],[3,0,2],[0,2,0]] has the Perron
    # vector (3, √13, 2)/√26 (λ = √13); with a–b at 1 it would be (1, √5, 2)/√10.
    eigen = result.actors["eigenvector"]
    assert list(eigen[["a", "b", "c"]]) == pytest.approx([3 / math.sqrt(26), 1 / math.sqrt(2), 2 / math.sqrt(26)],
                                                         abs=TOL)
    assert list(result.actors.loc[["a", "b", "c"], "strength"]) == [3.0, 5.0, 2.0]
    U = nx.Graph([("a", "b", {"w": 3.0}), ("b", "c", {"w": 2.0})])
    parts: dict[int, set[str]] = {}
    for v, c in result.actors["community"].items():
        parts.setdefault(int(c), set()).add(v)
    assert result.network.extra["modularity"] == pytest.approx(
        nx.community.modularity(U, parts.values(), weight="w"), abs=TOL)
    # The arcs keep their own strengths: a→b 3 out of a, b→a 1 out of b.
    assert list(result.actors.loc[["a", "b"], "out_strength"]) == [3.0, 1.0 + 2.0]


def test_care_network_results_do_not_depend_on_the_order_of_reports() -> None:
    G = read("care")
    reordered = nx.MultiDiGraph()
    reordered.add_nodes_from(G.nodes(data=True))
    reordered.add_edges_from(list(G.edges(data=True))[::-1])
    for mode in MODES:
        first, second = run("care", mode), analyze(reordered, mode=mode, permutations=PERMUTATIONS)
        for column in ("eigenvector", "strength", "community", "pagerank", "constraint", "betweenness"):
            assert all(same(x, y) for x, y in zip(first.actors[column], second.actors[column].loc[first.actors.index],
                                                   strict=True)), (mode, column)
        assert same(first.network.extra["modularity"], second.network.extra["modularity"]), mode


@pytest.mark.parametrize("mode", ["undirected", "mutual"])
def test_symmetric_modes_broker_on_the_symmetric_graph(mode: str) -> None:
    # The D of undirected and mutual mode is H with every tie as two arcs; brute force on it.
    G = read("care")
    V = views(G, mode)
    assert all(V.D.has_edge(v, u) for u, v in V.D.edges())
    counts = brokerage_brute_force(V.D, groups_of(G, "sector"))
    actors = run("care", mode).actors
    assert {v: tuple(int(actors.loc[v, r]) for r in ROLES) for v in G} == {
        v: tuple(counts[v][r] for r in ROLES) for v in G}
    if mode == "mutual":
        # C reported B→C and C→G but nobody reported C back: no mutual tie, so no brokerage.
        assert actors.loc["C", "degree"] == 0 and actors.loc["C", "brokerage_total"] == 0
        assert run("care", "undirected").actors.loc["C", "brokerage_total"] == 2


def test_directed_density_counts_arcs() -> None:
    for name in ("care", "karate", "florentine"):
        G = read(name)
        D = views(G, "directed").D
        n = D.number_of_nodes()
        net = run(name, "directed").network
        assert net.ties == D.number_of_edges()
        assert net.density == pytest.approx(D.number_of_edges() / (n * (n - 1)), abs=TOL)
        assert net.density == pytest.approx(nx.density(D), abs=TOL)


@pytest.mark.parametrize("options", [{}, *FILTERS], ids=["all", "min_level", "tie_types"])
def test_reciprocity_is_networkx_overall_reciprocity_of_the_kept_arcs(options: dict[str, Any]) -> None:
    G = read("care")
    D = views(G, "directed", **options).D
    assert run("care", "directed", **options).network.reciprocity == pytest.approx(nx.overall_reciprocity(D), abs=TOL)
    for mode in ("undirected", "mutual"):
        assert run("care", mode, **options).network.reciprocity is None
    if not options:
        # The level-0 report H–I would add two reciprocated arcs: 14/17 instead of 12/15.
        assert run("care", "directed").network.reciprocity == pytest.approx(12 / 15, abs=TOL)
    assert run("karate", "directed").network.reciprocity == 1.0


@pytest.mark.parametrize("direction", ["out", "in"])
def test_directed_closeness_and_harmonic_direction(direction: str) -> None:
    G = read("care")
    D = views(G, "directed").D
    result = run("care", "directed") if direction == "out" else run("care", "directed", closeness_direction="in")
    assert result.options["closeness_direction"] == direction
    reference = D.reverse() if direction == "out" else D  # networkx uses the distances *to* an actor
    closeness = nx.closeness_centrality(reference, distance="d")
    harmonic = nx.harmonic_centrality(reference, distance="d")
    assert mismatches(result.actors, {"closeness": closeness, "harmonic": harmonic}) == []
    # The direction matters here: C reports its close tie to G (C→G, level 4) one-sidedly, so G is
    # near to others (in) but far from them (out); A's reports run outwards (A→B at 3, A–D, F–A).
    outgoing = nx.closeness_centrality(D.reverse(), distance="d")
    incoming = nx.closeness_centrality(D, distance="d")
    assert outgoing["G"] < incoming["G"] - 0.3 and outgoing["A"] > incoming["A"] + 0.3
    chosen = outgoing if direction == "out" else incoming
    assert list(result.actors.loc[["A", "G"], "closeness"]) == pytest.approx([chosen["A"], chosen["G"]], abs=TOL)


# --------------------------------------------------------------------------------------------
# E-I against every relabelling
# --------------------------------------------------------------------------------------------


def assignments(actors: list[Hashable], sizes: list[tuple[str, int]]) -> Iterable[dict[Hashable, str]]:
    """Every distinct way to give the actors these labels, ``sizes[g]`` actors each."""
    if not sizes:
        yield {}
        return
    (label, size), rest = sizes[0], sizes[1:]
    for chosen in itertools.combinations(actors, size):
        others = [v for v in actors if v not in chosen]
        for assignment in assignments(others, rest):
            yield {**dict.fromkeys(chosen, label), **assignment}


def check_ei_against_all_relabellings(G: nx.MultiDiGraph, U: nx.Graph, result: Analysis, group_by: str) -> None:
    """The observed E-I index, its expectation over every distinct relabelling (group sizes kept,
    all equally likely) and the exact p-values, against what ``analyze`` reports."""
    labels = groups_of(G, group_by)
    actors = sorted(G)
    observed_e, observed_i = ei_counts(U, labels)
    m = observed_e + observed_i
    observed = (observed_e - observed_i) / m
    draws = []
    sizes = sorted(Counter(labels.values()).items())
    for relabelled in assignments(actors, sizes):
        e, i = ei_counts(U, relabelled)
        draws.append((e - i) / m)
    assert len(draws) == math.factorial(len(actors)) // math.prod(math.factorial(k) for _, k in sizes)
    mean = sum(draws) / len(draws)
    exact_two = sum(abs(x - mean) >= abs(observed - mean) - 1e-12 for x in draws) / len(draws)
    exact_lower = sum(x <= observed + 1e-12 for x in draws) / len(draws)
    exact_upper = sum(x >= observed - 1e-12 for x in draws) / len(draws)
    ei = result.ei
    assert ei.ei_index == pytest.approx(observed, abs=TOL)
    assert ei.expected == pytest.approx(mean, abs=TOL)
    assert ei.permutations == PERMUTATIONS
    # A seeded Monte Carlo estimate of an exact p: within 4.5 standard errors (sd ≤ 0.5/√R).
    slack = 4.5 * 0.5 / math.sqrt(PERMUTATIONS) + 1 / (PERMUTATIONS + 1)
    got = (ei.p_value, ei.p_lower, ei.p_upper)
    assert all(abs(g - e) <= slack for g, e in zip(got, (exact_two, exact_lower, exact_upper), strict=True)), (
        got, (exact_two, exact_lower, exact_upper))


@pytest.mark.parametrize("options", [{}, {"min_level": 2}], ids=["all", "min_level"])
@pytest.mark.parametrize("mode", MODES)
def test_ei_expectation_and_p_values_against_all_relabellings(mode: str, options: dict[str, Any]) -> None:
    # Nine actors, three sectors of three: 9!/(3!)³ = 1680 distinct relabellings.
    G = read("care")
    result = run("care", mode, permutations=PERMUTATIONS, **options)
    check_ei_against_all_relabellings(G, views(G, mode, **options).U, result, "sector")


def test_ei_of_a_network_whose_every_tie_crosses_groups() -> None:
    # Eight actors, four per sector, ties only across (an alternating cycle and two chords):
    # EI = +1, far above E[EI] = 1 − 2·(4·3 + 4·3)/(8·7) = 1/7, so the two-sided p is small.
    G = nx.MultiDiGraph()
    ids = [f"x{i}" for i in range(8)]
    for i, v in enumerate(ids):
        G.add_node(v, name=v, type="other_organisation", sector=("medical", "social_welfare")[i % 2],
                   municipality="Lemgo")
    for u, v in [*zip(ids, ids[1:] + ids[:1], strict=True), ("x0", "x3"), ("x2", "x5")]:
        G.add_edge(u, v, type="shared_patients", level=2, direction="undirected", reported_by=u)
        G.add_edge(v, u, type="shared_patients", level=2, direction="undirected", reported_by=v)
    for mode in MODES:
        result = analyze(G, mode=mode, permutations=PERMUTATIONS)
        check_ei_against_all_relabellings(G, views(G, mode).U, result, "sector")
    result = analyze(G, permutations=PERMUTATIONS)
    assert result.ei.ei_index == 1.0 and result.ei.expected == pytest.approx(1 / 7, abs=TOL)
    assert result.ei.p_value < 0.05 and result.ei.p_upper < 0.05


# --------------------------------------------------------------------------------------------
# Seeded random networks: everything above, on networks nobody chose
# --------------------------------------------------------------------------------------------


def random_network(seed: int, n: int = 10) -> nx.MultiDiGraph:
    """Reports as the reader gives them: levels 0–5 or none (some with a weight instead), every
    direction, reported by the source or by the target, pairs reported once or twice."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    for i in range(n):
        sector = {} if rng.random() < 0.1 else {"sector": rng.choice(("medical", "nursing_care", "social_welfare"))}
        G.add_node(f"r{i}", name=f"Actor {i}", type="other_organisation", municipality="Lemgo", **sector)
    ids = list(G)
    for _ in range(2 * n):
        u, v = rng.sample(ids, 2)
        for _ in range(rng.choice((1, 1, 2))):
            a, b = (u, v) if rng.random() < 0.5 else (v, u)
            data: dict[str, Any] = {"type": rng.choice(("referral", "consultation", "shared_patients")),
                                    "direction": rng.choice(("directed", "directed", "undirected", "mutual")),
                                    "reported_by": rng.choice((a, a, b))}
            level = rng.choice((0, 1, 2, 3, 4, 5, None, None))
            if level is not None:
                data["level"] = level
            elif rng.random() < 0.5:
                data["weight"] = rng.choice((0.5, 1.5, 2.0, 3.0))
            G.add_edge(a, b, **data)
    return G


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("mode", MODES)
def test_random_networks_match_independent_implementations(mode: str, seed: int) -> None:
    G = random_network(seed)
    V = views(G, mode)
    result = analyze(G, mode=mode, permutations=10)
    assert mismatches(result.actors, expected_actors(G, V, "sector")) == []
    assert network_mismatches(result, expected_network(G, V, mode, "sector")) == []
    D = V.D
    if mode == "directed":
        assert result.network.reciprocity == pytest.approx(nx.overall_reciprocity(D), abs=TOL)
        inward = analyze(G, mode=mode, permutations=10, closeness_direction="in")
        assert mismatches(inward.actors, {"closeness": nx.closeness_centrality(D, distance="d"),
                                          "harmonic": nx.harmonic_centrality(D, distance="d")}) == []
