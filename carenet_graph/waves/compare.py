"""Change over time: compare two survey waves of the same care network (:func:`compare`).

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

import warnings
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.analysis.run import Analysis, analyze
from carenet_graph.gaps.rules import Rule
from carenet_graph.gaps.run import GapReport, find_gaps
from carenet_graph.gaps.scorecards import NETWORK_TYPES
from carenet_graph.i18n.formatting import english_plural
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import MUNICIPALITY, TYPE, collapse
from carenet_graph.output.columns import figure_position
from carenet_graph.output.dialects import csv_dialect
from carenet_graph.output.office import OfficeSheet
from carenet_graph.output.tables import frame_rows, json_safe, write_table_folder
from carenet_graph.vocabulary import text_key
from carenet_graph.waves.changes import BROKER_TOP_SHARE, CHANGE_ORDER, actor_changes, tie_changes
from carenet_graph.waves.matching import (
    MATCH_ORDER,
    Matching,
    WaveMatchWarning,
    actor_name,
    check_matching,
    id_list,
    match_actors,
)


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


def _linked_through(G: nx.MultiDiGraph, actors: set[Hashable]) -> set[str]:
    """Municipality keys with a tie (as the scorecards count it) between one of ``actors`` there
    and a palliative network actor that is also one of ``actors``."""
    H = collapse(G, mode="undirected", combine="max")
    out = set()
    for v, place in G.nodes(data=MUNICIPALITY):
        if place is not None and v in actors and v in H and any(
                w in actors and G.nodes[w].get(TYPE) in NETWORK_TYPES for w in H[v]):
            out.add(text_key(str(place)))
    return out


def _bridges(cards: pd.DataFrame) -> dict[str, set[str]]:
    return {text_key(str(m)): {s for s in str(ids or "").split(";") if s}
            for m, ids in zip(cards["municipality"], cards["single_bridge_actors"], strict=True)}


def _summary(G_after: nx.MultiDiGraph, before: Analysis, after: Analysis, gaps_before: GapReport, gaps_after: GapReport,
             matching: Matching, ties: pd.DataFrame) -> dict[str, Any]:
    kinds = matching.table["match"].value_counts()
    actors = {k: int(kinds.get(k, 0)) for k in MATCH_ORDER}
    actors["matched"] = actors["id"] + actors["id_name_differs"] + actors["name"]
    changes = ties["change"].value_counts()
    # Every change the summary states rests on actors of both waves; what rests on actors found in
    # one wave only is counted apart, so that a narrative can say so.
    both = set(matching.pairs.values())
    unmatched_ties = ties[ties["change"].isin(("added", "removed"))
                          & ~(ties["actor_a"].isin(both) & ties["actor_b"].isin(both))]["change"].value_counts()
    old_gaps = _gap_keys(gaps_before.gaps, matching.pairs)
    new_gaps = _gap_keys(gaps_after.gaps, {v: v for v in G_after})

    def listed(keys: Iterable[tuple[Hashable, str]]) -> list[list[Any]]:
        return [[a, actor_name(G_after, a), r] for a, r in sorted(keys, key=lambda k: (k[1], str(k[0])))]

    unmet_before = gaps_before.gaps[gaps_before.gaps["actor"].isin(set(matching.pairs))]["rule"].astype(str)
    unmet_after = gaps_after.gaps[gaps_after.gaps["actor"].isin(both)]["rule"].astype(str)
    counts_before, counts_after = unmet_before.value_counts(), unmet_after.value_counts()
    newly_met = {str(r): {"unmet_before": int(counts_before[r]), "unmet_after": int(counts_after.get(r, 0))}
                 for r in sorted(counts_before.index) if counts_after.get(r, 0) < counts_before[r]}
    # A municipality absent from a wave has no actors there, so it was not linked then.
    was, now = _linked(gaps_before.scorecards), _linked(gaps_after.scorecards)
    linked_before = {k for k, (_, linked) in was.items() if linked}
    linked_after = {k for k, (_, linked) in now.items() if linked}
    through_both = _linked_through(G_after, both)
    place = {**{k: name for k, (name, _) in was.items()}, **{k: name for k, (name, _) in now.items()}}
    renamed = {str(b): str(a) for b, a in matching.pairs.items()}
    old_bridges, new_bridges = _bridges(gaps_before.scorecards), _bridges(gaps_after.scorecards)
    after_ids = {str(v): v for v in G_after}  # scorecards join ids as text
    still: list[list[Any]] = []
    for key in sorted(old_bridges.keys() & new_bridges.keys(), key=lambda k: place[k]):
        same = {renamed[b] for b in old_bridges[key] if b in renamed} & new_bridges[key]
        still.extend([place[key], after_ids[s], actor_name(G_after, after_ids[s])] for s in sorted(same))
    differ = matching.table[matching.table["match"] == "id_name_differs"]
    return {
        "match_by": matching.match_by,
        "network": _figures(before, after),
        "actors": actors,
        "names_differ": sorted(([b, nb, na] for b, nb, na in differ[["before_id", "name_before", "name_after"]]
                                .itertuples(index=False, name=None)), key=lambda r: str(r[0])),
        "ties": {c: int(changes.get(c, 0)) for c in CHANGE_ORDER},
        "ties_of_unmatched_actors": {c: int(unmatched_ties.get(c, 0)) for c in ("added", "removed")},
        "gaps_closed": listed(old_gaps - new_gaps),
        "new_gaps": listed(k for k in new_gaps - old_gaps if k[0] in both),
        "gaps_of_unmatched_actors": listed(k for k in new_gaps if k[0] not in both),
        "rules_newly_met": newly_met,
        "municipalities_newly_linked": sorted(place[k] for k in (linked_after - linked_before) & through_both),
        "municipalities_linked_through_unmatched_actors": sorted(place[k] for k in linked_after - linked_before
                                                                 - through_both),
        "municipalities_no_longer_linked": sorted(place[k] for k in linked_before - linked_after),
        "municipalities_still_unlinked": sorted(place[k] for k in now.keys() - linked_after - linked_before),
        "single_bridge_still": still,
        "rules": sorted({rule.id for rule in gaps_after.rules}),
        "broker_definition": (f"brokerage_total > 0 and betweenness > 0 among the top {BROKER_TOP_SHARE:.0%} "
                              "of actors of the wave by betweenness"),
    }


def compare(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, *, rules: Iterable[Rule] | None = None,
            seed: int = 0, locale: Locale | str | None = None, match_by: str = "auto") -> Comparison:
    """Compare two waves: matching, tie and actor changes, and a summary of what changed.

    Matches the actors with :func:`match_actors` (``match_by``: ``"auto"`` by id then by name,
    ``"id"`` or ``"name"``) and checks the matching with :func:`check_matching` before any other
    work: no actor in common, or (``auto``) ids that pair differently named organisations too
    often, raise :class:`~carenet_graph.errors.MatchingError`; a few ids whose names disagree
    give a :class:`WaveMatchWarning` naming their ids. Then runs
    :func:`~carenet_graph.analysis.analyze` (seeded with ``seed``) and
    :func:`~carenet_graph.gaps.find_gaps` (``rules``; the package rules when None; texts and
    vocabulary from ``locale``) on both waves. The inputs are not modified.

    ``summary`` (JSON-safe) holds

    * ``match_by`` – the matching mode;
    * ``network`` – each numeric network figure (nested ones as dotted keys such as
      ``paths.diameter``) with ``before``, ``after`` and ``delta``;
    * ``actors`` – counts per match kind (``id``, ``id_name_differs``, ``name``, ``new``,
      ``left``, ``ambiguous``; disjoint) and ``matched`` = id + id_name_differs + name;
      ``names_differ`` – ``[id, name before, name after]`` of the actors matched by id whose
      names disagree;
    * ``ties`` – counts per tie change; ``ties_of_unmatched_actors`` – how many of the added and
      removed ties have an end found in one wave only (new, left or ambiguous actors);
    * ``gaps_closed`` / ``new_gaps`` – ``[after-id, name, rule]`` of gap instances (actor × unmet
      rule) of actors in both waves, keyed by the after-id: a before gap absent after is closed
      (the tie now exists, or the rule no longer applies to the actor); an after gap absent
      before is new; ``gaps_of_unmatched_actors`` – the after gaps of actors not in the earlier wave;
    * ``rules_newly_met`` – rule id → ``unmet_before``, ``unmet_after`` (counted over the actors in
      both waves) for rules with fewer unmet instances after than before;
    * ``municipalities_newly_linked`` – municipalities linked to the palliative network (the
      scorecards' ``linked_to_network``) after and not before, through a tie between two actors
      in both waves; ``municipalities_linked_through_unmatched_actors`` – the other newly linked
      ones, whose every link has an end not in the earlier wave; ``_no_longer_linked`` /
      ``_still_unlinked`` (a municipality absent from a wave counts as unlinked then; names
      compared by :func:`~carenet_graph.vocabulary.text_key`);
    * ``single_bridge_still`` – ``[municipality, after-id, name]`` where the same (matched)
      actor is the single bridge (scorecard ``single_bridge_actors``) in both waves.
    """
    chosen = tuple(rules) if rules is not None else None
    matching = match_actors(G_before, G_after, match_by=match_by)
    check_matching(matching)
    if matching.disagreements:
        n = len(matching.disagreements)
        warnings.warn(f"{english_plural(n, 'actor matched by id has', 'actors matched by id have')} a different "
                      f"name in each wave ({english_plural(n, 'id', with_count=False)} "
                      f"{id_list(matching.disagreements)}); check {english_plural(n, 'it', 'them', with_count=False)} "
                      "in actor_matching.csv (match: id_name_differs)", WaveMatchWarning, stacklevel=2)
    ties = tie_changes(G_before, G_after, matching)
    before, after = analyze(G_before, seed=seed), analyze(G_after, seed=seed)
    loc = as_locale(locale)
    gaps_before = find_gaps(G_before, chosen, locale=loc)
    gaps_after = find_gaps(G_after, chosen, locale=loc)
    actors = actor_changes(before, after, matching)
    summary = json_safe(_summary(G_after, before, after, gaps_before, gaps_after, matching, ties))
    return Comparison(matching, ties, actors, summary, before, after, gaps_before, gaps_after)


def _earlier_id(key: object) -> str:
    text = str(key)
    while text.startswith("before:"):
        text = text[len("before:"):]
    return text


def write_comparison(comparison: Comparison, folder: str | Path, *, locale: Locale | str | None = None,
                     csv: str = "machine") -> list[Path]:
    """Write ``tie_changes.csv``, ``actor_changes.csv``, ``actor_matching.csv``, ``summary.json``
    and ``compare.xlsx`` (atomically and formula-safe, see :mod:`carenet_graph.output.tables`).

    The CSV files hold ids and raw values in the CSV style ``csv`` (``"machine"`` or ``"excel"``,
    :func:`~carenet_graph.output.dialects.csv_dialect`). ``compare.xlsx`` shows the network
    figures before and after with their change, and the three tables, in the language of
    ``locale`` (the comparison's own when None) with words for codes and labels for ids
    (:mod:`carenet_graph.output.office`).
    """
    own = comparison.gaps_after.locale
    # A language code keeps the comparison's vocabulary (a user's own labels reach the workbook too).
    loc = locale if isinstance(locale, Locale) else Locale(locale, own.vocabulary) if locale else own
    tables = {"tie_changes": frame_rows(comparison.tie_changes), "actor_changes": frame_rows(comparison.actor_changes),
              "actor_matching": frame_rows(comparison.matching.table)}
    figures = [[key, *(change.get(k) for k in ("before", "after", "delta"))]
               for key, change in sorted(comparison.summary.get("network", {}).items(),
                                         key=lambda item: figure_position(item[0]))]
    # Actors of the earlier wave only are keyed "before:<id>" in the tables; a reader sees their own id.
    earlier = {"actor_a": _earlier_id, "actor_b": _earlier_id}
    office = [OfficeSheet("figures", ["figure", "before", "after", "delta"], figures),
              OfficeSheet("tie_changes", *tables["tie_changes"], words=earlier),
              OfficeSheet("actor_changes", *tables["actor_changes"],
                          kinds={"id": lambda row: "blank" if row.get("status") == "left" else "id"}),
              OfficeSheet("actor_matching", *tables["actor_matching"])]
    return write_table_folder(folder, tables, documents={"summary": comparison.summary}, workbook="compare.xlsx",
                              office=office, locale=loc, dialect=csv_dialect(csv, loc.lang))
