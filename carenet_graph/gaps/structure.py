"""Structural gaps and reports that disagree.

* :func:`isolated_actors` – actors with no partner and actors with a single partner (named,
  with that partner), for the report's "who works alone" list;
* :func:`structural_gaps` – isolates and pendant actors; group pairs (sector × sector,
  municipality × municipality) with fewer than half the ties expected if ties fell between
  groups in proportion to the possible pairs (expected_gh = m · n_g n_h / C(n, 2), within g:
  m · C(n_g, 2) / C(n, 2)); and bridges whose removal disconnects a care actor from a social
  actor.
* :func:`disagreements` – pairs reported by both sides with levels 2+ apart, and ties reported
  by one side only while the other side reported ties too.

Care and welfare domains come from the vocabulary's ``sector_domains``; a *cross-domain* tie
links a care actor with a social actor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

import networkx as nx
import pandas as pd

from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import LEVEL, MUNICIPALITY, NAME, SECTOR, TYPE, collapse, reporter_of
from carenet_graph.vocabulary import Vocabulary


def domains(vocab: Vocabulary) -> dict[str, str]:
    """sector → 'care' | 'social' | 'connective'."""
    out = {}
    for domain, sectors in vocab.data.get("sector_domains", {}).items():
        for sector in sectors:
            out[str(sector)] = str(domain).removesuffix("_domain")
    return out


def cross_domain(H: nx.Graph, u: Hashable, v: Hashable, domain_of: dict[str, str]) -> bool:
    """Whether the tie u–v links a care actor with a social actor."""
    a = domain_of.get(str(H.nodes[u].get(SECTOR)))
    b = domain_of.get(str(H.nodes[v].get(SECTOR)))
    return {a, b} == {"care", "social"}


ISOLATED_COLUMNS = ["actor", "name", "type", "municipality", "partners", "partner", "partner_name", "description"]


def _lonely(H: nx.Graph) -> list[tuple[Hashable, Hashable | None]]:
    """(actor, its one partner or None) for every actor with at most one partner, in ``H``'s order."""
    return [(v, next(iter(H[v]), None)) for v in H if H.degree(v) <= 1]


def isolated_actors(G: nx.MultiDiGraph, *, locale: Locale | str | None = None,
                    municipality: str | None = None) -> pd.DataFrame:
    """Actors with no partner (``partners`` 0) and with a single partner (1, with its id and name).

    Partners are counted on ``collapse(G, mode="undirected", combine="max")``: a tie reported by
    either side counts, a report of level 0 ("no interaction") does not. Sorted by partners,
    municipality, name and id, so that the list reads the same whatever the order of the input
    rows. ``municipality`` keeps the actors there. Columns :data:`ISOLATED_COLUMNS`;
    ``description`` says it in the locale's words ("works only with Hospiz Detmold").
    """
    loc = as_locale(locale)
    H = collapse(G, mode="undirected", combine="max")
    rows = []
    for v, partner in _lonely(H):
        data = H.nodes[v]
        if municipality is not None and data.get(MUNICIPALITY) != municipality:
            continue
        partner_name = H.nodes[partner].get(NAME, partner) if partner is not None else None
        text = (loc.t("structural_isolate") if partner is None
                else loc.t("structural_single_partner", partner=partner_name))
        rows.append([v, data.get(NAME, v), data.get(TYPE), data.get(MUNICIPALITY), 0 if partner is None else 1,
                     partner, partner_name, text])
    rows.sort(key=lambda r: (r[4], str(r[3] or ""), str(r[1] or ""), str(r[0])))
    return pd.DataFrame(rows, columns=ISOLATED_COLUMNS)


def structural_gaps(G: nx.MultiDiGraph, *, locale: Locale | str | None = None, ratio: float = 0.5) -> pd.DataFrame:
    """Isolates, pendants (with their one partner), under-connected group pairs and care–welfare
    bridges (one row each)."""
    loc = as_locale(locale)
    vocab = loc.vocabulary
    H = collapse(G, mode="undirected", combine="max")
    domain_of = domains(vocab)
    rows: list[list[object]] = []
    for v, partner in _lonely(H):
        if partner is None:
            rows.append(["isolate", v, H.nodes[v].get(NAME), None, None, None, None, loc.t("structural_isolate")])
        else:
            other = H.nodes[partner].get(NAME, partner)
            rows.append(["pendant", v, H.nodes[v].get(NAME), partner, other, None, None,
                         loc.t("structural_single_partner", partner=other)])
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
                    # Sector ids are for the table's columns; the description names them in words.
                    # Quoted: sector labels hold "and" themselves ("Informal care and volunteering").
                    words = [loc.t("quoted", text=loc.label("sector", x)) if attribute == SECTOR else x
                             for x in (g, h)]
                    text = loc.t("structural_within" if g == h else "structural_groups", observed=observed,
                                 group=words[0], other=words[1], expected=loc.number(expected, 1))
                    rows.append([f"{attribute}_pair", None, None, g, h, observed, round(expected, 2), text])
    sides = _BridgeSides(H, domain_of) if m else None
    for u, v in nx.bridges(H) if m else ():
        if not cross_domain(H, u, v, domain_of) and not (sides is not None and sides.split_domains(u, v)):
            continue
        a, b = sorted((u, v), key=str)  # which end nx.bridges names first follows the input's order
        rows.append(["care_welfare_bridge", a, H.nodes[a].get(NAME), b, H.nodes[b].get(NAME), None, None,
                     loc.t("structural_bridge")])
    # By kind as found, then ids: the same table whatever the order of the input rows.
    kinds = {kind: i for i, kind in enumerate(("isolate", "pendant", f"{SECTOR}_pair", f"{MUNICIPALITY}_pair",
                                               "care_welfare_bridge"))}
    rows.sort(key=lambda r: (kinds[str(r[0])], str(r[1]) if r[1] is not None else "", str(r[3] or ""),
                             str(r[4] or "")))
    return pd.DataFrame(rows, columns=["kind", "actor", "name", "group_or_partner", "other", "observed",
                                       "expected", "description"])


class _BridgeSides:
    """Care and social actors on either side of every bridge, from one breadth-first spanning forest.

    A bridge is a tie of every spanning tree, so one of its ends is the other's parent and the
    child's subtree is the side it cuts off: counts per subtree (O(n + m) for all bridges)
    replace one search of the component per bridge (O(n) each: quadratic for a star, whose ties
    are all bridges).
    """

    def __init__(self, H: nx.Graph, domain_of: dict[str, str]) -> None:
        self.parent: dict[Hashable, Hashable] = {}
        self.root: dict[Hashable, Hashable] = {}
        self.counts: dict[Hashable, list[int]] = {}
        for start in H:
            if start in self.root:
                continue
            order = [start]
            self.root[start] = start
            for v in order:  # grows while it is read: breadth-first
                for w in H[v]:
                    if w not in self.root:
                        self.root[w] = start
                        self.parent[w] = v
                        order.append(w)
            for v in order:
                kind = domain_of.get(str(H.nodes[v].get(SECTOR)))
                self.counts[v] = [int(kind == "care"), int(kind == "social")]
            for v in reversed(order[1:]):
                below, above = self.counts[v], self.counts[self.parent[v]]
                above[0] += below[0]
                above[1] += below[1]

    def split_domains(self, u: Hashable, v: Hashable) -> bool:
        """Whether removing the bridge u–v leaves care actors on one side and social on the other."""
        child = v if self.parent.get(v) == u else u
        cut = self.counts[child]
        total = self.counts[self.root[child]]
        rest = [total[0] - cut[0], total[1] - cut[1]]
        return (cut[0] > 0 and rest[1] > 0) or (cut[1] > 0 and rest[0] > 0)


def disagreements(G: nx.MultiDiGraph, *, locale: Locale | str | None = None, min_difference: int = 2) -> pd.DataFrame:
    """Pairs both actors reported with levels ``min_difference`` or more apart, and ties one
    side reported while the other side reported ties (with others) but not this one.

    The reporter of a tie is ``reported_by``, or its source when that is empty; each side's
    level is the highest it reported for the pair.
    """
    loc = as_locale(locale)
    reporters = {reporter_of(u, data) for u, _, data in G.edges(data=True)}
    levels: dict[tuple[Hashable, Hashable], dict[Hashable, int | None]] = {}
    # Pairs oriented and listed by id (then input order for ids that print alike): independent of row order.
    position = {v: (str(v), i) for i, v in enumerate(G)}
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
    for (a, b), side in sorted(levels.items(), key=lambda item: (position[item[0][0]], position[item[0][1]])):
        if a in side and b in side:
            la, lb = side[a], side[b]
            if la is not None and lb is not None and abs(la - lb) >= min_difference:
                rows.append([a, G.nodes[a].get(NAME), b, G.nodes[b].get(NAME), la, lb, abs(la - lb),
                             loc.t("status_disagree", difference=abs(la - lb))])
        elif (a in side) != (b in side):
            missing = b if a in side else a
            if missing in reporters:
                rows.append([a, G.nodes[a].get(NAME), b, G.nodes[b].get(NAME), side.get(a), side.get(b), None,
                             loc.t("status_one_sided")])
    return pd.DataFrame(rows, columns=["actor_a", "name_a", "actor_b", "name_b", "level_a", "level_b",
                                       "difference", "status"])
