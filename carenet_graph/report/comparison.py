"""compare.html: what changed between two waves, as a map, a plain-language story and a table.

The map shows the later wave plus the actors that left; the changed ties are drawn bold over a
pale grey rest: new ties green, ended ties red and dashed, ties that grew closer blue, weaker
ones orange (Okabe–Ito colours), and every actor with a changed tie is named. Under the map a
table names each changed pair with its level before and now in words
(:func:`change_table`). The narrative is built from the comparison's summary in the chosen
language. The page is a map page (:func:`carenet_graph.viz.map.render_map`: CSP by script
hashes, escaped JSON data, offline; printed as a static picture with its legend, then the
table) whose :class:`~carenet_graph.viz.mapdata.MapData` carries the narrative and the table.

:func:`compare_waves` is the library twin of ``carenet compare``: it compares, and with
``output`` writes the tables, ``summary.json`` and ``compare.html``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.gaps.rules import Rule
from carenet_graph.locale import Locale, as_locale
from carenet_graph.output.files import atomic_write_text
from carenet_graph.viz.map import map_data, render_map
from carenet_graph.viz.mapdata import DetailTable, LegendItem, MapData, MapEdge, MapNode, Narrative, network_title
from carenet_graph.waves import Comparison, compare, write_comparison

__all__ = ["CHANGE_STYLE", "change_table", "compare_waves", "comparison_map", "comparison_page", "narrative",
           "union_graph"]

CHANGE_STYLE: dict[str, dict[str, Any]] = {
    "added": {"color": {"color": "#009E73"}, "width": 5.0, "dashes": False},
    "removed": {"color": {"color": "#D55E00"}, "width": 4.0, "dashes": [8, 6]},
    "level_up": {"color": {"color": "#0072B2"}, "width": 4.5, "dashes": False},
    "level_down": {"color": {"color": "#E69F00"}, "width": 4.0, "dashes": False},
}
LEGEND_KEYS = {"added": "compare_legend_added", "removed": "compare_legend_removed",
               "level_up": "compare_legend_up", "level_down": "compare_legend_down"}
# Actors are drawn neutral: the colours on this map belong to the changes. Those with a changed
# tie are darker (and named), the rest pale, like the ties that did not change.
ACTOR_COLOR = "#C4D3E3"
CHANGED_ACTOR_COLOR = "#5B84B1"
LEFT_ACTOR_COLOR = "#E0E0E0"
UNCHANGED_TIE = {"color": "#B4B4B4", "opacity": 0.4}
LEFT_PREFIX = "before:"
#: The changed pairs listed on the page at most (all are in tie_changes.csv).
TABLE_ROWS = 300


def union_graph(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, pairs: dict[Hashable, Hashable],
                tie_changes: pd.DataFrame) -> nx.MultiDiGraph:
    """The later wave plus the actors that left and the ties that ended (for drawing).

    Parameters
    ----------
    G_before, G_after:
        The two waves; not modified.
    pairs:
        Matched before-id → after-id (:attr:`carenet_graph.waves.Matching.pairs`).
    tie_changes:
        The tie changes (:func:`carenet_graph.waves.tie_changes`).

    Returns
    -------
    networkx.MultiDiGraph
        A copy of ``G_after`` with each unmatched earlier actor added as ``"before:<id>"`` (name,
        type, sector, municipality and coordinates only) and each removed tie between actors
        present as an edge with ``removed=True``.
    """
    U = G_after.copy()
    matched_before = set(pairs)
    for v, data in G_before.nodes(data=True):
        if v not in matched_before:
            U.add_node(f"{LEFT_PREFIX}{v}", **{k: x for k, x in data.items() if k in ("name", "type", "sector",
                                                                                      "municipality", "lat", "lon")})
    removed = tie_changes[tie_changes["change"] == "removed"]
    for a, b, level in removed[["actor_a", "actor_b", "level_before"]].itertuples(index=False, name=None):
        if str(a) in U and str(b) in U:
            U.add_edge(str(a), str(b), level=None if level is None or level != level else int(level), removed=True)
    return U


def _restyled_edges(edges: Iterable[MapEdge], tie_changes: pd.DataFrame,
                    loc: Locale) -> tuple[tuple[MapEdge, ...], list[str], set[str]]:
    """Edges styled by their change (the rest pale), the changes that occur (for the legend), and
    the actors at the ends of a changed tie."""
    change_of: dict[frozenset[str], str] = {
        frozenset((str(r.actor_a), str(r.actor_b))): str(r.change) for r in tie_changes.itertuples(index=False)}
    out: list[MapEdge] = []
    used: set[str] = set()
    ends: set[str] = set()
    for edge in edges:
        change = change_of.get(frozenset((edge["from"], edge["to"])))
        if change in CHANGE_STYLE:
            style = CHANGE_STYLE[change]
            edge = {**edge, "color": style["color"], "width": style["width"], "dashes": style["dashes"],
                    "tip": [*edge["tip"], loc.t(LEGEND_KEYS[change])]}
            used.add(change)
            ends |= {edge["from"], edge["to"]}
        elif not edge.get("suggested"):
            edge = {**edge, "color": dict(UNCHANGED_TIE), "width": 1.0, "dashes": False}
        out.append(edge)
    return tuple(out), [c for c in CHANGE_STYLE if c in used], ends


def _neutral_nodes(nodes: Iterable[MapNode], loc: Locale, changed: set[str]) -> tuple[MapNode, ...]:
    out: list[MapNode] = []
    # Actors with a changed tie are named first (pinned), in their usual order of importance.
    ordered = sorted(nodes, key=lambda n: (n["id"] not in changed, n["rank"]))
    for rank, node in enumerate(ordered):
        left = node["id"].startswith(LEFT_PREFIX)
        tip = [*node["tip"], loc.t("compare_left_actor")] if left else node["tip"]
        color = LEFT_ACTOR_COLOR if left else CHANGED_ACTOR_COLOR if node["id"] in changed else ACTOR_COLOR
        styled: MapNode = {**node, "color": color, "tip": tip, "rank": rank}
        if node["id"] in changed:
            styled["pinned"] = True
        out.append(styled)
    order = {node["id"]: i for i, node in enumerate(nodes)}
    return tuple(sorted(out, key=lambda n: order[n["id"]]))


def _level_words(value: Any, loc: Locale) -> str:
    if value is None or value != value:
        return loc.t("compare.level_unknown")
    level = int(value)
    return loc.t("map.level", level=level, words=loc.label("level", level))


def change_table(tie_changes: pd.DataFrame, locale: Locale | str | None = None,
                 limit: int = TABLE_ROWS) -> DetailTable:
    """The changed pairs as a table for the page: the change in words, both actors' names, and
    the level before and now in words ("no tie" where there was or is none).

    Parameters
    ----------
    tie_changes:
        :attr:`carenet_graph.waves.Comparison.tie_changes`.
    locale:
        Language of the words.
    limit:
        Rows shown at most (added first, then ended, closer, weaker; by names); a note counts the rest.
    """
    loc = as_locale(locale)
    rank = {change: i for i, change in enumerate(CHANGE_STYLE)}
    rows = sorted((r for r in tie_changes.itertuples(index=False) if str(r.change) in rank),
                  key=lambda r: (rank[str(r.change)], str(r.name_a).casefold(), str(r.name_b).casefold(),
                                 str(r.actor_a), str(r.actor_b)))
    none = loc.t("compare.no_tie")
    cells = tuple((loc.t(LEGEND_KEYS[str(r.change)]), str(r.name_a), str(r.name_b),
                   none if r.change == "added" else _level_words(r.level_before, loc),
                   none if r.change == "removed" else _level_words(r.level_after, loc)) for r in rows[:limit])
    note = (loc.t("compare.more_rows", count=len(rows) - limit) if len(rows) > limit
            else None if rows else loc.t("compare.no_changes"))
    header = tuple(loc.t(f"compare.col_{c}") for c in ("change", "actor", "partner", "before", "after"))
    return DetailTable(loc.t("compare.table_heading"), header, cells, note)


def comparison_map(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, comparison: Comparison, *,
                   locale: Locale | str | None = None, title: str | None = None, seed: int = 0) -> MapData:
    """The comparison's map: the union of both waves, ties styled by their change, the story on top.

    Parameters
    ----------
    G_before, G_after:
        The two waves compared; not modified.
    comparison:
        Their :class:`~carenet_graph.waves.Comparison` (:func:`carenet_graph.waves.compare`).
    locale:
        Language and vocabulary of the texts.
    title:
        The heading; when None the network's name (:func:`~carenet_graph.viz.mapdata.network_title`)
        and the catalogue's ``compare_title``.
    seed:
        Seed of the layout.
    """
    loc = as_locale(locale)
    U = union_graph(G_before, G_after, comparison.matching.pairs, comparison.tie_changes)
    heading = title or f"{network_title(G_after, loc)}: {loc.t('compare_title')}"
    base = map_data(U, locale=loc, title=heading, seed=seed)
    edges, used, changed = _restyled_edges(base.edges, comparison.tie_changes, loc)
    legend = tuple(LegendItem(color=CHANGE_STYLE[c]["color"]["color"], label=loc.t(LEGEND_KEYS[c]), line=True,
                              dashed=bool(CHANGE_STYLE[c]["dashes"])) for c in used)
    story = Narrative(loc.t("compare_narrative"), tuple(narrative(comparison.summary, loc)))
    notes = (loc.t("compare.legend_unchanged"), loc.t("compare.legend_named"))
    return replace(base, nodes=_neutral_nodes(base.nodes, loc, changed), edges=edges, legend=legend, narrative=story,
                   details=change_table(comparison.tie_changes, loc), legend_notes=notes)


def comparison_page(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, comparison: Comparison, *,
                    locale: Locale | str | None = None, title: str | None = None, seed: int = 0) -> str:
    """The compare.html page: :func:`comparison_map` rendered by :func:`~carenet_graph.viz.map.render_map`."""
    return render_map(comparison_map(G_before, G_after, comparison, locale=locale, title=title, seed=seed))


def _names(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values) if values else "–"


def narrative(summary: dict[str, Any], locale: Locale | str | None = None) -> list[str]:
    """Plain-language sentences on the main changes, from a comparison summary.

    Parameters
    ----------
    summary:
        :attr:`carenet_graph.waves.Comparison.summary`.
    locale:
        Language of the sentences (a :class:`~carenet_graph.locale.Locale`, a language code, or
        None for English).

    Returns
    -------
    list of str
        Actors matched, new and left; ids whose names differ; ambiguous names; ties added, ended,
        closer and weaker; density and components; municipalities newly linked and still
        unlinked; single bridges still there; gaps closed and new; rules newly met (each only when
        there is something to say).

    No sentence states a change that rests on actors found in one wave only: ties added and
    ended, municipalities newly linked and new gaps count actors present in both waves, and
    what involves the others is said separately, as such.
    """
    loc = as_locale(locale)
    t = loc.t
    lines = []
    actors = summary.get("actors", {})
    lines.append(t("compare_actors", matched=actors.get("matched", 0), new=actors.get("new", 0),
                   left=actors.get("left", 0)))
    if actors.get("id_name_differs"):
        lines.append(t("compare_names_differ", count=actors["id_name_differs"]))
    if actors.get("ambiguous"):
        lines.append(t("compare_ambiguous", count=actors["ambiguous"]))
    ties = summary.get("ties", {})
    apart = summary.get("ties_of_unmatched_actors") or {}
    added, removed = apart.get("added", 0), apart.get("removed", 0)
    # Ties of actors found in one wave only are no change between the same actors: said apart.
    lines.append(t("compare_ties_both" if added or removed else "compare_ties",
                   added=ties.get("added", 0) - added, removed=ties.get("removed", 0) - removed,
                   up=ties.get("level_up", 0), down=ties.get("level_down", 0)))
    if added or removed:
        lines.append(t("compare_ties_unmatched", added=added, removed=removed))
    network = summary.get("network", {})
    density, parts = network.get("density", {}), network.get("components", {})
    if density and parts:
        def fmt(value: Any) -> str:
            # In the reader's number format ("0,043" in German, Dutch and Swedish).
            return "–" if value is None else loc.number(value, 3) if isinstance(value, float) else loc.number(value)

        lines.append(t("compare_density", before=fmt(density.get("before")), after=fmt(density.get("after")),
                       cb=fmt(parts.get("before")), ca=fmt(parts.get("after"))))
    linked = summary.get("municipalities_newly_linked") or []
    if linked:
        lines.append(t("compare_linked", count=len(linked), names=_names(linked)))
    through = summary.get("municipalities_linked_through_unmatched_actors") or []
    if through:
        lines.append(t("compare_linked_unmatched", count=len(through), names=_names(through)))
    unlinked = summary.get("municipalities_still_unlinked") or []
    if unlinked:
        lines.append(t("compare_unlinked", names=_names(unlinked)))
    for municipality, _ident, name in summary.get("single_bridge_still") or []:
        lines.append(t("compare_bridge", municipality=municipality, name=name))
    lines.append(t("compare_gaps", closed=len(summary.get("gaps_closed") or []),
                   new=len(summary.get("new_gaps") or [])))
    unmatched_gaps = summary.get("gaps_of_unmatched_actors") or []
    if unmatched_gaps:
        lines.append(t("compare_gaps_unmatched", count=len(unmatched_gaps)))
    met = summary.get("rules_newly_met") or {}
    if met:
        lines.append(t("compare_rules", rules=_names(sorted(met))))
    return lines


def compare_waves(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, *, rules: Iterable[Rule] | None = None,
                  locale: Locale | str | None = None, seed: int = 0, output: str | Path | None = None,
                  match_by: str = "auto", csv: str = "machine") -> Comparison:
    """Compare two waves and, with ``output``, write everything ``carenet compare`` writes.

    Runs :func:`carenet_graph.waves.compare` (``rules``, ``seed``, ``locale``, ``match_by``);
    when it refuses the matching, nothing is written. With ``output``
    (a folder), writes ``tie_changes.csv``, ``actor_changes.csv``, ``actor_matching.csv``,
    ``summary.json`` and ``compare.xlsx`` (:func:`carenet_graph.waves.write_comparison`), then ``compare.html``
    (:func:`comparison_page`), each atomically.

    Parameters
    ----------
    G_before, G_after:
        The earlier and the later wave (lossless multigraphs); not modified.
    rules:
        Expected-collaboration rules (the package rules when None).
    locale:
        Language and vocabulary of the texts (a :class:`~carenet_graph.locale.Locale`, a
        language code, or None for English and the built-in vocabulary).
    seed:
        Seed of the analyses and of the map layout.
    output:
        The folder to write into; nothing is written when None.
    match_by:
        How actors are matched: ``"auto"`` (by id, then by name for the rest; refused when too
        many ids pair organisations of different names), ``"id"`` or ``"name"``
        (:func:`carenet_graph.waves.match_actors`).
    csv:
        ``"machine"`` (comma, decimal point) or ``"excel"`` (what Excel in the locale's language
        opens by double-click; :func:`carenet_graph.output.dialects.csv_dialect`).

    Returns
    -------
    Comparison
        The comparison; ``written`` lists the files written (tables, ``summary.json``, then
        ``compare.html``), empty without ``output``.

    Raises
    ------
    MatchingError
        The waves have no actor in common, or (``auto``) more than a tenth of the ids present in
        both waves name different organisations (:func:`carenet_graph.waves.check_matching`).

    Warns
    -----
    WaveMatchWarning
        Some actors matched by id have names that disagree (their ids are listed).

    Examples
    --------
    >>> result = compare_waves(G_2024, G_2025, locale="de", output="vergleich")  # doctest: +SKIP
    >>> print("\\n".join(narrative(result.summary, "de")))  # doctest: +SKIP
    """
    loc = as_locale(locale)
    result = compare(G_before, G_after, rules=rules, seed=seed, locale=loc, match_by=match_by)
    if output is None:
        return result
    written = write_comparison(result, output, locale=loc, csv=csv)
    page = Path(output) / "compare.html"
    atomic_write_text(page, comparison_page(G_before, G_after, result, locale=loc, seed=seed))
    return replace(result, written=(*written, page))
