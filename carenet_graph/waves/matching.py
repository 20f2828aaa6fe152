"""Which actor of the earlier wave is which actor of the later one: by id, by normalised name,
or both, never by guess (:func:`match_actors`), and whether that matching is safe to compare on
(:func:`check_matching`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.errors import MatchingError, OptionError
from carenet_graph.network import NAME
from carenet_graph.vocabulary import text_key
from carenet_graph.waves.names import names_agree

#: How actors are matched: ``auto`` (by id, then by name; refused when ids pair different names),
#: ``id`` (by id only) or ``name`` (by name only).
MATCH_MODES = ("auto", "id", "name")
# Output order: what needs the user's attention first.
MATCH_ORDER = ("ambiguous", "id_name_differs", "new", "left", "name", "id")
MATCH_COLUMNS = ["before_id", "after_id", "name_before", "name_after", "match"]
#: ``auto`` refuses when more than this share of the actors matched by id have names that disagree ...
REFUSE_SHARE = 0.1
#: ... and at least this many of them (one or two renamed organisations in a small network are a warning).
REFUSE_MIN_PAIRS = 3
#: Ids quoted in a message (the rest are counted).
IDS_SHOWN = 10


class WaveMatchWarning(UserWarning):
    """Actors matched by id whose names disagree (:attr:`Matching.disagreements` lists them)."""


@dataclass(frozen=True)
class Matching:
    """Actors of two waves matched to each other (see :func:`match_actors`).

    ``pairs`` maps each matched before-id to its after-id; ``table`` has one row per actor of
    either wave (columns ``before_id, after_id, name_before, name_after, match``); ``ambiguous``
    lists the ids (of either wave) left unmatched because their name was not unique;
    ``disagreements`` the ids matched by id whose names disagree (:func:`~carenet_graph.waves.names.names_agree`);
    ``match_by`` the mode of :data:`MATCH_MODES` used.
    """

    pairs: dict[Hashable, Hashable]
    table: pd.DataFrame
    ambiguous: tuple[Hashable, ...]
    disagreements: tuple[Hashable, ...] = ()
    match_by: str = "auto"

    @property
    def matched_by_id(self) -> int:
        """How many actors were matched by their id (names agreeing or not)."""
        return sum(1 for kind in self.table["match"] if kind in ("id", "id_name_differs"))


def actor_name(G: nx.Graph, v: Hashable) -> Any:
    """The actor's name attribute (None when it has none)."""
    return G.nodes[v].get(NAME)


def name_key(G: nx.Graph, v: Hashable) -> str:
    """The actor's name compared ignoring case and spacing (its id when it has no name)."""
    # Actors inferred from ties carry no name; their id is the name the data gave them.
    name = actor_name(G, v)
    return text_key(str(name if name is not None else v))


def id_list(ids: tuple[Hashable, ...] | list[Hashable], shown: int = IDS_SHOWN) -> str:
    """``"a, b, c"``, or the first ``shown`` ids and ``"… (+N)"`` for the rest."""
    text = ", ".join(str(i) for i in ids[:shown])
    return f"{text}, … (+{len(ids) - shown})" if len(ids) > shown else text


def match_actors(G_before: nx.Graph, G_after: nx.Graph, *, match_by: str = "auto") -> Matching:
    """Match the actors of two waves: by id, by normalised name, or both; never by guess.

    With ``match_by="auto"`` (the default) and ``"id"``:

    1. An id present in both waves is the same actor (``match = "id"``). When both actors have a
       name and the names disagree (:func:`~carenet_graph.waves.names.names_agree`: not the same
       words up to case, spacing, punctuation, diacritics, legal forms, added words and typos),
       the pair is still matched but marked ``"id_name_differs"`` and listed in
       ``disagreements``: :func:`check_matching` warns about a few and, in ``auto``, refuses many.

    With ``"auto"`` and ``"name"`` (which skips step 1):

    2. Among the actors still unmatched, equal name keys (:func:`carenet_graph.vocabulary.text_key`:
       NFKC, case folded, separators as spaces, spaces collapsed; the normalisation used when
       loading) match (``"name"``) when the key belongs to exactly one unmatched actor in each wave.
    3. A key shared by unmatched actors of both waves but by more than one of them on either side
       is *ambiguous*: all those actors stay unmatched (``"ambiguous"``) for the user to resolve,
       since picking one would silently invent a history.

    In every mode:

    4. The rest are ``"new"`` (later wave only) or ``"left"`` (earlier wave only).

    Parameters
    ----------
    G_before, G_after:
        The two waves (any networkx graphs whose nodes are actor ids with a ``name`` attribute).
    match_by:
        One of :data:`MATCH_MODES`.

    Returns
    -------
    Matching
        ``table`` is sorted by match kind (ambiguous, id_name_differs, new, left, name, id: what
        needs checking first), then name key and ids.

    Raises
    ------
    OptionError
        ``match_by`` is not one of :data:`MATCH_MODES`.
    """
    if match_by not in MATCH_MODES:
        raise OptionError(f"match_by must be one of {', '.join(MATCH_MODES)}, not '{match_by}'",
                          hint="Use 'auto' (by id, then by name), 'id' or 'name'.",
                          key="waves.match_by_unknown",
                          values={"choices": ", ".join(MATCH_MODES), "value": match_by})
    pairs: dict[Hashable, Hashable] = {} if match_by == "name" else {v: v for v in G_before if v in G_after}
    differs = {v for v in pairs if not names_agree(actor_name(G_before, v), actor_name(G_after, v))}
    rest_before: dict[str, list[Hashable]] = {}
    rest_after: dict[str, list[Hashable]] = {}
    ambiguous: tuple[list[Hashable], list[Hashable]] = ([], [])  # per wave: ids may clash in "name" mode
    by_name: set[Hashable] = set()
    if match_by != "id":
        matched_after = set(pairs.values())
        for G, rest, taken in ((G_before, rest_before, pairs), (G_after, rest_after, matched_after)):
            for v in G:
                if v not in taken:
                    rest.setdefault(name_key(G, v), []).append(v)
        for key in sorted(rest_before.keys() & rest_after.keys()):
            olds, news = rest_before[key], rest_after[key]
            if not key:  # an empty name says nothing about identity
                continue
            if len(olds) == 1 and len(news) == 1:
                pairs[olds[0]] = news[0]
                by_name.add(olds[0])
            else:
                ambiguous[0].extend(olds)
                ambiguous[1].extend(news)
    return _matching(G_before, G_after, pairs, by_name, differs, ambiguous, match_by)


def _matching(G_before: nx.Graph, G_after: nx.Graph, pairs: dict[Hashable, Hashable], by_name: set[Hashable],
              differs: set[Hashable], ambiguous: tuple[list[Hashable], list[Hashable]], match_by: str) -> Matching:
    """The :class:`Matching` with its table, from the pairs and the kinds of match."""
    doubtful_before, doubtful_after = set(ambiguous[0]), set(ambiguous[1])
    matched_after = set(pairs.values())
    rows: list[list[Any]] = []
    for v in G_before:
        if v in pairs:
            kind = "name" if v in by_name else "id_name_differs" if v in differs else "id"
        else:
            kind = "ambiguous" if v in doubtful_before else "left"
        after = pairs.get(v)
        name_after = actor_name(G_after, after) if after is not None else None
        rows.append([v, after, actor_name(G_before, v), name_after, kind])
    for v in G_after:
        if v not in matched_after:
            rows.append([None, v, None, actor_name(G_after, v), "ambiguous" if v in doubtful_after else "new"])

    def order(row: list[Any]) -> tuple[Any, ...]:
        name = row[3] if row[3] is not None else row[2]
        return (MATCH_ORDER.index(row[4]), text_key(str(name or "")), str(row[0]), str(row[1]))

    rows.sort(key=order)
    table = pd.DataFrame(rows, columns=MATCH_COLUMNS, dtype=object)
    return Matching(pairs=pairs, table=table, ambiguous=tuple(sorted(doubtful_before | doubtful_after, key=str)),
                    disagreements=tuple(sorted(differs, key=str)), match_by=match_by)


def check_matching(matching: Matching) -> None:
    """Refuse a matching that cannot carry a comparison.

    Raises :class:`~carenet_graph.errors.MatchingError` when

    * no actor is matched: the waves have nothing in common, so every actor and tie would be
      "new" or "ended" and every change a fiction;
    * in ``auto`` mode, the names of more than :data:`REFUSE_SHARE` (10 %) of the actors matched
      by id, and of at least :data:`REFUSE_MIN_PAIRS` (3) of them, disagree. Between two yearly
      waves a few organisations are renamed (a few per cent); a later wave that numbers its rows
      afresh pairs nearly every id with another organisation (94–100 % on the bundled examples
      with ids shifted by one to five rows), and one with a row inserted part-way pairs the rest.
      10 % catches a renumbered tail of a tenth of the list and leaves room for real renamings;
      the minimum keeps one or two renamings in a network of under 30 actors a warning.

    The message names ids only (names can be personal data) and suggests ``--match-by name``
    (or ``--match-by id`` when the ids are right and the organisations were renamed).
    """
    if not matching.pairs and matching.match_by == "id":
        raise MatchingError("the two waves have no actor in common (no actor id appears in both), so there is "
                            "nothing to compare",
                            hint="If the later wave numbers its actors differently, match them by name: "
                                 "--match-by name (match_by=\"name\" in Python).",
                            key="waves.no_id_in_common", values={})
    if not matching.pairs and matching.match_by == "name":
        raise MatchingError("the two waves have no actor in common (no actor name appears in both), so there is "
                            "nothing to compare",
                            hint="Check that BEFORE and AFTER are two waves of the same network, or match the "
                                 "actors by id: --match-by id (match_by=\"id\" in Python).",
                            key="waves.no_name_in_common", values={})
    if not matching.pairs:
        raise MatchingError("the two waves have no actor in common (no actor id and no actor name appears in "
                            "both), so there is nothing to compare",
                            hint="Check that BEFORE and AFTER are two waves of the same network.",
                            key="waves.no_actor_in_common", values={})
    differ, by_id = len(matching.disagreements), matching.matched_by_id
    if matching.match_by == "auto" and differ >= REFUSE_MIN_PAIRS and differ > REFUSE_SHARE * by_id:
        ids = id_list(matching.disagreements)
        raise MatchingError(
            f"{differ} of the {by_id} actors matched by id have a different name in each wave "
            f"(ids {ids}): the later wave seems to number its actors differently, "
            "and matching by id would compare different organisations",
            hint="Match the actors by name: carenet compare ... --match-by name (match_by=\"name\" in Python). "
                 "If the ids are right and the organisations were renamed, use --match-by id.",
            key="waves.ids_name_other_actors", values={"differ": differ, "matched": by_id, "ids": ids})
