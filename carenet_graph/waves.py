"""Change over time: compare two survey waves of the same care network.

* :func:`match_actors` – which actor of the earlier wave is which actor of the later one;
* :func:`tie_changes` – ties added, removed, closer, looser or of other types;
* :func:`actor_changes` – measures before, after and their difference, and role changes;
* :func:`compare` – all of it plus network figures, gaps closed and opened, and municipality
  links, as one :class:`Comparison`; :func:`write_comparison` writes its files.

Conventions: ties are compared on ``collapse(G, mode="undirected", combine="max")`` of each wave
(reports of level 0 are no ties); every delta is *after − before*; actors are keyed by their id
in the later wave, and actors that left by their id in the earlier wave.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.analysis.run import Analysis, analyze
from carenet_graph.gaps.rules import Rule
from carenet_graph.gaps.run import GapReport, find_gaps
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import LEVEL, NAME, TYPES, collapse
from carenet_graph.output.tables import frame_rows, json_safe, write_table_folder
from carenet_graph.vocabulary import text_key

__all__ = ["MEASURES", "ROLE_PHRASES", "Comparison", "Matching", "actor_changes", "broker_flags", "compare",
           "match_actors", "tie_changes", "write_comparison"]

#: Actor measures compared by :func:`actor_changes`.
MEASURES = ("degree", "strength", "betweenness", "pagerank", "constraint", "brokerage_total", "removal_impact")
#: Stable keys of role changes (for translation) and their English phrases.
ROLE_PHRASES = {
    "became_broker": "became broker",
    "no_longer_broker": "no longer broker",
    "became_single_point": "became single point of failure",
    "no_longer_single_point": "no longer single point of failure",
}
#: Share of actors (by betweenness, highest first) among whom a broker must rank.
BROKER_TOP_SHARE = 0.1
# Output orders: what needs the user's attention first.
MATCH_ORDER = ("ambiguous", "new", "left", "name", "id")
CHANGE_ORDER = ("added", "removed", "level_up", "level_down", "type_changed", "unchanged")
STATUS_ORDER = ("matched", "new", "left")
MATCH_COLUMNS = ["before_id", "after_id", "name_before", "name_after", "match"]
TIE_COLUMNS = ["actor_a", "actor_b", "name_a", "name_b", "change", "level_before", "level_after",
               "types_before", "types_after"]


@dataclass(frozen=True)
class Matching:
    """Actors of two waves matched to each other (see :func:`match_actors`).

    ``pairs`` maps each matched before-id to its after-id; ``table`` has one row per actor of
    either wave (columns ``before_id, after_id, name_before, name_after, match``); ``ambiguous``
    lists the ids (of either wave) left unmatched because their name was not unique.
    """

    pairs: dict[Hashable, Hashable]
    table: pd.DataFrame
    ambiguous: tuple[Hashable, ...]


@dataclass(frozen=True)
class Comparison:
    """Everything :func:`compare` computes: the matching, the change tables, a JSON-safe summary,
    and the analyses and gap reports of both waves (for maps and narratives)."""

    matching: Matching
    tie_changes: pd.DataFrame
    actor_changes: pd.DataFrame
    summary: dict[str, Any]
    before: Analysis
    after: Analysis
    gaps_before: GapReport
    gaps_after: GapReport
    written: tuple[Path, ...] = ()


def _name(G: nx.Graph, v: Hashable) -> Any:
    return G.nodes[v].get(NAME)


def _name_key(G: nx.Graph, v: Hashable) -> str:
    # Actors inferred from ties carry no name; their id is the name the data gave them.
    name = _name(G, v)
    return text_key(str(name if name is not None else v))


def match_actors(G_before: nx.Graph, G_after: nx.Graph) -> Matching:
    """Match the actors of two waves: by id, then by normalised name, never by guess.

    1. An id present in both waves is the same actor (``match = "id"``).
    2. Among the actors still unmatched, equal name keys (:func:`carenet_graph.vocabulary.text_key`:
       NFKC, case folded, separators as spaces, spaces collapsed; the normalisation used when
       loading) match (``"name"``) when the key belongs to exactly one unmatched actor in each wave.
    3. A key shared by unmatched actors of both waves but by more than one of them on either side
       is *ambiguous*: all those actors stay unmatched (``"ambiguous"``) for the user to resolve,
       since picking one would silently invent a history.
    4. The rest are ``"new"`` (later wave only) or ``"left"`` (earlier wave only).

    Parameters
    ----------
    G_before, G_after:
        The two waves (any networkx graphs whose nodes are actor ids with a ``name`` attribute).

    Returns
    -------
    Matching
        ``table`` is sorted by match kind (ambiguous, new, left, name, id: what needs checking
        first), then name key and ids. Ids in ``ambiguous`` cannot clash across waves: an id
        present in both waves is matched by id.
    """
    pairs: dict[Hashable, Hashable] = {v: v for v in G_before if v in G_after}
    rest_before: dict[str, list[Hashable]] = {}
    rest_after: dict[str, list[Hashable]] = {}
    for G, rest in ((G_before, rest_before), (G_after, rest_after)):
        for v in G:
            if v not in pairs:
                rest.setdefault(_name_key(G, v), []).append(v)
    ambiguous: list[Hashable] = []
    by_name: set[Hashable] = set()
    for key in sorted(rest_before.keys() & rest_after.keys()):
        olds, news = rest_before[key], rest_after[key]
        if not key:  # an empty name says nothing about identity
            continue
        if len(olds) == 1 and len(news) == 1:
            pairs[olds[0]] = news[0]
            by_name.add(olds[0])
        else:
            ambiguous.extend(olds + news)
    doubtful = set(ambiguous)
    matched_after = set(pairs.values())
    rows: list[list[Any]] = []
    for v in G_before:
        kind = ("name" if v in by_name else "id") if v in pairs else "ambiguous" if v in doubtful else "left"
        after = pairs.get(v)
        rows.append([v, after, _name(G_before, v), _name(G_after, after) if after is not None else None, kind])
    for v in G_after:
        if v not in matched_after:
            rows.append([None, v, None, _name(G_after, v), "ambiguous" if v in doubtful else "new"])

    def order(row: list[Any]) -> tuple[Any, ...]:
        name = row[3] if row[3] is not None else row[2]
        return (MATCH_ORDER.index(row[4]), text_key(str(name or "")), str(row[0]), str(row[1]))

    rows.sort(key=order)
    table = pd.DataFrame(rows, columns=MATCH_COLUMNS, dtype=object)
    return Matching(pairs=pairs, table=table, ambiguous=tuple(sorted(ambiguous, key=str)))


def _level(value: Any) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _pair_ties(G: nx.MultiDiGraph, rename: Mapping[Hashable, Hashable]) -> dict[tuple[Any, Any], tuple[Any, str]]:
    """(a, b) with str(a) <= str(b) → (max level or None, ';'-joined types) over the collapsed ties."""
    H = collapse(G, mode="undirected", combine="max")
    levels: dict[frozenset[Hashable], Any] = {}
    for u, v, data in G.edges(data=True):
        level = data.get(LEVEL)
        # The same reports collapse() keeps: level 0 means "no interaction", not a tie.
        if level is not None and level > 0:
            pair = frozenset((u, v))
            levels[pair] = max(levels.get(pair, level), level)
    out = {}
    for u, v, data in H.edges(data=True):
        level = levels.get(frozenset((u, v)))
        a, b = sorted((rename[u], rename[v]), key=str)
        out[(a, b)] = (_level(level) if level is not None else None, data.get(TYPES, ""))
    return out


def _before_keys(G_before: nx.Graph, G_after: nx.Graph, matching: Matching) -> dict[Hashable, Hashable]:
    """Before-id → after-id when matched, else ``"before:<id>"`` (never an after id)."""
    keys: dict[Hashable, Hashable] = {}
    for v in G_before:
        key = matching.pairs.get(v, f"before:{v}")
        while v not in matching.pairs and key in G_after:  # an after actor called "before:x" must not absorb x
            key = f"before:{key}"
        keys[v] = key
    return keys


def _nullable(values: list[Any], dtype: Any) -> pd.Series:
    # Nullable dtypes keep whole numbers as integers next to missing ones (CSV "3", not "3.0").
    series: pd.Series = pd.Series(values, dtype=dtype)
    return series


def tie_changes(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, matching: Matching) -> pd.DataFrame:
    """One row per pair tied in either wave, with what changed.

    Ties are the pairs of ``collapse(G, mode="undirected", combine="max")`` of each wave, with
    before-ids mapped to after-ids (unmatched before actors keep the key ``"before:<id>"``). Per
    pair, ``level`` is the highest Frey level reported on it (None when no report gives one) and
    ``types`` the sorted, ';'-joined tie types. ``change`` is

    * ``added`` / ``removed`` – tied in the later / earlier wave only;
    * ``level_up`` / ``level_down`` – both levels known and the later one higher / lower;
    * ``type_changed`` – levels equal or not both known, types differ;
    * ``unchanged`` – otherwise.

    A level reported in one wave only is no level change: an unknown level is not level 0.
    Rows are sorted by change (in the order above), then by ``actor_a`` and ``actor_b``.
    """
    keys = _before_keys(G_before, G_after, matching)
    origin = {k: v for v, k in keys.items() if k not in G_after}
    old = _pair_ties(G_before, keys)
    new = _pair_ties(G_after, {v: v for v in G_after})
    rows = []
    for pair in old.keys() | new.keys():
        (lb, tb), (la, ta) = old.get(pair, (None, None)), new.get(pair, (None, None))
        if pair not in old:
            change = "added"
        elif pair not in new:
            change = "removed"
        elif lb is not None and la is not None and la != lb:
            change = "level_up" if la > lb else "level_down"
        else:
            change = "type_changed" if ta != tb else "unchanged"
        names = [_name(G_after, k) if k in G_after else _name(G_before, origin[k]) for k in pair]
        rows.append([*pair, *names, change, lb, la, tb, ta])
    rows.sort(key=lambda r: (CHANGE_ORDER.index(r[4]), str(r[0]), str(r[1])))
    # Object columns: levels stay whole numbers and a missing level stays None (not NaN, not pd.NA).
    return pd.DataFrame(rows, columns=TIE_COLUMNS, dtype=object)


def broker_flags(actors: pd.DataFrame) -> pd.Series:
    """Broker role of each actor of one wave (bool Series on ``actors.index``).

    An actor is a *broker* when it holds at least one Gould–Fernandez brokerage position
    (``brokerage_total > 0``) and its betweenness is positive and at least the
    ⌈0.1 · n⌉-th highest betweenness among the n actors of the wave (ties at that value count):
    it both stands between actors and lies on many of the network's shortest paths.
    Betweenness is the one :func:`~carenet_graph.analysis.analyze` computes (on ``distance``).

    References: Gould R.V., Fernandez R.M. (1989) Structures of mediation. Sociol. Methodol.
    19:89–126. Freeman L.C. (1977) A set of measures of centrality based on betweenness.
    Sociometry 40:35–41.
    """
    between = actors["betweenness"].astype(float).fillna(0.0)
    if between.empty:
        return pd.Series([], index=actors.index, dtype=bool)
    rank = max(1, math.ceil(BROKER_TOP_SHARE * len(between)))
    threshold = between.sort_values(ascending=False).iloc[rank - 1]
    return (actors["brokerage_total"].fillna(0) > 0) & (between > 0) & (between >= threshold)


def actor_changes(before: Analysis, after: Analysis, matching: Matching) -> pd.DataFrame:
    """Measures and roles of every actor in both waves, with their change.

    One row per actor of either wave: ``id`` (after-id for matched and new actors, before-id
    for actors that left or were ambiguous in the earlier wave), ``before_id``, ``name``,
    ``status`` (``matched``, ``new``, ``left``; ambiguous actors count as new or left). For each
    of :data:`MEASURES`: ``<m>_before``, ``<m>_after`` and ``<m>_delta = after − before``
    (missing when the actor is absent from a wave). Role flags per wave: ``broker_*``
    (:func:`broker_flags`) and ``single_point_*`` (articulation point: removing the actor
    disconnects others). ``role_change`` lists the role changes of matched actors in English,
    ``role_change_keys`` the same as keys of :data:`ROLE_PHRASES`.
    Rows are sorted by status, then id.
    """
    table = matching.table
    items = []
    for b, a in zip(table["before_id"], table["after_id"], strict=True):
        status = "matched" if a is not None and b is not None else "new" if a is not None else "left"
        items.append((a if a is not None else b, b, status))
    items.sort(key=lambda item: (STATUS_ORDER.index(item[2]), str(item[0])))
    afters = [i[0] if i[2] != "left" else None for i in items]
    befores = [i[1] for i in items]
    names = [after.actors["name"].get(a) if a is not None else before.actors["name"].get(b)
             for a, b in zip(afters, befores, strict=True)]
    # Object columns keep ids as the data gave them (numbers stay numbers) and None as None.
    columns: dict[str, Any] = {"id": _nullable([i[0] for i in items], object), "before_id": _nullable(befores, object),
                               "name": _nullable(names, object), "status": [i[2] for i in items]}
    for m in MEASURES:
        integral = pd.api.types.is_integer_dtype(before.actors[m]) and pd.api.types.is_integer_dtype(after.actors[m])
        dtype = "Int64" if integral else "Float64"
        was = _nullable([before.actors[m].get(b) if b is not None else None for b in befores], dtype)
        now = _nullable([after.actors[m].get(a) if a is not None else None for a in afters], dtype)
        columns[f"{m}_before"], columns[f"{m}_after"], columns[f"{m}_delta"] = was, now, now - was
    flags = {"broker": (broker_flags(before.actors), broker_flags(after.actors)),
             "single_point": (before.actors["articulation_point"], after.actors["articulation_point"])}
    for role, (old, new) in flags.items():
        columns[f"{role}_before"] = _nullable([bool(old[b]) if b is not None else None for b in befores], "boolean")
        columns[f"{role}_after"] = _nullable([bool(new[a]) if a is not None else None for a in afters], "boolean")
    keys_column = []
    for i, status in enumerate(columns["status"]):
        keys = []
        for role in ("broker", "single_point"):
            was, now = columns[f"{role}_before"][i], columns[f"{role}_after"][i]
            # Only matched actors change roles: a new actor had no role before, one that left has none now.
            if status == "matched" and was != now:
                keys.append(f"became_{role}" if now else f"no_longer_{role}")
        keys_column.append(keys)
    columns["role_change"] = ["; ".join(ROLE_PHRASES[k] for k in keys) for keys in keys_column]
    columns["role_change_keys"] = [";".join(keys) for keys in keys_column]
    return pd.DataFrame(columns)


def _numbers(document: Mapping[str, Any], prefix: str = "") -> dict[str, float | int | None]:
    """Numeric leaves of nested figures under dotted keys (``paths.diameter``); None stays None."""
    out: dict[str, float | int | None] = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_numbers(value, name + "."))
        elif value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            out[name] = value
    return out


def _figures(before: Analysis, after: Analysis) -> dict[str, dict[str, Any]]:
    old, new = _numbers(before.network.to_dict()), _numbers(after.network.to_dict())
    out = {}
    for key in sorted(old.keys() | new.keys()):
        b, a = old.get(key), new.get(key)
        if b is None and a is None:
            continue  # None in both waves (e.g. no dyad data) is no figure, or a non-number
        delta = a - b if a is not None and b is not None else None
        out[key] = {"before": b, "after": a, "delta": delta}
    return out


def _gap_keys(gaps: pd.DataFrame, rename: Mapping[Hashable, Hashable]) -> set[tuple[Hashable, str]]:
    """(after-id, rule) of each gap whose actor ``rename`` maps to the later wave."""
    return {(rename[a], str(r)) for a, r in zip(gaps["actor"], gaps["rule"], strict=True) if a in rename}


def _linked(cards: pd.DataFrame) -> dict[str, tuple[str, bool]]:
    """Municipality key → (name as written, linked to the palliative network)."""
    return {text_key(str(m)): (str(m), bool(linked))
            for m, linked in zip(cards["municipality"], cards["linked_to_network"], strict=True)}


def _bridges(cards: pd.DataFrame) -> dict[str, set[str]]:
    return {text_key(str(m)): {s for s in str(ids or "").split(";") if s}
            for m, ids in zip(cards["municipality"], cards["single_bridge_actors"], strict=True)}


def _summary(G_after: nx.Graph, before: Analysis, after: Analysis, gaps_before: GapReport, gaps_after: GapReport,
             matching: Matching, ties: pd.DataFrame) -> dict[str, Any]:
    kinds = matching.table["match"].value_counts()
    actors = {k: int(kinds.get(k, 0)) for k in MATCH_ORDER}
    actors["matched"] = actors["id"] + actors["name"]
    changes = ties["change"].value_counts()
    old_gaps = _gap_keys(gaps_before.gaps, matching.pairs)
    new_gaps = _gap_keys(gaps_after.gaps, {v: v for v in G_after})

    def listed(keys: Iterable[tuple[Hashable, str]]) -> list[list[Any]]:
        return [[a, _name(G_after, a), r] for a, r in sorted(keys, key=lambda k: (k[1], str(k[0])))]

    unmet_before = gaps_before.gaps["rule"].astype(str).value_counts()
    unmet_after = gaps_after.gaps["rule"].astype(str).value_counts()
    newly_met = {str(r): {"unmet_before": int(unmet_before[r]), "unmet_after": int(unmet_after.get(r, 0))}
                 for r in sorted(unmet_before.index) if unmet_after.get(r, 0) < unmet_before[r]}
    # A municipality absent from a wave has no actors there, so it was not linked then.
    was, now = _linked(gaps_before.scorecards), _linked(gaps_after.scorecards)
    linked_before = {k for k, (_, linked) in was.items() if linked}
    linked_after = {k for k, (_, linked) in now.items() if linked}
    place = {**{k: name for k, (name, _) in was.items()}, **{k: name for k, (name, _) in now.items()}}
    renamed = {str(b): str(a) for b, a in matching.pairs.items()}
    old_bridges, new_bridges = _bridges(gaps_before.scorecards), _bridges(gaps_after.scorecards)
    after_ids = {str(v): v for v in G_after}  # scorecards join ids as text
    still: list[list[Any]] = []
    for key in sorted(old_bridges.keys() & new_bridges.keys(), key=lambda k: place[k]):
        same = {renamed[b] for b in old_bridges[key] if b in renamed} & new_bridges[key]
        still.extend([place[key], after_ids[s], _name(G_after, after_ids[s])] for s in sorted(same))
    return {
        "network": _figures(before, after),
        "actors": actors,
        "ties": {c: int(changes.get(c, 0)) for c in CHANGE_ORDER},
        "gaps_closed": listed(old_gaps - new_gaps),
        "new_gaps": listed(new_gaps - old_gaps),
        "rules_newly_met": newly_met,
        "municipalities_newly_linked": sorted(place[k] for k in linked_after - linked_before),
        "municipalities_no_longer_linked": sorted(place[k] for k in linked_before - linked_after),
        "municipalities_still_unlinked": sorted(place[k] for k in now.keys() - linked_after - linked_before),
        "single_bridge_still": still,
        "rules": sorted({rule.id for rule in gaps_after.rules}),
        "broker_definition": (f"brokerage_total > 0 and betweenness > 0 among the top {BROKER_TOP_SHARE:.0%} "
                              "of actors of the wave by betweenness"),
    }


def compare(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, *, rules: Iterable[Rule] | None = None,
            seed: int = 0, locale: Locale | str | None = None) -> Comparison:
    """Compare two waves: matching, tie and actor changes, and a summary of what changed.

    Runs :func:`~carenet_graph.analysis.analyze` (seeded with ``seed``) and
    :func:`~carenet_graph.gaps.find_gaps` (``rules``; the package rules when None; texts and
    vocabulary from ``locale``) on both waves. The inputs are not modified.

    ``summary`` (JSON-safe) holds

    * ``network`` – each numeric network figure (nested ones as dotted keys such as
      ``paths.diameter``) with ``before``, ``after`` and ``delta``;
    * ``actors`` – counts per match kind (``id``, ``name``, ``new``, ``left``, ``ambiguous``;
      disjoint) and ``matched`` = id + name; ``ties`` – counts per tie change;
    * ``gaps_closed`` / ``new_gaps`` – ``[after-id, name, rule]`` of gap instances (actor × unmet
      rule) keyed by the actor's after-id: a before gap of a matched actor absent after is
      closed (the tie now exists, or the rule no longer applies to the actor); an after gap
      absent before is new (including gaps of new actors);
    * ``rules_newly_met`` – rule id → ``unmet_before``, ``unmet_after`` for rules with fewer unmet
      instances after than before;
    * ``municipalities_newly_linked`` / ``_no_longer_linked`` / ``_still_unlinked`` – by the
      scorecards' ``linked_to_network`` (a municipality absent from a wave counts as unlinked
      then; names compared by :func:`~carenet_graph.vocabulary.text_key`);
    * ``single_bridge_still`` – ``[municipality, after-id, name]`` where the same (matched)
      actor is the single bridge (scorecard ``single_bridge_actors``) in both waves.
    """
    chosen = tuple(rules) if rules is not None else None
    matching = match_actors(G_before, G_after)
    ties = tie_changes(G_before, G_after, matching)
    before, after = analyze(G_before, seed=seed), analyze(G_after, seed=seed)
    loc = as_locale(locale)
    gaps_before = find_gaps(G_before, chosen, locale=loc)
    gaps_after = find_gaps(G_after, chosen, locale=loc)
    actors = actor_changes(before, after, matching)
    summary = json_safe(_summary(G_after, before, after, gaps_before, gaps_after, matching, ties))
    return Comparison(matching, ties, actors, summary, before, after, gaps_before, gaps_after)


def write_comparison(comparison: Comparison, folder: str | Path) -> list[Path]:
    """Write ``tie_changes.csv``, ``actor_changes.csv``, ``actor_matching.csv`` and ``summary.json``
    (atomically and formula-safe, see :mod:`carenet_graph.output.tables`)."""
    tables = {"tie_changes": frame_rows(comparison.tie_changes), "actor_changes": frame_rows(comparison.actor_changes),
              "actor_matching": frame_rows(comparison.matching.table)}
    return write_table_folder(folder, tables, documents={"summary": comparison.summary})
