"""Which actor of the earlier wave is which actor of the later one: by id, then by normalised
name, never by guess (:func:`match_actors`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.network import NAME
from carenet_graph.vocabulary import text_key

# Output order: what needs the user's attention first.
MATCH_ORDER = ("ambiguous", "new", "left", "name", "id")
MATCH_COLUMNS = ["before_id", "after_id", "name_before", "name_after", "match"]


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


def actor_name(G: nx.Graph, v: Hashable) -> Any:
    """The actor's name attribute (None when it has none)."""
    return G.nodes[v].get(NAME)


def name_key(G: nx.Graph, v: Hashable) -> str:
    """The actor's name compared ignoring case and spacing (its id when it has no name)."""
    # Actors inferred from ties carry no name; their id is the name the data gave them.
    name = actor_name(G, v)
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
                rest.setdefault(name_key(G, v), []).append(v)
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
        name_after = actor_name(G_after, after) if after is not None else None
        rows.append([v, after, actor_name(G_before, v), name_after, kind])
    for v in G_after:
        if v not in matched_after:
            rows.append([None, v, None, actor_name(G_after, v), "ambiguous" if v in doubtful else "new"])

    def order(row: list[Any]) -> tuple[Any, ...]:
        name = row[3] if row[3] is not None else row[2]
        return (MATCH_ORDER.index(row[4]), text_key(str(name or "")), str(row[0]), str(row[1]))

    rows.sort(key=order)
    table = pd.DataFrame(rows, columns=MATCH_COLUMNS, dtype=object)
    return Matching(pairs=pairs, table=table, ambiguous=tuple(sorted(ambiguous, key=str)))
