"""The data of a map page: typed, JSON-ready records that :func:`~carenet_graph.viz.map.map_data`
builds and :func:`~carenet_graph.viz.map.render_map` renders.

Nodes and edges are plain dicts (typed as :class:`~typing.TypedDict`), exactly as the page's
script reads them from the page's JSON block, so the page needs no conversion and the
comparison page can restyle them; everything else is one frozen :class:`MapData`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from carenet_graph.locale import Locale
from carenet_graph.network import MUNICIPALITY

__all__ = ["OPTIONS", "LegendItem", "MapData", "MapEdge", "MapNode", "Narrative", "network_title"]

#: vis-network options of every map: positions are computed in Python, so no physics.
OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True, "navigationButtons": False},
    "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": False, "selectionWidth": 2},
    "layout": {"improvedLayout": False},
}


def network_title(graph: Mapping[str, Any], locale: Locale) -> str:
    """The heading of a map or figure when none is given: the graph's ``name`` (the first input's
    file name), but never for a pseudonymised graph: a file name can name a practice or a person,
    so those are headed with the catalogue's neutral ``map_title_network``."""
    if graph.get("pseudonymized"):
        return locale.t("map_title_network")
    return str(graph.get("name") or "care network")


class MapNode(TypedDict):
    """One actor (or group) as the page's script reads it; ``facets`` feed the filters."""

    id: str
    label: str
    x: float
    y: float
    color: str
    size: float
    shape: str
    tip: list[str]
    facets: dict[str, str | None]


# "from" is a Python keyword, hence the functional form.
MapEdge = TypedDict("MapEdge", {
    "from": str, "to": str, "width": float, "level": int | None, "types": list[str], "tip": list[str],
    "color": dict[str, Any], "dashes": NotRequired[bool | list[int]], "suggested": NotRequired[bool],
})
MapEdge.__doc__ = "One tie (or suggested introduction, or group link) as the page's script reads it."


class LegendItem(TypedDict):
    """One colour of the legend and what it means."""

    color: str
    label: str


@dataclass(frozen=True)
class Narrative:
    """Sentences shown in the page's header above the map, under a heading (the comparison's story)."""

    heading: str
    lines: tuple[str, ...]


def _default_options() -> dict[str, Any]:
    return copy.deepcopy(OPTIONS)


@dataclass(frozen=True)
class MapData:
    """Everything a map page shows (built by :func:`~carenet_graph.viz.map.map_data`).

    Attributes
    ----------
    title:
        The page's heading and ``<title>``.
    locale:
        Language and vocabulary of every text on the page.
    nodes, edges:
        What vis-network draws (JSON-ready; user strings only as values, never markup).
    legend:
        The colours and their meaning.
    actors:
        How many actors the network has (also when the map shows groups).
    grouped_by:
        ``"municipality"`` or ``"sector"`` when the network is drawn grouped (too many actors),
        else None.
    one_sided:
        Whether any tie was reported by one side only (drawn dashed; the page explains it).
    has_introductions:
        Whether suggested introductions were given (the page offers to hide them).
    narrative:
        Sentences to show above the map, or None.
    options:
        vis-network options.
    """

    title: str
    locale: Locale
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    legend: tuple[LegendItem, ...] = ()
    actors: int = 0
    grouped_by: str | None = None
    one_sided: bool = False
    has_introductions: bool = False
    narrative: Narrative | None = None
    options: dict[str, Any] = field(default_factory=_default_options)

    @property
    def notice(self) -> str | None:
        """The sentence saying the map shows groups, not actors (None when it shows actors)."""
        if self.grouped_by is None:
            return None
        by = self.locale.t("map_grouped_municipality" if self.grouped_by == MUNICIPALITY else "map_grouped_sector")
        return self.locale.t("map_reduced", actors=self.actors, by=by)
