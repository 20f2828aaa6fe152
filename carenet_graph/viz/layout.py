"""Node positions for maps, computed in Python, seeded and deterministic.

* ``force`` – Fruchterman–Reingold on igraph (weights = strength, so close partners sit
  close), seeded; isolates are placed on a ring around the drawing.
* ``geo`` – :func:`carenet_graph.viz.geo.geo_layout`: each municipality at its place, its actors
  on rings around it without overlap, municipalities pushed apart until their discs do not
  overlap; actors that cannot be located at all in one group south of the map.
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

import networkx as nx
import numpy as np

from carenet_graph.analysis import engine
from carenet_graph.network import NAME, SECTOR, STRENGTH
from carenet_graph.viz.geo import geo_layout, has_coordinates

LAYOUTS = ("auto", "force", "geo", "circular")
EXTENT = 1000.0


def choose_layout(H: nx.Graph, layout: str) -> str:
    """The layout ``auto`` stands for on ``H`` (or ``layout`` itself).

    Parameters
    ----------
    H:
        A collapsed graph whose nodes may carry ``lat`` and ``lon``.
    layout:
        One of :data:`LAYOUTS`.

    Returns
    -------
    str
        ``geo`` when ``layout`` is ``auto`` and at least 80 % of the actors have finite
        coordinates, ``force`` for ``auto`` otherwise, else ``layout``.
    """
    if layout != "auto":
        return layout
    n = H.number_of_nodes()
    with_coordinates = sum(1 for _, d in H.nodes(data=True) if has_coordinates(d))
    return "geo" if n and with_coordinates / n >= 0.8 else "force"


def positions(H: nx.Graph, layout: str = "auto", seed: int = 0) -> dict[Hashable, tuple[float, float]]:
    """Positions of every actor of the (collapsed) graph ``H`` in the chosen layout.

    Parameters
    ----------
    H:
        A collapsed graph (:func:`carenet_graph.network.collapse`); the force layout weighs ties
        by ``strength`` (Fruchterman & Reingold 1991, see the module docstring).
    layout:
        One of :data:`LAYOUTS`.
    seed:
        Seed of the force layout (the same seed gives the same positions).

    Returns
    -------
    dict
        Actor → ``(x, y)`` within about ±1000, rounded to 0.1, y growing downwards (north up).

    Raises
    ------
    ValueError
        For an unknown layout.
    """
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
        # to_igraph has checked that igraph is installed (with an actionable message otherwise).
        import igraph as ig

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
    if not any(has_coordinates(d) for _, d in H.nodes(data=True)):
        return _force(H, 0)
    # geo_layout draws north up (y downwards); _scaled flips every layout's y, so flip it back first.
    return {v: (x, -y) for v, (x, y) in geo_layout(H)[0].items()}


def _scaled(xy: dict[Hashable, tuple[float, float]]) -> dict[Hashable, tuple[float, float]]:
    values = np.array(list(xy.values()), dtype=float)
    centre = (values.max(axis=0) + values.min(axis=0)) / 2
    span = float(np.max(values.max(axis=0) - values.min(axis=0))) or 1.0
    scale = 2 * EXTENT / span
    # Screen y grows downwards: flip so that north is up on a geographic map.
    # Plain floats, and + 0.0 turns -0.0 into 0.0 (the same place, but other bytes in the HTML).
    return {v: (round(float((x - centre[0]) * scale), 1) + 0.0, round(float(-(y - centre[1]) * scale), 1) + 0.0)
            for v, (x, y) in xy.items()}
