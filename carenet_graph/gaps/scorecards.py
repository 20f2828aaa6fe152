"""Municipality scorecards.

Care and welfare domains come from the vocabulary's ``sector_domains`` (care: medical,
nursing, hospice, pharmacy and therapy; social: welfare, informal care and volunteering,
spiritual care, municipality). A *cross-domain* tie links a care actor with a social actor.

Scorecard per municipality (actors whose ``municipality`` is set):

* ``actors`` and ``actors_by_sector`` ("sector:count; ...");
* ``ties_inside`` (both ends in the municipality), ``ties_outside`` (one end);
* ``cross_domain_ties`` (inside or outside, with one end in the municipality);
* ``linked_to_network`` – the municipality's administration meets the rule
  ``municipality_linked_to_palliative_network`` (:func:`~carenet_graph.gaps.linked.network_links`,
  the one definition the expectations and introductions use too; where the administration is
  not in the data, any actor there with a tie that meets the rule);
* ``rule_coverage`` – share of applicable rule instances (subjects here) that are met;
* ``expected_types_absent`` – object types of same-municipality rules whose subjects are here
  but which no actor here has;
* ``single_bridge_actors`` – the only actor here holding all care↔welfare ties of the
  municipality, and the only actor here with any tie to a palliative network actor (when
  exactly one: the municipality's contact to the network rests on it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable

import networkx as nx
import pandas as pd

from carenet_graph.gaps.expectations import reports_by_partner, satisfied_partners
from carenet_graph.gaps.linked import NETWORK_TYPES, network_links
from carenet_graph.gaps.rules import Rule
from carenet_graph.gaps.structure import cross_domain, domains
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import MUNICIPALITY, NAME, SECTOR, TYPE, collapse

__all__ = ["NETWORK_TYPES", "scorecards"]


def scorecards(G: nx.MultiDiGraph, rules: Iterable[Rule], *, locale: Locale | str | None = None) -> pd.DataFrame:
    """One row per municipality (see the module docstring), sorted by municipality."""
    vocab = as_locale(locale).vocabulary
    rules = tuple(rules)
    H = collapse(G, mode="undirected", combine="max")
    domain_of = domains(vocab)
    nodes = dict(G.nodes(data=True))
    reports = reports_by_partner(G)
    places = sorted({str(d[MUNICIPALITY]) for d in nodes.values() if d.get(MUNICIPALITY) is not None})
    linked = network_links(G, rules, vocabulary=vocab, reports=reports)
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
            if cross_domain(H, u, v, domain_of):
                cross += 1
                cross_holders |= {w for w in (u, v) if w in here}
        network_ties = {v for v in here for w in H[v] if nodes[w].get(TYPE) in NETWORK_TYPES}
        applicable = met = 0
        absent: set[str] = set()
        for rule in rules:
            subjects = [v for v in here if rule.applies_to(nodes[v])]
            if not subjects:
                continue
            for s in subjects:
                applicable += 1
                met += len(satisfied_partners(rule, s, nodes, reports[s])) >= rule.min_ties
            if rule.scope == "same_municipality" and not any(rule.is_object(nodes[v]) for v in here):
                absent |= set(rule.object_types)
        sectors = Counter(str(nodes[v].get(SECTOR) or "unknown") for v in here)
        single = []
        if len(cross_holders) == 1:
            single.append(next(iter(cross_holders)))
        if len(network_ties) == 1:
            single.append(next(iter(network_ties)))
        rows.append([place, len(here), "; ".join(f"{s}:{c}" for s, c in sorted(sectors.items())), inside, outside,
                     cross, linked[place], met / applicable if applicable else None, applicable,
                     ";".join(sorted(absent)), ";".join(sorted({str(v) for v in single})),
                     ";".join(sorted({str(nodes[v].get(NAME, v)) for v in single}))])
    return pd.DataFrame(rows, columns=["municipality", "actors", "actors_by_sector", "ties_inside", "ties_outside",
                                       "cross_domain_ties", "linked_to_network", "rule_coverage",
                                       "rule_instances", "expected_types_absent", "single_bridge_actors",
                                       "single_bridge_names"])
