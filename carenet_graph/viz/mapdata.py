"""The data of a map page: typed, JSON-ready records that :func:`~carenet_graph.viz.map.map_data`
builds and :func:`~carenet_graph.viz.map.render_map` renders.

Nodes and edges are plain dicts (typed as :class:`~typing.TypedDict`), exactly as the page's
script reads them from the page's JSON block, so the page needs no conversion and the
comparison page can restyle them; everything else is one frozen :class:`MapData`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

import networkx as nx

from carenet_graph.locale import Locale
from carenet_graph.network import MUNICIPALITY, network_name, network_region

__all__ = ["OPTIONS", "DetailTable", "LegendItem", "MapData", "MapEdge", "MapNode", "Narrative", "PlaceMark",
           "network_title"]

#: vis-network options of every map: positions are computed in Python, so no physics.
OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True, "navigationButtons": False},
    "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": False, "selectionWidth": 2},
    "layout": {"improvedLayout": False},
}


def network_title(G: nx.Graph, locale: Locale) -> str:
    """The heading of a map or figure when none is given: the network's own name
    (:func:`carenet_graph.network.network_name`: a ``--title`` or the one palliative network
    actor's name), else the catalogue's neutral title with the region most actors name.

    Never the file name (``G.graph["name"]``): "netzwerk_lippe_v3" is no heading, and a file name
    can name a practice or a person. A pseudonymised graph keeps the neutral title without a
    region (its region may be a keyed code).
    """
    name = network_name(G)
    if name:
        return name
    region = None if G.graph.get("pseudonymized") else network_region(G)
    return locale.t("map.title_region", region=region) if region else locale.t("map_title_network")


class MapNode(TypedDict):
    """One actor (or group) as the page's script reads it; ``facets`` feed the filters.

    ``size`` is the circle's radius in drawing units, which is also its radius on screen in
    pixels once zoomed in to scale 1 or more (the page keeps it so when zooming further);
    ``rank`` orders the labels (0: the most important actor, labelled first); a ``pinned``
    actor is always labelled (the comparison's changed actors).
    """

    id: str
    label: str
    x: float
    y: float
    color: str
    size: float
    shape: str
    tip: list[str]
    facets: dict[str, str | None]
    rank: int
    pinned: NotRequired[bool]


class PlaceMark(TypedDict):
    """A municipality's disc on a geographic map: its name (drawn above it), centre and radius."""

    label: str
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class DetailTable:
    """A table shown under the map and printed (the comparison's changed ties)."""

    heading: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None


# "from" is a Python keyword, hence the functional form.
MapEdge = TypedDict("MapEdge", {
    "from": str, "to": str, "width": float, "level": int | None, "types": list[str], "tip": list[str],
    "color": dict[str, Any], "dashes": NotRequired[bool | list[int]], "suggested": NotRequired[bool],
})
MapEdge.__doc__ = "One tie (or suggested introduction, or group link) as the page's script reads it."


class LegendItem(TypedDict):
    """One colour of the legend and what it means; drawn as a line (``line``, dashed with
    ``dashed``) when it explains ties, else as a dot."""

    color: str
    label: str
    line: NotRequired[bool]
    dashed: NotRequired[bool]


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
    places:
        Municipalities' discs and names (geographic layout only).
    size_by:
        The measure behind the circles' sizes (the legend explains it).
    details:
        A table shown under the map, or None.
    legend_notes:
        Further sentences of the legend (the comparison's: what pale lines and names mean).
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
    places: tuple[PlaceMark, ...] = ()
    size_by: str = "degree"
    details: DetailTable | None = None
    legend_notes: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=_default_options)

    @property
    def notice(self) -> str | None:
        """The sentence saying the map shows groups, not actors, and what its circles are (None
        when it shows actors)."""
        if self.grouped_by is None:
            return None
        key = "map.grouped_notice_municipality" if self.grouped_by == MUNICIPALITY else "map.grouped_notice_sector"
        return self.locale.t(key, actors=self.actors, groups=len(self.nodes))

    @property
    def shown(self) -> str | None:
        """What a grouped map draws ("16 municipalities, 4,000 actors"); None for a map of actors
        (the page counts the actors it shows itself)."""
        if self.grouped_by is None:
            return None
        key = "map.grouped_shown_municipality" if self.grouped_by == MUNICIPALITY else "map.grouped_shown_sector"
        return self.locale.t(key, actors=self.actors, groups=len(self.nodes))
