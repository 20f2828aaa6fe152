"""Interactive single-file network map: offline, private, safe, deterministic.

:func:`map_data` turns a network into a :class:`~carenet_graph.viz.mapdata.MapData`
(positioned, coloured, sized nodes, styled edges, legend, texts); :func:`render_map` renders it
through carenet-graph's own template with vis-network inlined (:mod:`carenet_graph.viz.page`);
:func:`write_map` does both and writes the file; :func:`to_pyvis` gives the same nodes and edges
as a pyvis ``Network`` for users who want to adjust them in pyvis.

The page loads nothing from outside (no CDN, fonts or Bootstrap), carries a
Content-Security-Policy that allows only its own scripts (by SHA-256 hash), and puts every user
string in a JSON data block (:func:`~carenet_graph.viz.page.safe_json`) that the page's script
only ever sets as text. Only allow-listed attributes reach the page; free-text
notes never do.

This module is the only one that builds a pyvis ``Network``. pyvis 0.3.2's ``add_edge`` scans all
edges for duplicates (quadratic) and ``from_nx`` mutates its input, so both are bypassed: nodes
and edges are appended to the ``Network`` directly.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.errors import OutputError
from carenet_graph.gaps.rules import Rule
from carenet_graph.gaps.run import find_gaps
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import (
    LEVEL,
    MUNICIPALITY,
    NAME,
    REPORTED_BY,
    SECTOR,
    STRENGTH,
    TYPE,
    TYPES,
    collapse,
    reporter_of,
)
from carenet_graph.output.files import atomic_write_text
from carenet_graph.viz.geo import geo_layout, has_coordinates
from carenet_graph.viz.grouped import grouped_view
from carenet_graph.viz.layout import LAYOUTS, choose_layout, positions
from carenet_graph.viz.mapdata import LegendItem, MapData, MapEdge, MapNode, PlaceMark, network_title
from carenet_graph.viz.maptexts import page_texts
from carenet_graph.viz.page import (
    content_security_policy,
    package_asset,
    render_page,
    safe_json,
    trusted,
    vis_network_assets,
)
from carenet_graph.viz.style import COLOR_BY, SIZE_BY, SUGGESTED_COLOR, UNKNOWN_COLOR, node_colors, size_measure
from carenet_graph.viz.svg import map_svg

__all__ = ["DEFAULT_MAX_ACTORS", "SUGGESTED_COLOR", "map_data", "map_scripts", "map_svg", "render_map", "to_pyvis",
           "write_map"]

#: Radius of the least and of the most important actor (drawing units = screen pixels at scale 1).
SMALLEST, LARGEST = 5.0, 18.0
#: Above this many actors the map shows groups (municipalities or sectors) instead of actors.
DEFAULT_MAX_ACTORS = 2000
FILTERS = ("sector", "type", "municipality", "tie_type")


def _text(value: Any) -> str | None:
    """A user value as text, or None when missing.

    Graphs built by hand or from pandas carry NaN for missing values: as a facet it would
    make the JSON invalid (``allow_nan=False`` raises) and as text it would read "nan".
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    text = str(value)
    return text if text.strip() else None


def _one_sided(G: nx.MultiDiGraph) -> set[frozenset[Hashable]]:
    """Pairs reported by one side only, when the data say who reported (else no pair)."""
    if not any(d.get(REPORTED_BY) is not None for _, _, d in G.edges(data=True)):
        return set()
    by: dict[frozenset[Hashable], set[Hashable]] = {}
    for u, v, d in G.edges(data=True):
        if u != v and d.get(LEVEL) != 0:
            by.setdefault(frozenset((u, v)), set()).add(reporter_of(u, d))
    return {pair for pair, who in by.items() if not pair <= who}


def _levels(G: nx.MultiDiGraph) -> dict[frozenset[Hashable], int | None]:
    out: dict[frozenset[Hashable], int | None] = {}
    for u, v, d in G.edges(data=True):
        level = d.get(LEVEL)
        pair = frozenset((u, v))
        if level is not None and level > 0:
            out[pair] = max(out.get(pair) or 0, int(level))
        else:
            out.setdefault(pair, None)
    return out


def _overlay(G: nx.MultiDiGraph, introductions: pd.DataFrame | bool | None, rules: Iterable[Rule] | None,
             loc: Locale) -> pd.DataFrame | None:
    # isinstance first: the truth value of a DataFrame is an error.
    if isinstance(introductions, bool):
        return find_gaps(G, rules, locale=loc).introductions if introductions else None
    return introductions


def map_data(G: nx.MultiDiGraph, *, locale: Locale | str | None = None, title: str | None = None,
             color_by: str = "sector", size_by: str = "degree", layout: str = "auto", seed: int = 0,
             max_actors: int = DEFAULT_MAX_ACTORS, introductions: pd.DataFrame | bool | None = None,
             rules: Iterable[Rule] | None = None) -> MapData:
    """What the map of ``G`` shows: positioned, coloured, sized actors and styled ties.

    ``G`` is not modified. Ties are those of ``collapse(G, mode="undirected", combine="max")``.
    Colours: Okabe–Ito, then Tol's muted palette, by the sorted values of ``color_by``
    (:func:`~carenet_graph.viz.style.node_colors`); node radius ``5 + 13·sqrt(m / max m)`` for
    the measure ``m`` named by ``size_by`` (:func:`~carenet_graph.viz.style.size_measure`), and
    labels ranked by it; tie width ``1 + 0.8·level`` (level 1 when unknown), dashed for
    one-sided reports; suggested introductions as dashed purple lines (:data:`SUGGESTED_COLOR`).
    The geographic layout (:func:`~carenet_graph.viz.geo.geo_layout`) places the actors
    collision-free at these radii and names the municipalities; the other layouts are spread
    to about ``±(75 + 20·sqrt(n))`` units. Above ``max_actors`` actors the network is drawn
    grouped by municipality (or by sector when fewer than half the actors have a municipality):
    one node per group (size ~ sqrt(actors)), one edge per pair of groups (width ~ ties).

    Parameters
    ----------
    G:
        The lossless multigraph (:func:`carenet_graph.load`).
    locale:
        Language and vocabulary of the texts (a :class:`~carenet_graph.locale.Locale`, a
        language code, or None for English and the built-in vocabulary).
    title:
        The heading; when None the network's own name, else a neutral title with the region
        (:func:`~carenet_graph.viz.mapdata.network_title`; never the file name).
    color_by, size_by, layout, seed:
        One of :data:`~carenet_graph.viz.style.COLOR_BY`, one of
        :data:`~carenet_graph.viz.style.SIZE_BY`, one of :data:`~carenet_graph.viz.layout.LAYOUTS`,
        and the seed of the force layout and of community detection.
    max_actors:
        Above this many actors the map shows groups.
    introductions:
        Suggested introductions to overlay: a table like
        :attr:`carenet_graph.gaps.run.GapReport.introductions`, True to compute them with
        :func:`carenet_graph.gaps.find_gaps` (``rules``, ``locale``), or None/False for none.
    rules:
        Expected-collaboration rules for ``introductions=True`` (the package rules when None).

    Raises
    ------
    OutputError
        For an unknown ``color_by``, ``size_by`` or ``layout``.
    OptionError
        For an unknown language.
    """
    loc = as_locale(locale)
    if color_by not in COLOR_BY:
        raise OutputError(f"cannot colour by '{color_by}'", hint=f"Use one of: {', '.join(COLOR_BY)}.",
                          key="viz.map_color_by", values={"color_by": color_by, "choices": ", ".join(COLOR_BY)})
    if size_by not in SIZE_BY:
        raise OutputError(f"cannot size by '{size_by}'", hint=f"Use one of: {', '.join(SIZE_BY)}.",
                          key="viz.static_size_by", values={"size_by": size_by, "choices": ", ".join(SIZE_BY)})
    if layout not in LAYOUTS:
        raise OutputError(f"unknown layout '{layout}'", hint=f"Use one of: {', '.join(LAYOUTS)}.",
                          key="viz.map_layout", values={"layout": layout, "choices": ", ".join(LAYOUTS)})
    title = title or network_title(G, loc)
    H = collapse(G, mode="undirected", combine="max")
    if H.number_of_nodes() > max_actors:
        # Grouped maps show no overlay, so the gap analysis is not run for them.
        by = (MUNICIPALITY if sum(1 for _, d in H.nodes(data=True) if _text(d.get(MUNICIPALITY))) >= 0.5 * len(H)
              else SECTOR)
        nodes, edges = grouped_view(H, by, loc, seed)
        return MapData(title, loc, nodes, edges, actors=H.number_of_nodes(), grouped_by=by, size_by="groups")
    overlay = _overlay(G, introductions, rules, loc)
    if color_by == "community":
        from carenet_graph.analysis import engine

        view = engine.to_igraph(H, weights=(STRENGTH,))
        groups: dict[Hashable, Any] = dict(zip(view.nodes, engine.communities(view, seed=seed), strict=True))
    else:
        groups = {v: _text(H.nodes[v].get(color_by)) for v in H}
    colors = node_colors(groups)
    sizes = size_measure(H, size_by)
    top = max(sizes.values(), default=0.0) or 1.0
    radius = {v: round(SMALLEST + (LARGEST - SMALLEST) * math.sqrt(max(sizes.get(v, 0.0), 0.0) / top), 2) for v in H}
    rank = {v: i for i, v in enumerate(sorted(H, key=lambda v: (-sizes.get(v, 0.0), -H.degree(v), str(v))))}
    xy, places = _positions(H, layout, seed, radius, loc)
    nodes_out: list[MapNode] = []
    # Nodes by id and each tie from the smaller id: the same page whatever the order of the input rows.
    for v in sorted(H, key=str):
        data = H.nodes[v]
        group = groups.get(v)
        key = None if group is None or group != group else str(group)
        kind = _text(data.get(TYPE))
        name = _text(data.get(NAME)) or str(v)
        place = _text(data.get(MUNICIPALITY))
        tip = [name, loc.label("actor_type", kind) if kind else "", place or "",
               f"{loc.t('map_degree')}: {H.degree(v)}"]
        if size_by in ("betweenness", "pagerank"):
            tip.append(f"{loc.t('map_' + size_by)}: {loc.number(sizes.get(v, 0.0), 3)}")
        nodes_out.append({
            "id": str(v), "label": name, "x": xy[v][0], "y": xy[v][1],
            "color": colors.get(key, UNKNOWN_COLOR) if key is not None else UNKNOWN_COLOR,
            "size": radius[v], "shape": "dot", "rank": rank[v], "tip": [t for t in tip if t],
            "facets": {"sector": _text(data.get(SECTOR)), "type": kind, "municipality": place},
        })
    one_sided = _one_sided(G)
    levels = _levels(G)
    edges_out: list[MapEdge] = []
    ends = sorted((tuple(sorted((a, b), key=str)) for a, b in H.edges()), key=lambda e: (str(e[0]), str(e[1])))
    for u, v in ends:
        data = H.edges[u, v]
        pair = frozenset((u, v))
        level = levels.get(pair)
        types = [t for t in str(data.get(TYPES) or "").split(";") if t]
        tip = [f"{_text(H.nodes[u].get(NAME)) or u} – {_text(H.nodes[v].get(NAME)) or v}"]
        tip += [", ".join(loc.label("tie_type", t) for t in types)] if types else []
        tip += [loc.t("map.level", level=level, words=loc.label("level", level))] if level is not None else []
        edges_out.append({"from": str(u), "to": str(v), "width": 1 + (level or 1) * 0.8, "level": level,
                          "dashes": pair in one_sided, "types": types, "tip": tip,
                          "color": {"color": "#777777", "opacity": 0.7}})
    has_introductions = overlay is not None and len(overlay) > 0
    if overlay is not None and has_introductions:
        present = {str(v) for v in H}
        for row in overlay.itertuples(index=False):
            a, b = str(row.actor), str(row.partner)
            if a in present and b in present:
                edges_out.append({"from": a, "to": b, "dashes": [8, 6], "width": 2.5, "suggested": True,
                                  "color": {"color": SUGGESTED_COLOR}, "level": None, "types": [],
                                  "tip": [loc.t("map_suggested"), str(row.reason)]})
    kind_of = {"sector": "sector", "type": "actor_type"}.get(color_by)
    legend = tuple(LegendItem(color=c, label=loc.label(kind_of, k) if kind_of else k) for k, c in colors.items())
    return MapData(title, loc, tuple(nodes_out), tuple(edges_out), legend, actors=H.number_of_nodes(),
                   one_sided=bool(one_sided), has_introductions=has_introductions, places=places, size_by=size_by)


def _positions(H: nx.Graph, layout: str, seed: int, radius: dict[Hashable, float],
               loc: Locale) -> tuple[dict[Hashable, tuple[float, float]], tuple[PlaceMark, ...]]:
    """Positions in drawing units (those of the radii), and the municipalities' discs when geographic."""
    if choose_layout(H, layout) == "geo" and any(has_coordinates(d) for _, d in H.nodes(data=True)):
        xy, discs = geo_layout(H, radius)
        values = list(xy.values())
        cx = (max(x for x, _ in values) + min(x for x, _ in values)) / 2
        cy = (max(y for _, y in values) + min(y for _, y in values)) / 2
        places = tuple(PlaceMark(label=p.name if p.name is not None else loc.t("map.unlocated"),
                                 x=_round(p.x - cx), y=_round(p.y - cy), r=_round(p.radius))
                       for p in discs if p.name is not None or p.unlocated)
        return {v: (_round(x - cx), _round(y - cy)) for v, (x, y) in xy.items()}, places
    # The other layouts span ±1000: spread them so that a small network is not drawn in dots
    # and a large one has room (the page keeps circles at their size on screen when zooming in).
    factor = (75 + 20 * math.sqrt(H.number_of_nodes())) / 1000
    return {v: (_round(x * factor), _round(y * factor)) for v, (x, y) in positions(H, layout, seed).items()}, ()


def _round(value: float) -> float:
    # + 0.0 turns -0.0 into 0.0 (the same place, but other bytes in the HTML).
    return round(float(value), 1) + 0.0


def map_scripts() -> tuple[str, str]:
    """The inline scripts every map page runs (vis-network, the page's own), for CSP hashes.

    A page that embeds a map (the report, as ``srcdoc``) must allow exactly these.
    """
    return vis_network_assets().js, package_asset("carenet_graph.viz", "map.js")


def _filter_options(data: MapData) -> list[dict[str, Any]]:
    """Each filter's values (ids, as the facets hold them) with their labels in the map's locale."""
    loc = data.locale
    kinds = {"sector": "sector", "type": "actor_type"}
    options: dict[str, list[dict[str, str]]] = {}
    for key in ("sector", "type", "municipality"):
        values = sorted({str(n["facets"][key]) for n in data.nodes if n["facets"].get(key) is not None})
        kind = kinds.get(key)
        options[key] = [{"value": v, "label": loc.label(kind, v) if kind else v} for v in values]
    tie_types = sorted({t for e in data.edges for t in e.get("types", [])})
    options["tie_type"] = [{"value": t, "label": loc.label("tie_type", t)} for t in tie_types]
    return [{"key": key, "options": options[key]} for key in FILTERS]


def render_map(data: MapData) -> str:
    """The HTML page (one self-contained file) for a map built by :func:`map_data`.

    Parameters
    ----------
    data:
        The map; its locale gives every text and label on the page.

    Returns
    -------
    str
        The page: ``<html lang>`` of the locale, a Content-Security-Policy allowing only the
        page's two scripts (:func:`map_scripts`), the data as :func:`~carenet_graph.viz.page.safe_json`,
        the legend's explanations, the map as a static picture (:func:`map_svg`) that only print
        shows, and the table of ``data.details`` under the map.

    The page's script keeps circles and names at their size on screen once zoomed past scale 1
    (so zooming separates actors), names the most important actors first where their names do
    not collide, draws the municipalities' discs and names, zooms to a chosen municipality with
    its ties to partners elsewhere (pale), dims everything outside a clicked actor's
    neighbourhood, and offers a control to show the whole map again; below 700 px the filter
    panel folds behind a button.
    """
    loc = data.locale
    vis_js, app_js = map_scripts()
    texts = page_texts(data)
    payload = {"nodes": list(data.nodes), "edges": list(data.edges), "options": data.options, "ui": texts.script,
               "legend": list(data.legend), "filters": _filter_options(data), "places": list(data.places),
               "suggested": SUGGESTED_COLOR}
    return render_page(
        package_asset("carenet_graph.viz", "map.html"),
        lang=loc.lang, title=data.title, csp=content_security_policy([vis_js, app_js]),
        vis_css=trusted(vis_network_assets().css), page_css=trusted(package_asset("carenet_graph.viz", "map.css")),
        notice=data.notice, shown=data.shown, narrative=data.narrative, ui=texts.page, legend=texts.legend,
        filters=[{"key": key, "label": loc.t(f"map_{key}")} for key in FILTERS], details=data.details,
        has_introductions=data.has_introductions, one_sided=data.one_sided, suggested=SUGGESTED_COLOR,
        figure=trusted(map_svg(data)), data_json=trusted(safe_json(payload)), vis_js=trusted(vis_js),
        app_js=trusted(app_js),
    )


def to_pyvis(G: nx.MultiDiGraph, *, locale: Locale | str | None = None, color_by: str = "sector",
             size_by: str = "degree", layout: str = "auto", seed: int = 0, max_actors: int = DEFAULT_MAX_ACTORS,
             introductions: pd.DataFrame | bool | None = None, rules: Iterable[Rule] | None = None) -> Any:
    """The map's nodes and edges (:func:`map_data`, same parameters) in a pyvis ``Network``.

    For adjusting the drawing in pyvis. Nodes carry fixed positions (``x``, ``y``) and their
    tooltip lines in ``tip``; pyvis' own page template does not escape ``title``, so none is set.
    """
    from pyvis.network import Network

    data = map_data(G, locale=locale, color_by=color_by, size_by=size_by, layout=layout, seed=seed,
                    max_actors=max_actors, introductions=introductions, rules=rules)
    net = Network(height="100%", width="100%", directed=False, cdn_resources="in_line")
    for node in data.nodes:
        net.nodes.append(dict(node))
        net.node_ids.append(node["id"])
        net.node_map[node["id"]] = net.nodes[-1]
    net.edges.extend(dict(edge) for edge in data.edges)
    return net


def write_map(G: nx.MultiDiGraph, path: str | Path, *, locale: Locale | str | None = None, title: str | None = None,
              color_by: str = "sector", size_by: str = "degree", layout: str = "auto", seed: int = 0,
              max_actors: int = DEFAULT_MAX_ACTORS, introductions: pd.DataFrame | bool | None = None,
              rules: Iterable[Rule] | None = None) -> Path:
    """Write the interactive map of ``G`` as one self-contained HTML file (atomically, UTF-8).

    Parameters are those of :func:`map_data`; ``path`` is the file to write. Nothing is written
    when an option is refused.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> write_map(G, "map.html", locale="de", introductions=True)  # doctest: +SKIP
    """
    data = map_data(G, locale=locale, title=title, color_by=color_by, size_by=size_by, layout=layout, seed=seed,
                    max_actors=max_actors, introductions=introductions, rules=rules)
    path = Path(path)
    atomic_write_text(path, render_map(data))
    return path
