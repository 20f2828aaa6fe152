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
from carenet_graph.output.tables import frame_rows, json_safe, write_table_folder
from carenet_graph.vocabulary import text_key
from carenet_graph.waves.changes import BROKER_TOP_SHARE, CHANGE_ORDER, actor_changes, tie_changes
from carenet_graph.waves.matching import MATCH_ORDER, Matching, actor_name, match_actors


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
        return [[a, actor_name(G_after, a), r] for a, r in sorted(keys, key=lambda k: (k[1], str(k[0])))]

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
        still.extend([place[key], after_ids[s], actor_name(G_after, after_ids[s])] for s in sorted(same))
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
