"""Node positions for maps, computed in Python, seeded and deterministic.

* ``force`` – Fruchterman–Reingold on igraph (weights = strength, so close partners sit
  close), seeded; isolates are placed on a ring around the drawing.
* ``geo`` – longitude/latitude projected equirectangularly around the mean latitude (x to the
  east, y to the north, in km); actors without coordinates sit on a small ring around their
  municipality's actors, or around the centre.
* ``circular`` – actors on a circle, ordered by sector and name.
* ``auto`` – ``geo`` when most actors (≥ 80 %) have coordinates, else ``force``.

Positions are scaled to about ±1000 units (vis-network's drawing space) and rounded to 0.1,
so the same input and seed give the same numbers (and the same HTML bytes).

Fruchterman T.M.J., Reingold E.M. (1991) Graph drawing by force-directed placement.
Softw. Pract. Exp. 21(11):1129–1164.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np

from carenet_graph.analysis import engine
from carenet_graph.network import MUNICIPALITY, NAME, SECTOR, STRENGTH

LAYOUTS = ("auto", "force", "geo", "circular")
EXTENT = 1000.0


def _has_coordinates(data: dict[str, Any]) -> bool:
    try:
        return math.isfinite(float(data["lat"])) and math.isfinite(float(data["lon"]))
    except (KeyError, TypeError, ValueError):
        return False


def choose_layout(H: nx.Graph, layout: str) -> str:
    """The layout ``auto`` stands for on ``H`` (or ``layout`` itself)."""
    if layout != "auto":
        return layout
    n = H.number_of_nodes()
    with_coordinates = sum(1 for _, d in H.nodes(data=True) if _has_coordinates(d))
    return "geo" if n and with_coordinates / n >= 0.8 else "force"


def positions(H: nx.Graph, layout: str = "auto", seed: int = 0) -> dict[Hashable, tuple[float, float]]:
    """Positions of every actor of the (collapsed) graph ``H`` in the chosen layout."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    kind = choose_layout(H, layout)
    nodes = list(H.nodes)
    if not nodes:
        return {}
    if kind == "geo":
        xy = _geo(H)
    elif kind == "circular":
        order = sorted(nodes, key=lambda v: (str(H.nodes[v].get(SECTOR) or ""), str(H.nodes[v].get(NAME) or v)))
        xy = {v: (math.cos(2 * math.pi * i / len(order)), math.sin(2 * math.pi * i / len(order)))
              for i, v in enumerate(order)}
    else:
        xy = _force(H, seed)
    return _scaled(xy)


def _force(H: nx.Graph, seed: int) -> dict[Hashable, tuple[float, float]]:
    U = nx.Graph(H) if H.is_directed() else H
    connected = [v for v in U if U.degree(v) > 0]
    out: dict[Hashable, tuple[float, float]] = {}
    if connected:
        view = engine.to_igraph(U.subgraph(connected), weights=(STRENGTH,))
        g = view.graph
        ig = engine._igraph()
        previous = random.getstate()
        rng = random.Random(seed)
        ig.set_random_number_generator(rng)
        try:
            # Start in a square of side sqrt(n), as igraph does itself: the grid variant needs
            # the actors spread out, or every actor lands in one grid cell (quadratic again).
            half = math.sqrt(g.vcount()) / 2
            start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in range(g.vcount())]
            # igraph's grid variant keeps Fruchterman–Reingold near-linear on large graphs
            # (10,000 actors in about half a second, where DrL took 15 s here).
            coords = g.layout_fruchterman_reingold(weights=STRENGTH, seed=start, niter=500,
                                                   grid=g.vcount() > 1000)
        finally:
            ig.set_random_number_generator(random)
            random.setstate(previous)
        for node, (x, y) in zip(view.nodes, coords.coords, strict=True):
            out[node] = (float(x), float(y))
    alone = [v for v in U if U.degree(v) == 0]
    if alone:
        values = np.array(list(out.values())) if out else np.zeros((1, 2))
        centre = values.mean(axis=0)
        radius = float(np.max(np.linalg.norm(values - centre, axis=1))) * 1.15 + 1.0
        for i, v in enumerate(alone):
            angle = 2 * math.pi * i / len(alone)
            out[v] = (float(centre[0] + radius * math.cos(angle)), float(centre[1] + radius * math.sin(angle)))
    return out


def _geo(H: nx.Graph) -> dict[Hashable, tuple[float, float]]:
    placed = {v: (float(d["lon"]), float(d["lat"])) for v, d in H.nodes(data=True) if _has_coordinates(d)}
    if not placed:
        return _force(H, 0)
    mean_lat = math.radians(sum(lat for _, lat in placed.values()) / len(placed))
    xy = {v: (lon * 111.32 * math.cos(mean_lat), lat * 110.57) for v, (lon, lat) in placed.items()}
    by_place: dict[str, list[tuple[float, float]]] = {}
    for v, point in xy.items():
        place = H.nodes[v].get(MUNICIPALITY)
        if place is not None:
            by_place.setdefault(str(place), []).append(point)
    centre_all = tuple(np.mean(list(xy.values()), axis=0))
    # Actors of one municipality often share (approximate) coordinates: spread them on a
    # sunflower pattern around the municipality's centre so each stays readable, and put
    # those without coordinates there too (or at the centre of the map).
    groups: dict[str, list[Hashable]] = {}
    for v in H:
        place = H.nodes[v].get(MUNICIPALITY)
        groups.setdefault(str(place) if place is not None else f"\0{v}", []).append(v)
    out: dict[Hashable, tuple[float, float]] = {}
    golden = math.pi * (3 - math.sqrt(5))
    for key, members in groups.items():
        points = by_place.get(key)
        if points:
            cx, cy = (float(c) for c in np.mean(points, axis=0))
        elif len(members) == 1 and members[0] in xy:
            cx, cy = xy[members[0]]
        else:
            cx, cy = (float(c) for c in centre_all)
        ordered = sorted(members, key=lambda v: (str(H.nodes[v].get(SECTOR) or ""), str(H.nodes[v].get(NAME) or v)))
        for i, v in enumerate(ordered):
            radius = 0.9 * math.sqrt(i)
            out[v] = (cx + radius * math.cos(i * golden), cy + radius * math.sin(i * golden))
    return out


def _scaled(xy: dict[Hashable, tuple[float, float]]) -> dict[Hashable, tuple[float, float]]:
    values = np.array(list(xy.values()), dtype=float)
    centre = (values.max(axis=0) + values.min(axis=0)) / 2
    span = float(np.max(values.max(axis=0) - values.min(axis=0))) or 1.0
    scale = 2 * EXTENT / span
    # Screen y grows downwards: flip so that north is up on a geographic map.
    return {v: (round((x - centre[0]) * scale, 1), round(-(y - centre[1]) * scale, 1)) for v, (x, y) in xy.items()}
