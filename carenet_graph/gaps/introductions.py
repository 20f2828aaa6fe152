"""Suggested introductions, ranked by what they achieve and then by how easy they are, each
with a reason in plain sentences and a broker who could make the introduction.

Candidates are the untied candidate partners of each unmet expectation (the ``candidates`` of
:func:`~carenet_graph.gaps.expectations.unmet_expectations`); each gap contributes its best
pair by the score below, and a pair proposed by several gaps appears once. A pair that is
already tied is never suggested.

Score of an introduction of ``s`` and ``o`` (higher first)::

    score  = impact + ease / (1 + ease)
    impact = Σ_{g ∈ M(s, o)} w(g) / (need_g − have_g)
             + 2 · [it links a municipality to the palliative network for the first time]
             + 2 · Σ_{x ∈ {s, o}} [x gets its first tie to a palliative-care actor]
             + 1 · [nobody in the municipality of a gap it meets meets that rule yet]
    ease   = RA(s, o) + 0.25 · |CN(s, o)| + geo(s, o)

*Impact* — the project's heuristic, not a published measure — counts every unmet
expectation ``g`` the new tie would meet *at either end* (M(s, o): ``o`` is an object of ``s``'s
rule in scope, or ``s`` of ``o``'s), weighted by severity (w = 3 / 2 / 1 for required /
expected / recommended) and by the share of the gap it closes (a rule asking for two partners
is half met by one). Three kinds of first link add to it, because they change what a whole
group can reach, not one actor: a municipality whose administration is not yet linked to the
palliative network (:mod:`carenet_graph.gaps.linked`, the definition the scorecards use); an
actor with no tie to any palliative-care actor at all (:data:`PALLIATIVE_TYPES`: a GP practice
with no consult service, a nursing home with no palliative support) getting its first; and the
first actor of its kind in a municipality to meet a rule (not counted again when the tie links
the municipality itself). *Ease* is the local link-prediction
evidence: the resource-allocation index RA(s, o) = Σ_{w ∈ CN(s, o)} 1 / deg(w) (Zhou, Lü &
Zhang 2009), which like the Adamic–Adar index (Adamic & Adar 2003) counts a shared partner
more the fewer partners it has; the number of common partners CN (each a possible broker);
and geo = 1 / (1 + km / 10) for actors with coordinates. ease / (1 + ease) lies in [0, 1):
among introductions that achieve the same, the easiest comes first, but ease never outweighs
a unit of impact — an easy "volunteer centre ↔ GP" never outranks linking a municipality or
a GP practice with no palliative consult service. Ties in score are ordered by ids, so the
ranking does not depend on the order of the input rows.

The broker is the common partner with the strongest weaker tie (then most partners, then id);
without a common partner, a coordinator (one in either's municipality first, then the
palliative network, then by id; or the partner itself when it is the network). Common
partners exclude hubs (actors with more than
:data:`~carenet_graph.gaps.expectations.HUB_PARTNERS` partners): "both work with the regional
pharmacy" is no reason for an introduction, and a hub is no broker for its partners. Only the
``limit`` best pairs are written out.

Zhou T., Lü L., Zhang Y.-C. (2009) Predicting missing links via local information. Eur. Phys.
J. B 71:623–630. Adamic L., Adar E. (2003) Friends and neighbors on the web. Soc. Netw. 25:211–230.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.gaps.expectations import SEVERITY_WEIGHT, common_partners, ease_score, in_scope, km_between
from carenet_graph.gaps.linked import NETWORK_TYPES, network_links, network_rule
from carenet_graph.gaps.rules import Rule
from carenet_graph.gaps.texts import rule_title
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import MUNICIPALITY, NAME, SECTOR, STRENGTH, TYPE, collapse

__all__ = ["INTRODUCTION_COLUMNS", "PALLIATIVE_TYPES", "suggest_introductions"]

INTRODUCTION_COLUMNS = ["rank", "actor", "name", "partner", "partner_name", "rule", "severity", "score", "impact",
                        "ease", "gaps_met", "common_partners", "km", "broker", "broker_name", "reason"]

#: Actor types that are palliative care: a first tie to one of them links an actor to the network's care.
PALLIATIVE_TYPES = frozenset({"palliative_network", "palliative_consult_service", "specialised_home_palliative_team",
                              "palliative_physician", "palliative_care_unit", "inpatient_hospice",
                              "outpatient_hospice_service"})
#: Actors who can introduce two others when nobody is in common.
COORDINATION_TYPES = NETWORK_TYPES | {"care_coordinator"}
BONUS_MUNICIPALITY = 2.0
BONUS_PALLIATIVE = 2.0
BONUS_PLACE = 1.0


@dataclass(frozen=True)
class _Gap:
    """One unmet expectation of ``actor``; ``weight`` = w(severity) / (need − have)."""

    actor: Hashable
    rule: Rule
    have: int
    need: int
    place: Any
    weight: float


@dataclass(frozen=True)
class _Impact:
    """What one introduction achieves and its ``value`` (see the module docstring)."""

    met: tuple[_Gap, ...]
    links_place: str | None
    first_palliative: tuple[Hashable, ...]
    first_place: str | None
    value: float


class _Context:
    """The network facts every introduction is judged against, computed once."""

    def __init__(self, G: nx.MultiDiGraph, rules: tuple[Rule, ...], gaps: pd.DataFrame, loc: Locale) -> None:
        self.H = collapse(G, mode="undirected", combine="max")
        self.nodes = dict(G.nodes(data=True))
        by_id = {r.id: r for r in rules}
        self.gaps: dict[Hashable, list[_Gap]] = {}
        unmet: Counter[tuple[str, Any]] = Counter()
        columns = (gaps[c].tolist() for c in ("actor", "rule", "have", "need"))
        for actor, rid, have, need in zip(*columns, strict=True):
            rule = by_id.get(str(rid))
            if rule is not None and actor in self.nodes:
                place = self.nodes[actor].get(MUNICIPALITY)
                weight = SEVERITY_WEIGHT[rule.severity] / max(1, int(need) - int(have))
                self.gaps.setdefault(actor, []).append(_Gap(actor, rule, int(have), int(need), place, weight))
                unmet[(rule.id, place)] += 1
        # Subjects per (rule, place), counted over the distinct (type, sector, country, place) of the
        # actors: a rule looks at no more than these, and there are far fewer of them than actors.
        kinds = Counter((d.get(TYPE), d.get(SECTOR), d.get("country"), d.get(MUNICIPALITY))
                        for d in self.nodes.values() if d.get(MUNICIPALITY) is not None)
        subjects: Counter[tuple[str, Any]] = Counter()
        for rule in {rule.id: rule for rule, _ in _unmet_rules(self.gaps)}.values():
            for (kind, sector, country, place), count in kinds.items():
                if rule.applies_to({TYPE: kind, SECTOR: sector, "country": country}):
                    subjects[(rule.id, place)] += count
        # (rule, place) where every subject there falls short: a first link there is the place's first.
        self.nobody = {key for key, count in unmet.items() if key[1] is not None and count >= subjects[key]}
        self.network = network_rule(rules, loc.vocabulary)
        # The scorecards' definition, so that "one of 3 municipalities without a link" is their count.
        self.unlinked_places = {p for p, met in network_links(G, rules, vocabulary=loc.vocabulary).items() if not met}
        # Palliative-care actors, and everyone with a tie to one: a first tie needs neither end here.
        self.is_palliative = {v for v, d in self.nodes.items() if d.get(TYPE) in PALLIATIVE_TYPES}
        self.palliative = self.is_palliative | {w for v in self.is_palliative if v in self.H for w in self.H[v]}
        self.coordinators = sorted((v for v, d in self.nodes.items() if d.get(TYPE) in COORDINATION_TYPES), key=str)

    def impact(self, s: Hashable, o: Hashable) -> _Impact:
        ns, no = self.nodes[s], self.nodes[o]
        met = [g for g in self.gaps.get(s, ()) if g.rule.is_object(no) and in_scope(g.rule, ns, no)]
        met += [g for g in self.gaps.get(o, ()) if g.rule.is_object(ns) and in_scope(g.rule, no, ns)]
        if len(met) > 1:
            met.sort(key=lambda g: (-g.weight, g.rule.id, str(g.actor)))
        links_place = next((str(g.place) for g in met if g.rule.id == self.network.id and g.need - g.have == 1
                            and str(g.place) in self.unlinked_places), None)
        first_palliative = tuple(x for x, y in ((s, o), (o, s))
                                 if y in self.is_palliative and x not in self.palliative and x in self.H)
        # Linking the municipality itself already counts the place: not twice.
        first_place = None if links_place is not None else next(
            (str(g.place) for g in met if (g.rule.id, g.place) in self.nobody), None)
        value = (sum(g.weight for g in met) + BONUS_MUNICIPALITY * (links_place is not None)
                 + BONUS_PALLIATIVE * len(first_palliative) + BONUS_PLACE * (first_place is not None))
        return _Impact(tuple(met), links_place, first_palliative, first_place, value)

    def broker(self, s: Hashable, o: Hashable) -> Hashable | None:
        """The common partner with the strongest weaker tie (then most partners, then id), else a
        coordinator who is neither of the two: one in either's municipality first, then a
        palliative network actor, then by id."""
        H = self.H
        common = common_partners(H, s, o)
        if common:
            return max(common, key=lambda w: (min(H[s][w][STRENGTH], H[o][w][STRENGTH]), H.degree(w), str(w)))
        places = {self.nodes[s].get(MUNICIPALITY), self.nodes[o].get(MUNICIPALITY)} - {None}
        # A coordinator where the two are, then the palliative network, then any: the nearest who can call.
        ranked = sorted((v for v in self.coordinators if v not in (s, o)),
                        key=lambda v: (self.nodes[v].get(MUNICIPALITY) not in places,
                                       self.nodes[v].get(TYPE) not in NETWORK_TYPES, str(v)))
        return ranked[0] if ranked else None


def _unmet_rules(gaps: Mapping[Hashable, list[_Gap]]) -> list[tuple[Rule, Hashable]]:
    """(rule, subject) of every gap, in the order found."""
    return [(gap.rule, actor) for actor, found in gaps.items() for gap in found]


def _name(nodes: Mapping[Hashable, Any], v: Hashable) -> str:
    return str(nodes[v].get(NAME) or v)


def _reason(ctx: _Context, s: Hashable, o: Hashable, impact: _Impact, loc: Locale) -> str:
    """What the introduction achieves, then how it could be made: plain sentences in the locale."""
    nodes = ctx.nodes
    main = impact.met[0]
    other = o if main.actor == s else s
    said = []
    if impact.links_place is not None:
        said.append(loc.t("intro_links_municipality", municipality=impact.links_place, partner=_name(nodes, other),
                          count=len(ctx.unlinked_places)))
    else:
        said.append(loc.t("intro_meets", title=loc.t("quoted", text=rule_title(main.rule, loc)),
                          name=_name(nodes, main.actor)))
    said += [loc.t("intro_first_palliative", name=_name(nodes, x)) for x in impact.first_palliative]
    if impact.first_place is not None:
        said.append(loc.t("intro_first_in_place", municipality=impact.first_place))
    if len(impact.met) > 1:
        titles = dict.fromkeys(loc.t("quoted", text=rule_title(g.rule, loc)) for g in impact.met[1:])
        said.append(loc.t("intro_also", count=len(impact.met) - 1, titles="; ".join(titles)))
    place = nodes[s].get(MUNICIPALITY)
    km = km_between(nodes[s], nodes[o])
    if place is not None and place == nodes[o].get(MUNICIPALITY):
        said.append(loc.t("ease_same_municipality", municipality=place))
    elif km is not None:
        said.append(loc.t("ease_distance", km=loc.number(round(km), 0)))
    common = common_partners(ctx.H, s, o)
    broker = ctx.broker(s, o)
    coordinating = [x for x in (other, main.actor) if nodes[x].get(TYPE) in COORDINATION_TYPES]
    if common and broker is not None:
        said.append(loc.t("ease_shared", count=len(common), broker=_name(nodes, broker)))
    elif coordinating:
        x = coordinating[0]
        said.append(loc.t("ease_none_direct", partner=_name(nodes, x), name=_name(nodes, s if x == o else o)))
    elif broker is not None:
        said.append(loc.t("ease_none_broker", broker=_name(nodes, broker)))
    else:
        said.append(loc.t("ease_none"))
    return " ".join(said)


def suggest_introductions(G: nx.MultiDiGraph, rules: Iterable[Rule], gaps: pd.DataFrame, *,
                          locale: Locale | str | None = None, limit: int = 50) -> pd.DataFrame:
    """Ranked new ties (columns :data:`INTRODUCTION_COLUMNS`) for the unmet expectations.

    ``score`` = ``impact`` + ``ease`` / (1 + ``ease``) (formula and citations in the module
    docstring); ``gaps_met`` counts the unmet expectations the tie would meet at both ends;
    ``actor`` is the subject of the weightiest of them and ``rule`` / ``severity`` are its
    (ids, for machines). ``reason`` says what the introduction achieves and how it could be
    made, in the locale's language, without ids.
    """
    loc = as_locale(locale)
    rules = tuple(rules)
    ctx = _Context(G, rules, gaps, loc)
    nodes, H = ctx.nodes, ctx.H
    by_text: dict[str, Hashable] = {}
    for node in nodes:  # ids that are not strings (a researcher's integer nodes): the first one written so
        by_text.setdefault(str(node), node)
    scored: dict[frozenset[Hashable], tuple[float, _Impact, float]] = {}
    impacts: dict[frozenset[Hashable], _Impact] = {}
    chosen: set[frozenset[Hashable]] = set()
    for actor, candidates in zip(gaps["actor"].tolist(), gaps["candidates"].tolist(), strict=True):
        if actor not in nodes or not isinstance(candidates, str) or not candidates:
            continue
        open_pairs = []
        for text in candidates.split(";"):
            o = text if text in nodes else by_text.get(text)
            if o is None or o == actor or H.has_edge(actor, o):
                continue
            pair = frozenset((actor, o))
            if pair not in impacts:
                impacts[pair] = ctx.impact(actor, o)
            if impacts[pair].met:
                open_pairs.append((o, pair))
        if not open_pairs:
            continue
        # ease / (1 + ease) < 1: a candidate a whole unit of impact behind cannot win. Among candidates
        # of equal impact the first listed is the easiest (the gap's candidates are ranked by severity
        # + ease, then id, the order used here too): only it needs its ease computed.
        top = max(impacts[pair].value for _, pair in open_pairs)
        best: tuple[float, str, frozenset[Hashable]] | None = None
        seen: set[float] = set()
        for o, pair in open_pairs:
            value = impacts[pair].value
            if value < top - 1.0 or value in seen:
                continue
            seen.add(value)
            if pair not in scored:
                ease = ease_score(H, actor, o, nodes)
                scored[pair] = (round(impacts[pair].value + ease / (1.0 + ease), 6), impacts[pair], ease)
            key = (-scored[pair][0], str(o), pair)
            if best is None or key[:2] < best[:2]:
                best = key
        if best is not None:
            chosen.add(best[2])
    # Ranked as the rows are (score as written, then ids): only the first ``limit`` are described.
    ranked = []
    for pair in chosen:
        score, impact, ease = scored[pair]
        s = impact.met[0].actor
        ranked.append((-score, str(s), str(next(iter(pair - {s}))), pair))
    ranked.sort(key=lambda r: r[:3])
    rows = []
    for rank, (_, _, _, pair) in enumerate(ranked[:limit], start=1):
        score, impact, ease = scored[pair]
        main = impact.met[0]
        s = main.actor
        o = next(iter(pair - {s}))
        common = common_partners(H, s, o)
        km = km_between(nodes[s], nodes[o])
        broker = ctx.broker(s, o)
        rows.append([rank, s, nodes[s].get(NAME), o, nodes[o].get(NAME), main.rule.id, main.rule.severity, score,
                     round(impact.value, 6), round(ease, 6), len(impact.met), len(common),
                     round(km, 1) if km is not None else None, broker,
                     nodes[broker].get(NAME) if broker is not None else None, _reason(ctx, s, o, impact, loc)])
    return pd.DataFrame(rows, columns=INTRODUCTION_COLUMNS)
