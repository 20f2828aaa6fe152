"""What each measure means in each mode: the graph it is computed on, the weights it uses, its
definition and the independent implementation the tests check it against.

The one table behind ``network.json``'s ``methods``, the README's methods table and the report's
methods section. Graphs (see :func:`carenet_graph.analysis.run.mode_views`):

* **H** – the mode's graph: ``collapse(G, mode, combine="max")``; in directed mode arcs (a directed
  report one arc, an undirected or mutual report two), otherwise undirected pairs (mutual: only
  pairs both sides reported);
* **U** – its undirected view: H itself in undirected and mutual mode; in directed mode the pairs
  with any arc, at the maximum strength of their reports;
* **D** – H's arcs: H in directed mode, otherwise every tie as two arcs (one each way).

Several reports on one pair (U) or arc (H in directed mode) combine by their maximum strength;
reports of level 0 are no ties; ``distance = 1 / strength``.
"""

from __future__ import annotations

from typing import NamedTuple

from carenet_graph.analysis.engine import Approximation
from carenet_graph.locale import Locale


class Method(NamedTuple):
    """One measure: its graph per mode, weight semantics, definition and reference implementation."""

    measure: str
    undirected: str
    directed: str
    mutual: str
    weights: str
    definition: str
    reference: str


METHODS: tuple[Method, ...] = (
    Method("degree", "U", "U", "U", "none", "distinct partners", "networkx degree"),
    Method("in_degree, out_degree", "D", "D", "D", "none", "incoming / outgoing arcs (undirected: = degree)",
           "networkx in_degree / out_degree"),
    Method("strength", "U", "U", "U", "strength", "Σ strength over partners, each once (Barrat et al. 2004)",
           "networkx degree(weight)"),
    Method("in_strength, out_strength", "D", "D", "D", "strength", "Σ strength of incoming / outgoing arcs",
           "networkx in_degree / out_degree(weight)"),
    Method("betweenness", "H", "H", "H", "distance", "Brandes (2001), normalised; equal-length paths exact",
           "networkx betweenness_centrality on exact rational distances"),
    Method("closeness", "H", "H (out; --closeness-direction in)", "H", "distance",
           "Wasserman–Faust scaling for disconnected graphs; directed: distances from the actor (sna, UCINET) "
           "or to it (networkx)", "networkx closeness_centrality (on H reversed for out)"),
    Method("harmonic", "H", "H (as closeness)", "H", "distance", "Σ 1/d (Marchiori & Latora 2000)",
           "networkx harmonic_centrality"),
    Method("eigenvector", "U", "U", "U", "strength",
           "principal eigenvector per connected component, scaled to norm √(component size / n); "
           "connected: networkx's unit norm (Bonacich 1987)", "networkx eigenvector_centrality"),
    Method("pagerank", "H", "H", "H", "strength", "Brin & Page (1998), damping 0.85", "networkx pagerank"),
    Method("constraint, effective_size, hierarchy", "H", "H", "H", "strength", "Burt (1992)",
           "networkx constraint / effective_size (per node); UCINET values"),
    Method("brokerage roles", "D", "D", "D", "none",
           "Gould & Fernandez (1989) open two-paths i→j→k by group; expectations with arc density",
           "sna::brokerage formulas; brute force over triples"),
    Method("community, modularity", "U", "U", "U", "strength",
           "Leiden (seeded; 10 iterations, 2 above 100,000 actors) on actors in canonical order",
           "igraph modularity"),
    Method("core_number, articulation_point, removal_impact, bridges", "U", "U", "U", "none",
           "k-cores; Hopcroft & Tarjan (1973)", "networkx core_number / articulation_points / bridges"),
    Method("ties, density, average_degree", "H", "H", "H", "none",
           "ties = edges of H (arcs in directed mode); density = ties / C(n,2), directed ties / n(n−1); "
           "average degree 2·ties/n, directed ties/n", "networkx density; sna::gden"),
    Method("reciprocity", "not applicable", "D", "not applicable", "none",
           "share of arcs whose reverse arc exists", "networkx overall_reciprocity; sna::grecip(edgewise)"),
    Method("components, clustering, paths, centralization", "U", "U", "U", "none",
           "weak components; transitivity and average clustering; diameter and mean path length in steps",
           "networkx"),
    Method("groups, mixing, assortativity, E-I", "U", "U", "U", "none",
           "E-I = (E−I)/(E+I) (Krackhardt & Stern 1988) with exact expectation under random labels and a "
           "two-sided permutation test; Newman (2003) assortativity", "brute-force enumeration of labels; networkx"),
)


def methods_document(mode: str) -> dict[str, dict[str, str]]:
    """``{measure: {graph, weights, definition}}`` for one mode (for ``network.json``)."""
    return {m.measure: {"graph": getattr(m, mode), "weights": m.weights, "definition": m.definition}
            for m in METHODS}


def methods_markdown() -> str:
    """The README's methods table (a test checks that the README holds exactly this)."""
    lines = ["| measure | undirected | directed | mutual | ties used as | definition | tested against |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {m.measure} | {m.undirected} | {m.directed} | {m.mutual} | {m.weights} | {m.definition} | "
              f"{m.reference} |" for m in METHODS]
    return "\n".join(lines)


def approximation_sentence(approximation: Approximation, locale: Locale) -> str:
    """How far an estimated measure may be off, as one sentence in ``locale``'s language:
    the measure's name (never its id), the number of sampled actors and the bound as the
    language writes numbers and percentages."""
    name = locale.messages.get(f"measure_{approximation.measure}", approximation.measure)
    if approximation.bound_kind == "absolute error" and approximation.confidence is not None:
        return locale.t("cli_estimated_abs", measure=name, samples=approximation.samples,
                        bound=locale.number(approximation.bound, 3),
                        confidence=locale.percent(approximation.confidence))
    return locale.t("cli_estimated_rel", measure=name, samples=approximation.samples,
                    bound=locale.percent(approximation.bound, 2))
