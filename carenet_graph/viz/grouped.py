"""The grouped view of a network too large to draw actor by actor: one circle per municipality
(or sector), its size growing with the number of actors, one line per pair of groups, its width
growing with the number of ties between them."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.locale import Locale
from carenet_graph.network import SECTOR
from carenet_graph.viz.layout import positions
from carenet_graph.viz.mapdata import MapEdge, MapNode
from carenet_graph.viz.style import node_colors

__all__ = ["grouped_view"]


def _group(value: Any) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) or not str(value).strip():
        return "?"
    return str(value)


def grouped_view(H: nx.Graph, by: str, loc: Locale, seed: int) -> tuple[tuple[MapNode, ...], tuple[MapEdge, ...]]:
    """One node per group of ``H`` by the attribute ``by`` (radius ``10 + 30·sqrt(actors / most)``)
    and one edge per pair of groups with ties between them (width ``1 + 9·ties / most``).

    Parameters
    ----------
    H:
        A collapsed graph.
    by:
        ``municipality`` or ``sector``.
    loc:
        Language of the tooltips (and the sectors' names).
    seed:
        Seed of the force layout of the groups.
    """
    group_of = {v: _group(H.nodes[v].get(by)) for v in H}
    members: dict[str, int] = {}
    for g in group_of.values():
        members[g] = members.get(g, 0) + 1
    R = nx.Graph()
    for g, count in sorted(members.items()):
        R.add_node(g, name=g, count=count)
    for u, v in H.edges():
        a, b = group_of[u], group_of[v]
        if a != b:
            weight = R[a][b]["strength"] + 1 if R.has_edge(a, b) else 1
            R.add_edge(a, b, strength=weight)
    spread = (150 + 40 * math.sqrt(R.number_of_nodes())) / 1000
    xy = {g: (round(x * spread, 1) + 0.0, round(y * spread, 1) + 0.0)
          for g, (x, y) in positions(R, "force", seed).items()}
    colors = node_colors({g: g for g in R}) if by == SECTOR else {}
    top = max(members.values())
    rank = {g: i for i, g in enumerate(sorted(R, key=lambda g: (-members[g], g)))}
    label = {g: loc.label("sector", g) if by == SECTOR else g for g in R}
    nodes: list[MapNode] = []
    for g, data in R.nodes(data=True):
        nodes.append({"id": g, "label": label[g], "x": xy[g][0], "y": xy[g][1], "shape": "dot", "rank": rank[g],
                      "size": round(10 + 30 * math.sqrt(data["count"] / top), 2), "color": colors.get(g, "#56B4E9"),
                      "tip": [label[g], loc.t("map.group_size", count=data["count"])],
                      "facets": {"sector": None, "type": None, "municipality": None}})
    top_edge = max((d["strength"] for _, _, d in R.edges(data=True)), default=1)
    edges: list[MapEdge] = [
        {"from": a, "to": b, "width": round(1 + 9 * data["strength"] / top_edge, 2), "level": None, "types": [],
         "tip": [f"{label[a]} – {label[b]}", loc.t("map.group_ties", count=data["strength"])],
         "color": {"color": "#777777", "opacity": 0.6}}
        for a, b, data in R.edges(data=True)]
    return tuple(nodes), tuple(edges)
