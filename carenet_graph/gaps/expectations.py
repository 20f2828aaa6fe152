"""Unmet expectations: one row per subject actor × expected-collaboration rule not met,
with what is missing and the best candidate partners (:func:`unmet_expectations`).

Rule satisfaction uses the reported ties of the multigraph ``G`` in either direction (who
reported a collaboration does not matter for whether it exists); structure uses
``collapse(G, mode="undirected", combine="max")``. Reports of level 0 are no ties.

Candidate score (higher first) for a subject s and an object o not yet satisfying the rule:

    score = w_severity + RA(s, o) + 0.25 · |common partners| + geo(s, o)

with w_severity = 3 / 2 / 1 (required / expected / recommended), the resource-allocation
index RA(s, o) = Σ_{w ∈ N(s) ∩ N(o)} 1 / deg(w) (Zhou, Lü & Zhang 2009) and, when both have
coordinates, geo = 1 / (1 + km / 10). A pair that is already tied is never suggested as an
introduction (a weak tie is reported as a gap to strengthen).

Hubs are no common partners. A partner with more than :data:`HUB_PARTNERS` partners — a
pharmacy, laboratory or hospital that works with every practice of a region — is not counted
among the common partners N(s) ∩ N(o), in RA, in the count or as a broker: that two actors
both know the pharmacy is no reason to introduce them (RA already gives it at most 1/200),
and counting it would make every pair of its partners a candidate, deg² of them (10^10 at a
hub of 10^5). Candidates are ranked without visiting all objects: those sharing a partner
with s (found through s's partners that are not hubs), those with coordinates when s has
them, and the first objects by id; every other object scores exactly w_severity and comes
after these by id, so the ranking is the same as scoring every object.

Zhou T., Lü L., Zhang Y.-C. (2009) Predicting missing links via local information. Eur. Phys.
J. B 71:623–630. Adamic L., Adar E. (2003) Friends and neighbors on the web. Soc. Netw. 25:211–230.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.gaps.rules import SEVERITY_ORDER, Rule
from carenet_graph.gaps.texts import objects_label
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import LEVEL, MUNICIPALITY, NAME, REGION, TYPE, collapse

SEVERITY_WEIGHT = {"required": 3.0, "expected": 2.0, "recommended": 1.0}
GAP_COLUMNS = ["actor", "name", "type", "municipality", "rule", "severity", "scope", "missing", "have", "need",
               "candidates", "candidate_names"]


def km_between(a: Mapping[str, Any], b: Mapping[str, Any]) -> float | None:
    """Great-circle distance in km (haversine, R = 6371 km), None without coordinates."""
    try:
        lat1, lon1, lat2, lon2 = (math.radians(float(x)) for x in (a["lat"], a["lon"], b["lat"], b["lon"]))
    except (KeyError, TypeError, ValueError):
        return None
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def in_scope(rule: Rule, s: Mapping[str, Any], o: Mapping[str, Any]) -> bool:
    """Whether actor ``o`` is within the rule's scope of actor ``s``."""
    if rule.scope == "anywhere":
        return True
    if rule.scope == "same_region":
        return s.get(REGION) is None or o.get(REGION) is None or s.get(REGION) == o.get(REGION)
    if rule.scope == "within_km":
        km = km_between(s, o)
        if km is not None:
            return km <= (rule.km or 0.0)
    # same_municipality (and within_km without coordinates); unknown places never match.
    return s.get(MUNICIPALITY) is not None and s.get(MUNICIPALITY) == o.get(MUNICIPALITY)


def reports_by_partner(G: nx.MultiDiGraph) -> dict[Hashable, dict[Hashable, list[tuple[Any, Any]]]]:
    """actor → partner → [(tie type, level)] over reports in either direction (level 0 dropped)."""
    out: dict[Hashable, dict[Hashable, list[tuple[Any, Any]]]] = {v: {} for v in G}
    for u, v, data in G.edges(data=True):
        if u == v or data.get(LEVEL) == 0:
            continue
        item = (data.get(TYPE), data.get(LEVEL))
        out[u].setdefault(v, []).append(item)
        out[v].setdefault(u, []).append(item)
    return out


def satisfies(rule: Rule, reports: Sequence[tuple[Any, Any]]) -> bool:
    """Whether any of the ``(tie type, level)`` reports on one pair meets the rule's type and level."""
    for tie_type, level in reports:
        type_ok = tie_type is None or rule.tie_types is None or tie_type in rule.tie_types
        level_ok = level is None or rule.min_level is None or level >= rule.min_level
        if type_ok and level_ok:
            return True
    return False


def satisfied_partners(rule: Rule, s: Hashable, nodes: Mapping[Hashable, Mapping[str, Any]],
                       partners: Mapping[Hashable, Sequence[tuple[Any, Any]]]) -> list[Hashable]:
    """The partners of ``s`` (``partners``: partner → reports, from :func:`reports_by_partner`)
    whose ties meet ``rule``: objects of the rule, in scope, of an accepted type and level.

    The subject's partners are scanned, not all objects: a hub's subjects would make it |S| × |O|.
    """
    return [o for o in partners if o != s and rule.is_object(nodes[o]) and in_scope(rule, nodes[s], nodes[o])
            and satisfies(rule, partners[o])]


def scope_text(rule: Rule, locale: Locale) -> str:
    """The rule's scope in words ("in the same municipality", "within 25 km")."""
    if rule.scope == "within_km":
        return locale.t("scope_within_km", km=locale.number(rule.km or 0.0))
    return locale.t(f"scope_{rule.scope}")


#: A partner with more partners than this is a hub: not a common partner (see the module docstring).
HUB_PARTNERS = 200


def common_partners(H: nx.Graph, s: Hashable, o: Hashable) -> list[Hashable]:
    """Partners of both ``s`` and ``o`` in ``H`` that are not hubs (:data:`HUB_PARTNERS`).

    In the order of ``s``'s partners, or of ``o``'s when ``s`` is itself a hub with more partners
    than ``o``: the scan is of the smaller neighbourhood (or of at most :data:`HUB_PARTNERS`).
    """
    if s not in H or o not in H:
        return []
    scan, other = (H[s], H[o]) if len(H[s]) <= HUB_PARTNERS or len(H[s]) <= len(H[o]) else (H[o], H[s])
    return [w for w in scan if w in other and w not in (s, o) and len(H[w]) <= HUB_PARTNERS]


def ease_score(H: nx.Graph, s: Hashable, o: Hashable, nodes: Mapping[Hashable, Any]) -> float:
    """How easy an introduction of ``s`` and ``o`` is: RA(s, o) + 0.25 · |common partners| + geo(s, o)
    (see the module docstring); 0 for two strangers far apart or without coordinates."""
    common = common_partners(H, s, o)
    ra = sum(1.0 / float(H.degree(w)) for w in common)
    km = km_between(nodes[s], nodes[o])
    geo = 1.0 / (1.0 + km / 10.0) if km is not None else 0.0
    return ra + 0.25 * len(common) + geo


def candidate_score(H: nx.Graph, rule: Rule, s: Hashable, o: Hashable, nodes: Mapping[Hashable, Any]) -> float:
    """w_severity + :func:`ease_score` (see the module docstring)."""
    return SEVERITY_WEIGHT[rule.severity] + ease_score(H, s, o, nodes)


def unmet_expectations(G: nx.MultiDiGraph, rules: Iterable[Rule], *, locale: Locale | str | None = None,
                       municipality: str | None = None, max_candidates: int = 3) -> pd.DataFrame:
    """One row per unmet rule instance (columns :data:`GAP_COLUMNS`), most severe first.

    ``have`` counts the subject's partners that satisfy the rule, ``need`` the rule's minimum;
    ``candidates`` lists up to ``max_candidates`` object actors in scope, best first (ids
    joined by ';'). ``municipality`` limits the subjects to that municipality.
    """
    loc = as_locale(locale)
    H = collapse(G, mode="undirected", combine="max")
    reports = reports_by_partner(G)
    nodes = dict(G.nodes(data=True))
    rows = []
    for rule in rules:
        reach = _Reach(rule, nodes)
        for s, data in nodes.items():
            if not rule.applies_to(data) or (municipality and data.get(MUNICIPALITY) != municipality):
                continue
            partners = reports[s]
            tied = reach.partners_in_scope(s, partners)
            have = sum(1 for o in tied if satisfies(rule, partners[o]))
            if have >= rule.min_ties:
                continue
            weak = [o for o in tied if not satisfies(rule, partners[o])]
            wanted = max_candidates - len(weak)
            ranked = reach.best_open(H, s, partners, wanted) if wanted > 0 else []
            candidates = (weak + ranked)[:max_candidates]
            objects_text = objects_label(rule, loc)
            key = "missing_tie" if rule.min_ties == 1 else "missing_ties"
            missing = loc.t(key, objects=objects_text, scope=scope_text(rule, loc), have=have,
                                need=rule.min_ties)
            if rule.min_level:
                missing += " " + loc.t("at_least_level", level=rule.min_level)
            if weak:
                missing += "; " + (loc.t("weak_tie", level=rule.min_level) if rule.min_level
                                   else loc.t("other_type_tie"))
            rows.append([s, data.get(NAME), data.get(TYPE), data.get(MUNICIPALITY), rule.id,
                         rule.severity, rule.scope, missing, have, rule.min_ties,
                         ";".join(map(str, candidates)), ";".join(str(nodes[c].get(NAME, c)) for c in candidates)])
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    frame["_order"] = frame["severity"].map(SEVERITY_ORDER)
    frame = frame.sort_values(["_order", "rule", "actor"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


class _Reach:
    """A rule's object actors, indexed so that a subject's are found without visiting them all.

    ``partners_in_scope`` gives the subject's partners that are objects in scope (in the order
    of the actors); ``best_open`` the ``k`` best open objects in scope, ranked by
    (−:func:`candidate_score`, id) as if every object had been scored (see the module docstring).
    """

    def __init__(self, rule: Rule, nodes: Mapping[Hashable, Any]) -> None:
        self.rule = rule
        self.nodes = nodes
        objects = [o for o, data in nodes.items() if rule.is_object(data)]
        self.position = {o: i for i, o in enumerate(objects)}
        self.by_id = sorted(objects, key=str)
        self.located = [o for o in objects if _located(nodes[o])]
        attribute = MUNICIPALITY if rule.scope == "same_municipality" else REGION
        self.groups: dict[Any, list[Hashable]] = {}
        if rule.scope in ("same_municipality", "same_region"):
            for o in self.by_id:
                self.groups.setdefault(_key(nodes[o].get(attribute)), []).append(o)
        self.merged: dict[Any, list[Hashable]] = {}

    def _superset(self, data: Mapping[str, Any]) -> list[Hashable]:
        """Objects (by id) that include every object in scope of a subject with ``data``."""
        if self.rule.scope == "same_municipality":
            place = data.get(MUNICIPALITY)
            return [] if place is None else self.groups.get(_key(place), [])
        if self.rule.scope == "same_region" and data.get(REGION) is not None:
            region = _key(data.get(REGION))
            if region not in self.merged:
                both = self.groups.get(region, []) + (self.groups.get(_key(None), []) if region != _key(None) else [])
                self.merged[region] = sorted(both, key=lambda o: (str(o), self.position[o]))
            return self.merged[region]
        return self.by_id

    def partners_in_scope(self, s: Hashable, partners: Mapping[Hashable, Any]) -> list[Hashable]:
        data = self.nodes[s]
        found = [o for o in partners if o != s and o in self.position and in_scope(self.rule, data, self.nodes[o])]
        return sorted(found, key=lambda o: (str(o), self.position[o]))  # by id: the same for any row order

    def best_open(self, H: nx.Graph, s: Hashable, partners: Mapping[Hashable, Any], k: int) -> list[Hashable]:
        data = self.nodes[s]

        def open_in_scope(o: Hashable) -> bool:
            return o != s and o not in partners and o in self.position and in_scope(self.rule, data, self.nodes[o])

        # Every open object outside these scores exactly w_severity: no common partner, no distance.
        chosen: set[Hashable] = set()
        if s in H:
            for w in H[s]:
                if len(H[w]) <= HUB_PARTNERS:
                    chosen.update(o for o in H[w] if open_in_scope(o))
        if _located(data):
            chosen.update(o for o in self.located if open_in_scope(o))
        first = 0
        for o in self._superset(data):
            if first >= k:
                break
            if open_in_scope(o):
                chosen.add(o)
                first += 1
        # Rounded: sums over partners in input order differ in the last bits, and equal candidates
        # must keep the same order whatever the order of the input rows (then by id).
        ranked = sorted(chosen, key=lambda o: (-round(candidate_score(H, self.rule, s, o, self.nodes), 9), str(o),
                                               self.position[o]))
        return ranked[:k]


def _located(data: Mapping[str, Any]) -> bool:
    return km_between(data, data) is not None


def _key(value: Any) -> Any:
    """A dictionary key equal for values that compare equal (NaN, which equals nothing, to itself)."""
    return ("nan",) if isinstance(value, float) and value != value else value
