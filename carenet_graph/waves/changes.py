"""What changed between two waves: ties added, removed, closer, looser or of other types
(:func:`tie_changes`), and actor measures before, after and their difference with role changes
(:func:`actor_changes`)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.analysis.run import Analysis
from carenet_graph.network import LEVEL, TYPES, collapse
from carenet_graph.waves.matching import Matching, actor_name

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
CHANGE_ORDER = ("added", "removed", "level_up", "level_down", "type_changed", "unchanged")
STATUS_ORDER = ("matched", "new", "left")
TIE_COLUMNS = ["actor_a", "actor_b", "name_a", "name_b", "change", "level_before", "level_after",
               "types_before", "types_after"]


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


def before_keys(G_before: nx.Graph, G_after: nx.Graph, matching: Matching) -> dict[Hashable, Hashable]:
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
    keys = before_keys(G_before, G_after, matching)
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
        names = [actor_name(G_after, k) if k in G_after else actor_name(G_before, origin[k]) for k in pair]
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
    for actors that left or were ambiguous in the earlier wave, as ``"before:<id>"`` when a later
    actor has that id, as can happen when matching by name), ``before_id``, ``name``,
    ``status`` (``matched``, ``new``, ``left``; ambiguous actors count as new or left). For each
    of :data:`MEASURES`: ``<m>_before``, ``<m>_after`` and ``<m>_delta = after − before``
    (missing when the actor is absent from a wave). Role flags per wave: ``broker_*``
    (:func:`broker_flags`) and ``single_point_*`` (articulation point: removing the actor
    disconnects others). ``role_change`` lists the role changes of matched actors in English,
    ``role_change_keys`` the same as keys of :data:`ROLE_PHRASES`.
    Rows are sorted by status, then id.
    """
    table = matching.table
    after_ids = set(after.actors.index)
    items = []
    for b, a in zip(table["before_id"], table["after_id"], strict=True):
        status = "matched" if a is not None and b is not None else "new" if a is not None else "left"
        key = a if a is not None else b
        while status == "left" and key in after_ids:  # matched by name, an id can stay behind in both waves
            key = f"before:{key}"
        items.append((key, b, status))
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
