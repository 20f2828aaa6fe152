"""Municipality scorecards and structural gaps.

Care and welfare domains come from the vocabulary's ``sector_domains`` (care: medical,
nursing, hospice, pharmacy and therapy; social: welfare, informal care and volunteering,
spiritual care, municipality). A *cross-domain* tie links a care actor with a social actor.

Scorecard per municipality (actors whose ``municipality`` is set):

* ``actors`` and ``actors_by_sector`` ("sector:count; ...");
* ``ties_inside`` (both ends in the municipality), ``ties_outside`` (one end);
* ``cross_domain_ties`` (inside or outside, with one end in the municipality);
* ``linked_to_network`` – an actor here has a tie with a palliative network actor;
* ``rule_coverage`` – share of applicable rule instances (subjects here) that are met;
* ``expected_types_absent`` – object types of same-municipality rules whose subjects are here
  but which no actor here has;
* ``single_bridge_actors`` – the only actor here holding all care↔welfare ties of the
  municipality, and the only actor here tied to the palliative network (when exactly one).

Structural gaps: isolates and pendant actors; group pairs (sector × sector, municipality ×
municipality) with fewer than half the ties expected if ties fell between groups in proportion
to the possible pairs (expected_gh = m · n_g n_h / C(n, 2), within g: m · C(n_g, 2) / C(n, 2));
and bridges whose removal disconnects a care actor from a social actor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable

import networkx as nx
import pandas as pd

from carenet_graph.gaps.expectations import _reports, _satisfies, in_scope
from carenet_graph.gaps.rules import Rule
from carenet_graph.i18n import translate
from carenet_graph.network import MUNICIPALITY, NAME, SECTOR, TYPE, collapse
from carenet_graph.vocabulary import Vocabulary, default_vocabulary

NETWORK_TYPES = frozenset({"palliative_network"})


def domains(vocab: Vocabulary) -> dict[str, str]:
    """sector → 'care' | 'social' | 'connective'."""
    out = {}
    for domain, sectors in vocab.data.get("sector_domains", {}).items():
        for sector in sectors:
            out[str(sector)] = str(domain).removesuffix("_domain")
    return out


def _cross(H: nx.Graph, u: Hashable, v: Hashable, domain_of: dict[str, str]) -> bool:
    a = domain_of.get(str(H.nodes[u].get(SECTOR)))
    b = domain_of.get(str(H.nodes[v].get(SECTOR)))
    return {a, b} == {"care", "social"}


def scorecards(G: nx.MultiDiGraph, rules: Iterable[Rule], gaps: pd.DataFrame,
               vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """One row per municipality (see the module docstring), sorted by municipality."""
    vocab = vocabulary or default_vocabulary()
    rules = tuple(rules)
    H = collapse(G, mode="undirected", combine="max")
    domain_of = domains(vocab)
    nodes = dict(G.nodes(data=True))
    reports = _reports(G)
    places = sorted({str(d[MUNICIPALITY]) for d in nodes.values() if d.get(MUNICIPALITY) is not None})
    rows = []
    for place in places:
        here = {v for v, d in nodes.items() if d.get(MUNICIPALITY) == place}
        inside = outside = cross = 0
        cross_holders: set[Hashable] = set()
        for u, v in H.edges():
            ends = (u in here) + (v in here)
            if not ends:
                continue
            inside += ends == 2
            outside += ends == 1
            if _cross(H, u, v, domain_of):
                cross += 1
                cross_holders |= {w for w in (u, v) if w in here}
        network_links = {v for v in here for w in H[v] if nodes[w].get(TYPE) in NETWORK_TYPES}
        applicable = met = 0
        absent: set[str] = set()
        for rule in rules:
            subjects = [v for v in here if rule.applies_to(nodes[v])]
            if not subjects:
                continue
            objects = [o for o, d in nodes.items() if rule.is_object(d)]
            for s in subjects:
                applicable += 1
                partners = reports[s]
                have = sum(1 for o in objects if o != s and in_scope(rule, nodes[s], nodes[o])
                           and o in partners and _satisfies(rule, partners[o]))
                met += have >= rule.min_ties
            if rule.scope == "same_municipality" and not any(rule.is_object(nodes[v]) for v in here):
                absent |= set(rule.object_types)
        sectors = Counter(str(nodes[v].get(SECTOR) or "unknown") for v in here)
        single = []
        if len(cross_holders) == 1:
            single.append(next(iter(cross_holders)))
        if len(network_links) == 1:
            single.append(next(iter(network_links)))
        rows.append([place, len(here), "; ".join(f"{s}:{c}" for s, c in sorted(sectors.items())), inside, outside,
                     cross, bool(network_links), met / applicable if applicable else None, applicable,
                     ";".join(sorted(absent)), ";".join(sorted({str(v) for v in single})),
                     ";".join(sorted({str(nodes[v].get(NAME, v)) for v in single}))])
    return pd.DataFrame(rows, columns=["municipality", "actors", "actors_by_sector", "ties_inside", "ties_outside",
                                       "cross_domain_ties", "linked_to_network", "rule_coverage",
                                       "rule_instances", "expected_types_absent", "single_bridge_actors",
                                       "single_bridge_names"])


def structural_gaps(G: nx.MultiDiGraph, *, lang: str = "en", vocabulary: Vocabulary | None = None,
                    ratio: float = 0.5) -> pd.DataFrame:
    """Isolates, pendants, under-connected group pairs and care–welfare bridges (one row each)."""
    vocab = vocabulary or default_vocabulary()
    H = collapse(G, mode="undirected", combine="max")
    domain_of = domains(vocab)
    rows: list[list[object]] = []
    for v in H:
        degree = H.degree(v)
        if degree <= 1:
            kind = "isolate" if degree == 0 else "pendant"
            rows.append([kind, v, H.nodes[v].get(NAME), None, None, None, None,
                         translate(f"structural_{kind}", lang)])
    n = H.number_of_nodes()
    m = H.number_of_edges()
    possible = n * (n - 1) / 2
    for attribute in (SECTOR, MUNICIPALITY):
        labels = {v: H.nodes[v].get(attribute) for v in H}
        sizes = Counter(x for x in labels.values() if x is not None)
        counts: Counter[tuple[str, str]] = Counter()
        for u, v in H.edges():
            a, b = labels[u], labels[v]
            if a is not None and b is not None:
                pair = (str(a), str(b)) if str(a) <= str(b) else (str(b), str(a))
                counts[pair] += 1
        names = sorted(map(str, sizes))
        size = {str(k): c for k, c in sizes.items()}
        for i, g in enumerate(names):
            for h in names[i:]:
                pairs = size[g] * (size[g] - 1) / 2 if g == h else size[g] * size[h]
                expected = m * pairs / possible if possible else 0.0
                observed = counts[(g, h)]
                if expected >= 1 and observed < ratio * expected:
                    rows.append([f"{attribute}_pair", None, None, g, h, observed, round(expected, 2),
                                 translate("structural_group_pair", lang, observed=observed, group=g, other=h,
                                           expected=f"{expected:.1f}")])
    for u, v in nx.bridges(H) if m else ():
        if not _cross(H, u, v, domain_of) and not _splits_domains(H, u, v, domain_of):
            continue
        rows.append(["care_welfare_bridge", u, H.nodes[u].get(NAME), v, H.nodes[v].get(NAME), None, None,
                     translate("structural_bridge", lang)])
    return pd.DataFrame(rows, columns=["kind", "actor", "name", "group_or_partner", "other", "observed",
                                       "expected", "description"])


def _splits_domains(H: nx.Graph, u: Hashable, v: Hashable, domain_of: dict[str, str]) -> bool:
    """Whether removing the bridge u–v leaves care actors on one side and social on the other."""
    side = nx.node_connected_component(nx.restricted_view(H, [], [(u, v)]), u)
    component = nx.node_connected_component(H, u)
    kinds_a = {domain_of.get(str(H.nodes[w].get(SECTOR))) for w in side}
    kinds_b = {domain_of.get(str(H.nodes[w].get(SECTOR))) for w in component - side}
    return ("care" in kinds_a and "social" in kinds_b) or ("social" in kinds_a and "care" in kinds_b)
