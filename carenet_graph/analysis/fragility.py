"""Where the network would break: articulation points, bridges and removal impact.

``removal_impact(v)`` is the share of currently connected actor pairs (pairs not involving
v) that would be disconnected if v left:

    removal_impact(v) = [C(S_v − 1, 2) − Σ_p C(|p|, 2)] / [Σ_c C(|c|, 2) − (S_v − 1)]

where S_v is the size of v's component, p runs over the pieces that component falls into
without v, and c over all components (the denominator counts connected pairs without v;
0 when there are none, and then the impact is 0). An actor is an articulation point exactly
when its removal impact is positive. Ties are taken as present or absent (no weights).

One iterative depth-first search (Hopcroft & Tarjan 1973) gives discovery times, low points
and subtree sizes, hence articulation points, the pieces each one leaves and the bridges, in
O(n + m) for the whole graph.

Hopcroft J., Tarjan R. (1973) Algorithm 447: efficient algorithms for graph manipulation.
Commun. ACM 16(6):372–378.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import pandas as pd

from carenet_graph.analysis.arrays import AnyGraph, as_arrays, neighbour_lists, partner_arrays


@dataclass(frozen=True)
class Fragility:
    """Per-actor table (``articulation_point``, ``removal_impact``) and the bridges (u, v)."""

    actors: pd.DataFrame
    bridges: tuple[tuple[Hashable, Hashable], ...]


def _pairs(k: int) -> int:
    return k * (k - 1) // 2


#: Actors from which the search runs compiled (the same search; the tests compare the two).
COMPILED_ACTORS = 20_000


def fragility(H: AnyGraph) -> Fragility:
    """Articulation points, removal impact and bridges of the undirected view of ``H``."""
    A = as_arrays(H)
    nodes = list(A.nodes)
    if len(nodes) >= COMPILED_ACTORS:
        from carenet_graph.analysis.compiled import cut_points

        bounds, partners = partner_arrays(A)
        articulated, impacts, parents, children = cut_points(bounds, partners)
        frame = pd.DataFrame({"articulation_point": articulated.tolist(), "removal_impact": impacts},
                             index=pd.Index(nodes, name="id", dtype=object))
        return Fragility(frame, tuple((nodes[a], nodes[b]) for a, b in zip(parents.tolist(), children.tolist(),
                                                                             strict=True)))
    # Partners in increasing position: the search, and so the bridges' order, follows the
    # network, not the order of the input rows.
    adjacency = neighbour_lists(A)
    n = len(nodes)
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    comp_size = [0] * n
    separated: list[list[int]] = [[] for _ in range(n)]  # sizes of child pieces cut off by v
    bridges: list[tuple[Hashable, Hashable]] = []
    is_root = [False] * n
    connected_pairs = 0
    timer = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        members = [root]
        disc[root] = low[root] = timer
        timer += 1
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            v, parent, neighbours = stack[-1]
            advanced = False
            for w in neighbours:
                if disc[w] == -1:
                    disc[w] = low[w] = timer
                    timer += 1
                    members.append(w)
                    stack.append((w, v, iter(adjacency[w])))
                    advanced = True
                    break
                if w != parent:
                    low[v] = min(low[v], disc[w])
            if advanced:
                continue
            stack.pop()
            if parent >= 0:
                size[parent] += size[v]
                low[parent] = min(low[parent], low[v])
                if low[v] >= disc[parent]:
                    separated[parent].append(size[v])
                if low[v] > disc[parent]:
                    bridges.append((nodes[parent], nodes[v]))
        for v in members:
            comp_size[v] = len(members)
            is_root[v] = v == root
        connected_pairs += _pairs(len(members))
    impact = [0.0] * n
    articulation = [False] * n
    for v in range(n):
        s = comp_size[v]
        pieces = separated[v]
        # Every child of a DFS root is cut off; a non-root also leaves the rest of its component.
        parts = pieces if is_root[v] else [*pieces, s - 1 - sum(pieces)]
        lost = _pairs(s - 1) - sum(_pairs(p) for p in parts)
        denominator = connected_pairs - (s - 1)
        if lost > 0:
            articulation[v] = True
            impact[v] = lost / denominator if denominator > 0 else 0.0
    frame = pd.DataFrame({"articulation_point": articulation, "removal_impact": impact},
                         index=pd.Index(nodes, name="id", dtype=object))
    return Fragility(frame, tuple(bridges))
