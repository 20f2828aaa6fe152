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


def _objects_label(rule: Rule, locale: Locale) -> str:
    names = [locale.label("actor_type", t) for t in sorted(rule.object_types)]
    names += [locale.label("sector", s) for s in sorted(rule.object_sectors)]
    return " / ".join(names)


def scope_text(rule: Rule, locale: Locale) -> str:
    """The rule's scope in words ("in the same municipality", "within 25 km")."""
    if rule.scope == "within_km":
        return locale.t("scope_within_km", km=f"{rule.km:g}")
    return locale.t(f"scope_{rule.scope}")


def common_partners(H: nx.Graph, s: Hashable, o: Hashable) -> list[Hashable]:
    """Partners of both ``s`` and ``o`` in ``H``."""
    if s not in H or o not in H:
        return []
    return [w for w in H[s] if w in H[o] and w not in (s, o)]


def candidate_score(H: nx.Graph, rule: Rule, s: Hashable, o: Hashable, nodes: Mapping[Hashable, Any]) -> float:
    """w_severity + RA(s, o) + 0.25 · |common partners| + geo(s, o) (see the module docstring)."""
    common = common_partners(H, s, o)
    ra = sum(1.0 / float(H.degree(w)) for w in common)
    km = km_between(nodes[s], nodes[o])
    geo = 1.0 / (1.0 + km / 10.0) if km is not None else 0.0
    return SEVERITY_WEIGHT[rule.severity] + ra + 0.25 * len(common) + geo


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
        objects = [o for o, data in nodes.items() if rule.is_object(data)]
        for s, data in nodes.items():
            if not rule.applies_to(data) or (municipality and data.get(MUNICIPALITY) != municipality):
                continue
            in_reach = [o for o in objects if o != s and in_scope(rule, data, nodes[o])]
            partners = reports[s]
            have = sum(1 for o in in_reach if o in partners and satisfies(rule, partners[o]))
            if have >= rule.min_ties:
                continue
            weak = [o for o in in_reach if o in partners and not satisfies(rule, partners[o])]
            open_ = [o for o in in_reach if o not in partners]
            ranked = sorted(open_, key=lambda o: (-candidate_score(H, rule, s, o, nodes), str(o)))
            candidates = (weak + ranked)[:max_candidates]
            objects_text = _objects_label(rule, loc)
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
