"""The geographic layout: every municipality at its place, its actors around it without overlap.

Coordinates are projected equirectangularly around the mean latitude (x to the east, y to the
north, in km). Then, in drawing units (those of the actors' radii):

1. **Within a municipality** the actors sit on concentric rings around its centre, the most
   important (largest) in the middle: each ring's distance from the previous one is the sum of
   the two rings' largest radii plus a gap, and the actors of one ring are at least
   ``2·asin((2 r_max + gap) / 2R)`` apart in angle, so no two circles of one municipality can
   overlap (a packed-circle arrangement; within a ring actors are ordered by sector and name, so
   colours form arcs). Actors without coordinates join their municipality; actors with
   coordinates but no municipality are a group of their own.
2. **Between municipalities** the groups' discs are placed at their centres times a scale (km
   → units) at which the typical municipality just touches its nearest neighbour, and discs that
   still overlap are pushed apart along the line joining them (the larger group moves less)
   until none does, which keeps the municipalities' relative positions (up to
   :data:`MAX_SEPARATED` groups: beyond, as in a static figure of many actors without a
   municipality, the discs stay at their places, at 1 unit per km).
3. Actors that cannot be located at all (no coordinates, no located municipality) form one
   group south of everything, where they cannot look located.

The result is deterministic (sorted orders, no randomness), in drawing units with y growing
downwards (north up).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from carenet_graph.network import MUNICIPALITY, NAME, SECTOR

__all__ = ["GAP", "GROUP_GAP", "MAX_SEPARATED", "Place", "geo_layout", "has_coordinates", "place_of"]

#: Free space between two actors' circles (drawing units).
GAP = 3.0
#: Free space between two municipalities' discs, room for the municipality's name.
GROUP_GAP = 26.0
#: Up to this many groups their discs are pushed apart (pairwise, quadratic in memory); a static
#: figure of more groups (actors with coordinates but no municipality) keeps them where they are.
MAX_SEPARATED = 2500


@dataclass(frozen=True)
class Place:
    """A group's disc on a geographic map: its centre and radius, and the municipality it is
    (None for an actor with coordinates but no municipality, and for the unlocated group)."""

    name: str | None
    x: float
    y: float
    radius: float
    unlocated: bool = False


def has_coordinates(data: Mapping[str, Any]) -> bool:
    """True when ``data`` holds finite ``lat`` and ``lon``."""
    try:
        return math.isfinite(float(data["lat"])) and math.isfinite(float(data["lon"]))
    except (KeyError, TypeError, ValueError):
        return False


def place_of(data: Mapping[str, Any]) -> str | None:
    """The municipality of an actor as text; None when missing (None, NaN or blank)."""
    # NaN (pandas' missing value) and empty text are no municipality, not one called "nan".
    value = data.get(MUNICIPALITY)
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return None
    return str(value)


def _ring_pack(members: list[Hashable], radius: Mapping[Hashable, float], order: Mapping[Hashable, tuple[str, ...]],
               gap: float) -> tuple[dict[Hashable, tuple[float, float]], float]:
    """Offsets of ``members`` (largest first) on concentric rings, and the disc radius they fill."""
    ranked = sorted(members, key=lambda v: (-radius[v], order[v]))
    out: dict[Hashable, tuple[float, float]] = {ranked[0]: (0.0, 0.0)}
    inner = radius[ranked[0]]
    i, ring = 1, 0
    golden = math.pi * (3 - math.sqrt(5))
    while i < len(ranked):
        largest = radius[ranked[i]]
        R = inner + gap + largest
        step = 2 * math.asin(min(1.0, (2 * largest + gap) / (2 * R)))
        count = max(1, min(len(ranked) - i, int(2 * math.pi / step + 1e-9)))
        members_here = sorted(ranked[i:i + count], key=lambda v: order[v])
        turn = ring * golden  # so that rings do not start on one line
        for k, v in enumerate(members_here):
            angle = turn + 2 * math.pi * k / count
            out[v] = (R * math.cos(angle), R * math.sin(angle))
        inner = R + largest
        i += count
        ring += 1
    return out, inner


def _separate(centres: np.ndarray, discs: np.ndarray, gap: float) -> np.ndarray:
    """Push overlapping discs apart (pairwise, the larger moving less) until none overlaps."""
    xy = centres.astype(float).copy()
    n = len(xy)
    if n < 2:
        return xy
    area = discs ** 2 + 1e-9
    share = area[None, :] / (area[:, None] + area[None, :])  # how much of a push i takes from j
    need = discs[:, None] + discs[None, :] + gap
    # Coincident centres have no direction: spread them by index, deterministically.
    fallback = np.stack([np.cos(np.arange(n) * 2.399963), np.sin(np.arange(n) * 2.399963)], axis=1)
    for _ in range(2000):
        diff = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((diff ** 2).sum(axis=2))
        overlap = need - dist
        np.fill_diagonal(overlap, -1.0)
        if overlap.max() <= 1e-6:
            break
        same = dist < 1e-9
        unit = np.where(same[:, :, None], (fallback[:, None, :] - fallback[None, :, :]),
                        diff / np.where(same, 1.0, dist)[:, :, None])
        push = np.clip(overlap, 0.0, None) * share * 1.02
        xy += (unit * push[:, :, None]).sum(axis=1)
    return xy


def geo_layout(H: nx.Graph, radii: Mapping[Hashable, float] | None = None, gap: float = GAP,
               group_gap: float = GROUP_GAP) -> tuple[dict[Hashable, tuple[float, float]], tuple[Place, ...]]:
    """Positions of the actors of ``H`` on a geographic map, collision-free at their radii.

    Parameters
    ----------
    H:
        A collapsed graph whose nodes carry ``lat``/``lon`` and ``municipality``; at least one
        actor must have coordinates.
    radii:
        Actor → radius of its circle in drawing units (10 for every actor when None).
    gap, group_gap:
        Free space between two actors, and between two groups' discs.

    Returns
    -------
    positions, places
        Actor → ``(x, y)`` (drawing units, y downwards, north up), and the groups' discs
        (:class:`Place`), sorted by name.
    """
    radius = {v: float(radii[v]) if radii is not None else 10.0 for v in H}
    located = {v: (float(d["lon"]), float(d["lat"])) for v, d in H.nodes(data=True) if has_coordinates(d)}
    mean_lat = math.radians(sum(lat for _, lat in located.values()) / len(located))
    km = {v: (lon * 111.32 * math.cos(mean_lat), lat * 110.57) for v, (lon, lat) in located.items()}
    by_place: dict[str, list[tuple[float, float]]] = {}
    for v, point in km.items():
        place = place_of(H.nodes[v])
        if place is not None:
            by_place.setdefault(place, []).append(point)
    groups: dict[tuple[str, str], list[Hashable]] = {}
    unplaced: list[Hashable] = []
    for v in H:
        place = place_of(H.nodes[v])
        if place is not None and place in by_place:
            groups.setdefault(("place", place), []).append(v)
        elif v in km:
            groups.setdefault(("actor", str(v)), []).append(v)
        else:
            unplaced.append(v)
    order: dict[Hashable, tuple[str, ...]] = {
        v: (str(H.nodes[v].get(SECTOR) or ""), str(H.nodes[v].get(NAME) or v)) for v in H}
    keys = sorted(groups)
    packed = [_ring_pack(groups[k], radius, order, gap) for k in keys]
    discs = np.array([disc for _, disc in packed])
    centres = np.array([np.mean(by_place[k[1]], axis=0) if k[0] == "place" else km[groups[k][0]] for k in keys])
    if 1 < len(keys) <= MAX_SEPARATED:
        diff = centres[:, None, :] - centres[None, :, :]
        dist = np.sqrt((diff ** 2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        nearest = dist.argmin(axis=1)
        ratios = [(discs[i] + discs[j] + group_gap) / dist[i, j] for i, j in enumerate(nearest) if dist[i, j] > 1e-9]
        scale = float(np.median(ratios)) if ratios else 1.0
    else:
        scale = 1.0
    # North up: screen y grows downwards.
    screen = centres * np.array([scale, -scale])
    if len(keys) <= MAX_SEPARATED:
        screen = _separate(screen, discs, group_gap)
    out: dict[Hashable, tuple[float, float]] = {}
    places: list[Place] = []
    for (kind, name), (offsets, disc), (cx, cy) in zip(keys, packed, screen, strict=True):
        for v, (dx, dy) in offsets.items():
            out[v] = (float(cx + dx), float(cy + dy))
        places.append(Place(name if kind == "place" else None, float(cx), float(cy), float(disc)))
    if unplaced:
        # Stable sort: the unplaced stay grouped by municipality, then by sector and name.
        offsets, disc = _ring_pack(unplaced, radius, {v: (place_of(H.nodes[v]) or "", *order[v]) for v in unplaced},
                                   gap)
        bottom = float((screen[:, 1] + discs).max())
        cx, cy = float(screen[:, 0].mean()), bottom + 2 * group_gap + disc
        for v, (dx, dy) in offsets.items():
            out[v] = (cx + dx, cy + dy)
        places.append(Place(None, cx, cy, disc, unlocated=True))
    return out, tuple(sorted(places, key=lambda p: (p.unlocated, p.name or "", p.x, p.y)))
