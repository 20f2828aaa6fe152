"""Whether a municipality is linked to the palliative network: the one definition.

The scorecards (``linked_to_network``), the grouped expectations, the ranking of introductions
("links Sunne to the palliative council") and the report all ask this one module, so that a
page can no longer say "Detmold: linked" in one table and "Stadt Detmold: no link to the
network" in the next.

**Definition.** A municipality is linked when its own administration — an actor there that is
a subject of the rule :data:`NETWORK_RULE` (``municipality_linked_to_palliative_network``:
actor type ``municipality``) — meets that rule: at least ``min_ties`` ties of an accepted type
(membership, joint planning, funding, formal agreement, information exchange) and at least the
rule's level with a palliative network actor in scope (the same region). Where the data hold
no actor for the municipality's administration, the same tie test is applied to every actor
there: the place is linked when one of them has such a tie or is a palliative network actor
itself (the data cannot say more, and a network without municipality actors still gets an
answer).

**Why this one.** The earlier scorecard counted any tie of any actor in the place with a
network actor, so one GP practice that is a network member made "Detmold linked". That
answers another question (is anyone in Detmold in the network?) than the one a coordinator
and a funder ask — is the *municipality*, which holds home help, carer support and social
services, part of the network (§ 39d SGB V co-funding; Agora/Fibula's gemeente and netwerk;
the Swedish palliative councils' municipal seats)? The researched rule states that question
with its tie types and level, and a user's rules file can refine it under the same id; the
scorecard therefore follows the rule rather than the rule following the scorecard.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx

from carenet_graph.gaps.expectations import reports_by_partner, satisfied_partners
from carenet_graph.gaps.rules import Rule, load_rules
from carenet_graph.network import MUNICIPALITY
from carenet_graph.vocabulary import Vocabulary

__all__ = ["NETWORK_RULE", "NETWORK_TYPES", "linked_subjects", "network_links", "network_rule"]

#: The id of the rule that defines "linked to the palliative network" (see the module docstring).
NETWORK_RULE = "municipality_linked_to_palliative_network"
#: Actor types that are "the palliative network" (the rule's objects in the package rules).
NETWORK_TYPES = frozenset({"palliative_network"})


def network_rule(rules: Iterable[Rule] = (), vocabulary: Vocabulary | None = None) -> Rule:
    """The rule :data:`NETWORK_RULE` from ``rules`` (a user's version of it wins), else the package's."""
    for rule in rules:
        if rule.id == NETWORK_RULE:
            return rule
    return next(r for r in load_rules(vocabulary=vocabulary) if r.id == NETWORK_RULE)


def linked_subjects(G: nx.MultiDiGraph, rule: Rule,
                    reports: Mapping[Hashable, Mapping[Hashable, Any]] | None = None) -> dict[Hashable, bool]:
    """Every subject of ``rule`` that has a municipality → whether it meets the rule (for
    :data:`NETWORK_RULE`: each municipality's administration → linked)."""
    reports = reports if reports is not None else reports_by_partner(G)
    nodes = G.nodes
    return {v: len(satisfied_partners(rule, v, nodes, reports[v])) >= rule.min_ties
            for v, data in G.nodes(data=True) if data.get(MUNICIPALITY) is not None and rule.applies_to(data)}


def network_links(G: nx.MultiDiGraph, rules: Iterable[Rule] = (), *, vocabulary: Vocabulary | None = None,
                  reports: Mapping[Hashable, Mapping[Hashable, Any]] | None = None) -> dict[str, bool]:
    """Municipality (as written) → linked to the palliative network, for every municipality of
    ``G``, sorted (the definition is in the module docstring).

    Parameters
    ----------
    G:
        The lossless multigraph; ties count in either direction, level-0 reports are no ties.
    rules:
        The rules in use; :func:`network_rule` picks the defining one from them (or the package's).
    vocabulary:
        The vocabulary the package rule is read with when ``rules`` lacks it.
    reports:
        :func:`~carenet_graph.gaps.expectations.reports_by_partner` of ``G``, when already at hand.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("m", type="municipality", municipality="Detmold", region="Lippe")
    >>> G.add_node("gp", type="general_practitioner", municipality="Detmold", region="Lippe")
    >>> G.add_node("gp2", type="general_practitioner", municipality="Lage", region="Lippe")
    >>> G.add_node("net", type="palliative_network", municipality="Lemgo", region="Lippe")
    >>> _ = G.add_edge("gp", "net", type="membership", level=3)  # a GP in the network: not the town
    >>> _ = G.add_edge("gp2", "net", type="membership", level=3)  # Lage's administration is not in the data
    >>> network_links(G)
    {'Detmold': False, 'Lage': True, 'Lemgo': True}
    """
    rule = network_rule(rules, vocabulary)
    reports = reports if reports is not None else reports_by_partner(G)
    nodes = G.nodes
    subjects = linked_subjects(G, rule, reports)
    out: dict[str, bool] = {}
    for _, data in G.nodes(data=True):
        if data.get(MUNICIPALITY) is not None:
            out.setdefault(str(data[MUNICIPALITY]), False)
    governed = {str(nodes[v][MUNICIPALITY]) for v in subjects}
    for v, met in subjects.items():
        out[str(nodes[v][MUNICIPALITY])] |= met
    for v, data in G.nodes(data=True):
        place = data.get(MUNICIPALITY)
        if place is not None and str(place) not in governed and not out[str(place)]:
            # The network's own seat is linked: the network is there.
            out[str(place)] = rule.is_object(data) or len(satisfied_partners(rule, v, nodes, reports[v])) >= \
                rule.min_ties
    return dict(sorted(out.items()))
