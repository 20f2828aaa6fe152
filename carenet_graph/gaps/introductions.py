"""Suggested introductions: a ranked list of new ties that would meet unmet expectations, each
with a plain-language reason and a broker who could make the introduction.

Each gap contributes its best untied candidate (scored by
:func:`~carenet_graph.gaps.expectations.candidate_score`); a pair that is already tied is never
suggested. The broker is the common partner with the strongest weaker tie (then most partners,
then id); without a common partner, a network coordinator. Common partners exclude hubs
(actors with more than :data:`~carenet_graph.gaps.expectations.HUB_PARTNERS` partners): "both
work with the regional pharmacy" is no reason for an introduction, and a hub is no broker for
its partners (the one-to-one brokering the list proposes is not what a hub of 10^5 partners
does). Only the ``limit`` best pairs are written out, so the work per gap is bounded by the two
actors' partners, never by all pairs through a hub.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.gaps.expectations import candidate_score, common_partners, km_between
from carenet_graph.gaps.rules import Rule
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import MUNICIPALITY, NAME, STRENGTH, TYPE, collapse

INTRODUCTION_COLUMNS = ["rank", "actor", "name", "partner", "partner_name", "rule", "severity", "score",
                        "common_partners", "km", "broker", "broker_name", "reason"]


def _broker(H: nx.Graph, s: Hashable, o: Hashable, coordinators: list[Hashable]) -> Hashable | None:
    """The common partner with the strongest weaker tie (then most partners, then id), else the
    first network coordinator by id (``coordinators``, sorted by id) that is neither of the two."""
    common = common_partners(H, s, o)
    if common:
        return max(common, key=lambda w: (min(H[s][w][STRENGTH], H[o][w][STRENGTH]), H.degree(w), str(w)))
    return next((v for v in coordinators if v not in (s, o)), None)


def suggest_introductions(G: nx.MultiDiGraph, rules: Iterable[Rule], gaps: pd.DataFrame, *,
                          locale: Locale | str | None = None, limit: int = 50) -> pd.DataFrame:
    """Ranked new ties (columns :data:`INTRODUCTION_COLUMNS`) for the unmet expectations.

    Each gap contributes its best untied candidate; pairs already tied are never suggested.
    The reason names the rule, the place, the shared partners and the broker, in the locale's language.
    """
    loc = as_locale(locale)
    H = collapse(G, mode="undirected", combine="max")
    nodes = dict(G.nodes(data=True))
    by_id = {r.id: r for r in rules}
    best: dict[frozenset[Hashable], list[Any]] = {}
    by_text: dict[str, Hashable] = {}
    for node in nodes:  # ids that are not strings (a researcher's integer nodes): the first one written so
        by_text.setdefault(str(node), node)
    for gap in gaps.itertuples(index=False):
        rule = by_id.get(str(gap.rule))
        if rule is None or not gap.candidates:
            continue
        s = gap.actor
        for o in str(gap.candidates).split(";"):
            o_id = o if o in nodes else by_text.get(o)
            if o_id is None or H.has_edge(s, o_id):
                continue
            score = candidate_score(H, rule, s, o_id, nodes)
            pair = frozenset((s, o_id))
            if pair not in best or score > best[pair][0]:
                best[pair] = [score, s, o_id, rule]
            break
    coordinators = sorted((v for v, d in nodes.items() if d.get(TYPE) in ("palliative_network", "care_coordinator")),
                          key=str)
    # Ranked as the rows are (score as written, then ids): only the first ``limit`` are written out.
    chosen = sorted(best.values(), key=lambda b: (-round(b[0], 6), str(b[1]), str(b[2])))[:limit]
    rows = []
    for score, s, o, rule in chosen:
        common = common_partners(H, s, o)
        km = km_between(nodes[s], nodes[o])
        broker = _broker(H, s, o, coordinators)
        reason = [loc.t("reason_rule", rule=rule.id,
                        subject=loc.label("actor_type", nodes[s].get(TYPE) or "other_organisation"))]
        if nodes[s].get(MUNICIPALITY) and nodes[s].get(MUNICIPALITY) == nodes[o].get(MUNICIPALITY):
            reason.append(loc.t("reason_same_municipality", municipality=nodes[s][MUNICIPALITY]))
        elif km is not None:
            reason.append(loc.t("reason_distance", km=f"{km:.0f}"))
        reason.append(loc.t("reason_shared", count=len(common)) if common
                      else loc.t("reason_no_shared"))
        if broker is not None:
            reason.append(loc.t("reason_broker", broker=nodes[broker].get(NAME, broker)) if common
                          else loc.t("reason_coordinator"))
        rows.append([0, s, nodes[s].get(NAME), o, nodes[o].get(NAME), rule.id,
                     rule.severity, round(score, 6), len(common),
                     round(km, 1) if km is not None else None, broker,
                     nodes[broker].get(NAME) if broker is not None else None, _sentence("; ".join(reason))])
    rows.sort(key=lambda r: (-r[7], str(r[1]), str(r[3])))
    for rank, row in enumerate(rows[:limit], start=1):
        row[0] = rank
    return pd.DataFrame(rows[:limit], columns=INTRODUCTION_COLUMNS)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
