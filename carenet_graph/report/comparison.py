"""compare.html: what changed between two waves, as a map and a plain-language story.

The map shows the later wave plus the actors that left; new ties are green and thicker, ended
ties red and dashed, ties that grew closer blue, weaker ones orange (Okabe–Ito colours), the
rest grey. The narrative is built from the comparison's summary in the chosen language. The
page is the map template's page (same safety: CSP by script hashes, escaped JSON data,
offline) with the narrative above it.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.i18n import translate
from carenet_graph.viz import map as maphtml
from carenet_graph.vocabulary import Vocabulary

CHANGE_STYLE: dict[str, dict[str, Any]] = {
    "added": {"color": {"color": "#009E73"}, "width": 4.0, "dashes": False},
    "removed": {"color": {"color": "#D55E00"}, "width": 3.0, "dashes": [6, 6]},
    "level_up": {"color": {"color": "#0072B2"}, "width": 3.5, "dashes": False},
    "level_down": {"color": {"color": "#E69F00"}, "width": 2.5, "dashes": False},
}
LEGEND_KEYS = {"added": "compare_legend_added", "removed": "compare_legend_removed",
               "level_up": "compare_legend_up", "level_down": "compare_legend_down"}


def union_graph(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, pairs: dict[Hashable, Hashable],
                tie_changes: pd.DataFrame) -> nx.MultiDiGraph:
    """The later wave plus the actors that left and the ties that ended (for drawing)."""
    U = G_after.copy()
    matched_before = set(pairs)
    for v, data in G_before.nodes(data=True):
        if v not in matched_before:
            U.add_node(f"before:{v}", **{k: x for k, x in data.items() if k in ("name", "type", "sector",
                                                                                  "municipality", "lat", "lon")})
    removed = tie_changes[tie_changes["change"] == "removed"]
    for a, b, level in removed[["actor_a", "actor_b", "level_before"]].itertuples(index=False, name=None):
        if str(a) in U and str(b) in U:
            U.add_edge(str(a), str(b), level=None if level is None or level != level else int(level), removed=True)
    return U


def comparison_page(G_before: nx.MultiDiGraph, G_after: nx.MultiDiGraph, pairs: dict[Hashable, Hashable],
                    tie_changes: pd.DataFrame, narrative: list[str], *, lang: str = "en", title: str | None = None,
                    seed: int = 0, vocabulary: Vocabulary | None = None) -> str:
    """The compare.html page: narrative and a map with new and ended ties marked."""
    U = union_graph(G_before, G_after, pairs, tie_changes)
    net = maphtml.to_pyvis(U, lang=lang, seed=seed, vocabulary=vocabulary)
    change_of: dict[frozenset[str], str] = {
        frozenset((str(r.actor_a), str(r.actor_b))): str(r.change) for r in tie_changes.itertuples(index=False)}
    used = set()
    for edge in net.edges:
        change = change_of.get(frozenset((edge["from"], edge["to"])))
        if change in CHANGE_STYLE:
            edge.update(CHANGE_STYLE[change])
            edge["tip"] = [*edge.get("tip", []), translate(LEGEND_KEYS[change], lang)]
            used.add(change)
    # Neutral actors: the colours on this map belong to the changes.
    for node in net.nodes:
        node["color"] = "#E0E0E0" if node["id"].startswith("before:") else "#A6BDD7"
        if node["id"].startswith("before:"):
            node["tip"] = [*node["tip"], translate("compare_left_actor", lang)]
    net.carenet["legend"] = [{"color": CHANGE_STYLE[c]["color"]["color"], "label": translate(LEGEND_KEYS[c], lang)}
                             for c in CHANGE_STYLE if c in used]
    page = maphtml.render_map(net, title=title or translate("compare_title", lang), lang=lang)
    return _with_narrative(page, narrative, translate("compare_narrative", lang))


def _with_narrative(page: str, narrative: list[str], heading: str) -> str:
    """Insert the narrative (escaped) right after the map page's header block."""
    from markupsafe import escape

    items = "".join(f"<li>{escape(line)}</li>" for line in narrative)
    block = f'<section id="narrative"><h2>{escape(heading)}</h2><ul>{items}</ul></section>'
    return page.replace("</header>", f"{block}</header>", 1)


def names(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values) if values else "–"


def narrative(summary: dict[str, Any], lang: str = "en") -> list[str]:
    """Plain-language sentences on the main changes, in ``lang``, from a comparison summary."""
    lines = []
    actors = summary.get("actors", {})
    lines.append(translate("compare_actors", lang, matched=actors.get("matched", 0), new=actors.get("new", 0),
                           left=actors.get("left", 0)))
    if actors.get("ambiguous"):
        lines.append(translate("compare_ambiguous", lang, count=actors["ambiguous"]))
    ties = summary.get("ties", {})
    lines.append(translate("compare_ties", lang, added=ties.get("added", 0), removed=ties.get("removed", 0),
                           up=ties.get("level_up", 0), down=ties.get("level_down", 0)))
    network = summary.get("network", {})
    density, parts = network.get("density", {}), network.get("components", {})
    if density and parts:
        def fmt(value: Any) -> str:
            return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)

        lines.append(translate("compare_density", lang, before=fmt(density.get("before")),
                               after=fmt(density.get("after")), cb=fmt(parts.get("before")),
                               ca=fmt(parts.get("after"))))
    linked = summary.get("municipalities_newly_linked") or []
    if linked:
        lines.append(translate("compare_linked", lang, count=len(linked), names=names(linked)))
    unlinked = summary.get("municipalities_still_unlinked") or []
    if unlinked:
        lines.append(translate("compare_unlinked", lang, names=names(unlinked)))
    for municipality, _ident, name in summary.get("single_bridge_still") or []:
        lines.append(translate("compare_bridge", lang, municipality=municipality, name=name))
    lines.append(translate("compare_gaps", lang, closed=len(summary.get("gaps_closed") or []),
                           new=len(summary.get("new_gaps") or [])))
    met = summary.get("rules_newly_met") or {}
    if met:
        lines.append(translate("compare_rules", lang, rules=names(sorted(met))))
    return lines


__all__ = ["comparison_page", "narrative", "union_graph"]
