"""Missing links: unmet expectations, suggested introductions, and reports that disagree.

* :func:`find_gaps` – one row per unmet rule instance (subject actor × rule) with what is
  missing and the best candidate partners.
* :func:`suggest_introductions` – a ranked list of new ties with a plain-language reason and a
  broker who could make the introduction.
* :func:`disagreements` – pairs reported by both sides with levels 2+ apart, and ties reported
  by one side only while the other side reported ties too.

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
from carenet_graph.i18n import translate
from carenet_graph.network import LEVEL, MUNICIPALITY, NAME, REGION, STRENGTH, TYPE, collapse, reporter_of
from carenet_graph.vocabulary import Vocabulary, default_vocabulary

SEVERITY_WEIGHT = {"required": 3.0, "expected": 2.0, "recommended": 1.0}
GAP_COLUMNS = ["actor", "name", "type", "municipality", "rule", "severity", "scope", "missing", "have", "need",
               "candidates", "candidate_names"]
INTRODUCTION_COLUMNS = ["rank", "actor", "name", "partner", "partner_name", "rule", "severity", "score",
                        "common_partners", "km", "broker", "broker_name", "reason"]


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


def _reports(G: nx.MultiDiGraph) -> dict[Hashable, dict[Hashable, list[tuple[Any, Any]]]]:
    """actor → partner → [(tie type, level)] over reports in either direction (level 0 dropped)."""
    out: dict[Hashable, dict[Hashable, list[tuple[Any, Any]]]] = {v: {} for v in G}
    for u, v, data in G.edges(data=True):
        if u == v or data.get(LEVEL) == 0:
            continue
        item = (data.get(TYPE), data.get(LEVEL))
        out[u].setdefault(v, []).append(item)
        out[v].setdefault(u, []).append(item)
    return out


def _satisfies(rule: Rule, reports: Sequence[tuple[Any, Any]]) -> bool:
    for tie_type, level in reports:
        type_ok = tie_type is None or rule.tie_types is None or tie_type in rule.tie_types
        level_ok = level is None or rule.min_level is None or level >= rule.min_level
        if type_ok and level_ok:
            return True
    return False


def _objects_label(rule: Rule, vocab: Vocabulary, lang: str) -> str:
    names = [vocab.label("actor_type", t, lang) for t in sorted(rule.object_types)]
    names += [vocab.label("sector", s, lang) for s in sorted(rule.object_sectors)]
    return " / ".join(names)


def scope_text(rule: Rule, lang: str) -> str:
    if rule.scope == "within_km":
        return translate("scope_within_km", lang, km=f"{rule.km:g}")
    return translate(f"scope_{rule.scope}", lang)


def _common(H: nx.Graph, s: Hashable, o: Hashable) -> list[Hashable]:
    if s not in H or o not in H:
        return []
    return [w for w in H[s] if w in H[o] and w not in (s, o)]


def _candidate_score(H: nx.Graph, rule: Rule, s: Hashable, o: Hashable, nodes: Mapping[Hashable, Any]) -> float:
    common = _common(H, s, o)
    ra = sum(1.0 / H.degree(w) for w in common)
    km = km_between(nodes[s], nodes[o])
    geo = 1.0 / (1.0 + km / 10.0) if km is not None else 0.0
    return SEVERITY_WEIGHT[rule.severity] + ra + 0.25 * len(common) + geo


def find_gaps(G: nx.MultiDiGraph, rules: Iterable[Rule], *, lang: str = "en", municipality: str | None = None,
              max_candidates: int = 3, vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """One row per unmet rule instance (columns :data:`GAP_COLUMNS`), most severe first.

    ``have`` counts the subject's partners that satisfy the rule, ``need`` the rule's minimum;
    ``candidates`` lists up to ``max_candidates`` object actors in scope, best first (ids
    joined by ';'). ``municipality`` limits the subjects to that municipality.
    """
    vocab = vocabulary or default_vocabulary()
    H = collapse(G, mode="undirected", combine="max")
    reports = _reports(G)
    nodes = dict(G.nodes(data=True))
    rows = []
    for rule in rules:
        objects = [o for o, data in nodes.items() if rule.is_object(data)]
        for s, data in nodes.items():
            if not rule.applies_to(data) or (municipality and data.get(MUNICIPALITY) != municipality):
                continue
            in_reach = [o for o in objects if o != s and in_scope(rule, data, nodes[o])]
            partners = reports[s]
            have = sum(1 for o in in_reach if o in partners and _satisfies(rule, partners[o]))
            if have >= rule.min_ties:
                continue
            weak = [o for o in in_reach if o in partners and not _satisfies(rule, partners[o])]
            open_ = [o for o in in_reach if o not in partners]
            ranked = sorted(open_, key=lambda o: (-_candidate_score(H, rule, s, o, nodes), str(o)))
            candidates = (weak + ranked)[:max_candidates]
            objects_text = _objects_label(rule, vocab, lang)
            key = "missing_tie" if rule.min_ties == 1 else "missing_ties"
            missing = translate(key, lang, objects=objects_text, scope=scope_text(rule, lang), have=have,
                                need=rule.min_ties)
            if rule.min_level:
                missing += " " + translate("at_least_level", lang, level=rule.min_level)
            if weak:
                missing += "; " + (translate("weak_tie", lang, level=rule.min_level) if rule.min_level
                                   else translate("other_type_tie", lang))
            rows.append([s, data.get(NAME), data.get(TYPE), data.get(MUNICIPALITY), rule.id,
                         translate(f"severity_{rule.severity}", lang), rule.scope, missing, have, rule.min_ties,
                         ";".join(map(str, candidates)), ";".join(str(nodes[c].get(NAME, c)) for c in candidates)])
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    order = {translate(f"severity_{s}", lang): i for s, i in SEVERITY_ORDER.items()}
    frame["_order"] = frame["severity"].map(order)
    frame = frame.sort_values(["_order", "rule", "actor"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def _broker(H: nx.Graph, s: Hashable, o: Hashable, nodes: Mapping[Hashable, Any]) -> Hashable | None:
    """The common partner with the strongest weaker tie (then most partners, then id)."""
    common = _common(H, s, o)
    if common:
        return max(common, key=lambda w: (min(H[s][w][STRENGTH], H[o][w][STRENGTH]), H.degree(w), str(w)))
    coordinators = [v for v, d in nodes.items()
                    if d.get(TYPE) in ("palliative_network", "care_coordinator") and v not in (s, o)]
    return sorted(coordinators, key=str)[0] if coordinators else None


def suggest_introductions(G: nx.MultiDiGraph, rules: Iterable[Rule], gaps: pd.DataFrame, *, lang: str = "en",
                          limit: int = 50, vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """Ranked new ties (columns :data:`INTRODUCTION_COLUMNS`) for the unmet expectations.

    Each gap contributes its best untied candidate; pairs already tied are never suggested.
    The reason names the rule, the place, the shared partners and the broker, in ``lang``.
    """
    vocab = vocabulary or default_vocabulary()
    H = collapse(G, mode="undirected", combine="max")
    nodes = dict(G.nodes(data=True))
    by_id = {r.id: r for r in rules}
    best: dict[frozenset[Hashable], list[Any]] = {}
    for gap in gaps.itertuples(index=False):
        rule = by_id.get(str(gap.rule))
        if rule is None or not gap.candidates:
            continue
        s = gap.actor
        for o in str(gap.candidates).split(";"):
            o_id = _node_id(o, nodes)
            if o_id is None or H.has_edge(s, o_id):
                continue
            score = _candidate_score(H, rule, s, o_id, nodes)
            pair = frozenset((s, o_id))
            if pair not in best or score > best[pair][0]:
                best[pair] = [score, s, o_id, rule]
            break
    rows = []
    for score, s, o, rule in best.values():
        common = _common(H, s, o)
        km = km_between(nodes[s], nodes[o])
        broker = _broker(H, s, o, nodes)
        reason = [translate("reason_rule", lang, rule=rule.id,
                            subject=vocab.label("actor_type", nodes[s].get(TYPE) or "other_organisation", lang))]
        if nodes[s].get(MUNICIPALITY) and nodes[s].get(MUNICIPALITY) == nodes[o].get(MUNICIPALITY):
            reason.append(translate("reason_same_municipality", lang, municipality=nodes[s][MUNICIPALITY]))
        elif km is not None:
            reason.append(translate("reason_distance", lang, km=f"{km:.0f}"))
        reason.append(translate("reason_shared", lang, count=len(common)) if common
                      else translate("reason_no_shared", lang))
        if broker is not None:
            reason.append(translate("reason_broker", lang, broker=nodes[broker].get(NAME, broker)) if common
                          else translate("reason_coordinator", lang))
        rows.append([0, s, nodes[s].get(NAME), o, nodes[o].get(NAME), rule.id,
                     translate(f"severity_{rule.severity}", lang), round(score, 6), len(common),
                     round(km, 1) if km is not None else None, broker,
                     nodes[broker].get(NAME) if broker is not None else None, _sentence("; ".join(reason))])
    rows.sort(key=lambda r: (-r[7], str(r[1]), str(r[3])))
    for rank, row in enumerate(rows[:limit], start=1):
        row[0] = rank
    return pd.DataFrame(rows[:limit], columns=INTRODUCTION_COLUMNS)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _node_id(text: str, nodes: Mapping[Hashable, Any]) -> Hashable | None:
    if text in nodes:
        return text
    for node in nodes:  # ids that are not strings (a researcher's integer nodes)
        if str(node) == text:
            return node
    return None


def disagreements(G: nx.MultiDiGraph, *, lang: str = "en", min_difference: int = 2) -> pd.DataFrame:
    """Pairs both actors reported with levels ``min_difference`` or more apart, and ties one
    side reported while the other side reported ties (with others) but not this one.

    The reporter of a tie is ``reported_by``, or its source when that is empty; each side's
    level is the highest it reported for the pair.
    """
    reporters = {reporter_of(u, data) for u, _, data in G.edges(data=True)}
    levels: dict[tuple[Hashable, Hashable], dict[Hashable, int | None]] = {}
    position = {v: i for i, v in enumerate(G)}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        reporter = reporter_of(u, data)
        pair = (u, v) if position[u] <= position[v] else (v, u)
        side = levels.setdefault(pair, {})
        level = data.get(LEVEL)
        previous = side.get(reporter)
        side[reporter] = level if previous is None else (max(previous, level) if level is not None else previous)
    rows = []
    for (a, b), side in levels.items():
        if a in side and b in side:
            la, lb = side[a], side[b]
            if la is not None and lb is not None and abs(la - lb) >= min_difference:
                rows.append([a, G.nodes[a].get(NAME), b, G.nodes[b].get(NAME), la, lb, abs(la - lb),
                             translate("status_disagree", lang, difference=abs(la - lb))])
        elif (a in side) != (b in side):
            missing = b if a in side else a
            if missing in reporters:
                rows.append([a, G.nodes[a].get(NAME), b, G.nodes[b].get(NAME), side.get(a), side.get(b), None,
                             translate("status_one_sided", lang)])
    return pd.DataFrame(rows, columns=["actor_a", "name_a", "actor_b", "name_b", "level_a", "level_b",
                                       "difference", "status"])
