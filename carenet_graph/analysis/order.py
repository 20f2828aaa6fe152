"""A canonical order of the actors that depends on the network, not on row order or ids.

Seeded heuristics and Monte Carlo tests (Leiden communities, the E-I permutation test) take the
actors in some order, and their results depend on it. Taking the actors in the order of the
input rows would make the results depend on row order; sorting by id, on the ids. Instead the
actors are sorted by a structural colour — Weisfeiler–Lehman colour refinement (Weisfeiler &
Leman 1968; Shervashidze et al. 2011) started from a given label (e.g. the group) and refined
until stable (at most ``rounds`` times) by the sorted multiset of the neighbours' colours (and
tie strengths) — and then by a canonical labelling of the coloured graph (igraph's BLISS,
Junttila & Kaski 2007), which orders the actors the refinement cannot tell apart. Two copies of
a network that differ only in row order or ids get orders that differ only by an automorphism
of the coloured graph, which leaves the E-I statistic (and, where the colours capture the tie
strengths, the partition found) unchanged.

Colours are integers ranked by sorting, never Python string hashes (which change per process).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np

from carenet_graph.analysis.arrays import AnyGraph, GraphArrays, as_arrays, distinct, partner_arrays
from carenet_graph.analysis.engine import load_igraph


def structural_order(U: AnyGraph, labels: Mapping[Hashable, Any] | None = None, weight: str | None = None,
                     rounds: int | None = None) -> list[Hashable]:
    """The actors of ``U`` in a canonical order: refined structural colour, then canonical labelling.

    Parameters
    ----------
    U:
        An undirected graph (a directed one is read as undirected: an actor's partners are those
        of its arcs either way, a pair tied both ways counting twice), or its arrays.
    labels:
        Starting colour of each actor (its group); all equal when None.
    weight:
        Tie attribute whose value joins the neighbour's colour in the refinement (None: unweighted).
    rounds:
        At most this many refinement rounds here (each one sort of the ties); refinement stops
        earlier once a round splits no colour class. Default: none without ``weight`` (the
        canonical labelling refines the colours itself, in C), one with it (to bring the tie
        strengths into the colours).
    """
    A = as_arrays(U)
    start = [str(labels.get(v, "")) if labels is not None else "" for v in A.nodes]
    ranks = {text: i for i, text in enumerate(sorted(set(start)))}
    colour = np.array([ranks[text] for text in start], dtype=np.int64)
    off = ~A.loops()
    ends = np.concatenate([A.tails[off], A.heads[off]])
    others = np.concatenate([A.heads[off], A.tails[off]])
    values = A.weights(weight)[off] if weight is not None else np.zeros(int(off.sum()))
    values = np.concatenate([values, values])
    bounds = np.searchsorted(np.sort(ends), np.arange(A.n + 1))
    for _ in range(rounds if rounds is not None else (0 if weight is None else 1)):
        # Each actor's signature: its colour and the sorted (partner colour, tie value) pairs.
        partner_colour = colour[others]
        order = np.lexsort((values, partner_colour, ends))
        refined = key_ranks(colour, bounds, partner_colour[order], values[order])
        stable = len(distinct(refined)) == len(distinct(colour))
        colour = refined
        if stable:
            break
    return _canonical(A, colour.tolist())


#: Actors from which :func:`key_ranks` sorts in compiled code (below, numba's start-up would
#: cost more than the Python sort of the keys; the tests hold both to the same ranks).
COMPILED_ACTORS = 20_000


def key_ranks(first: np.ndarray, bounds: np.ndarray, col: np.ndarray, val: np.ndarray) -> np.ndarray:
    """The rank of each actor's key among the distinct keys in sorted order, where actor i's key
    is the tuple (first[i], ((col[k], val[k]) for k in bounds[i] … bounds[i+1] − 1))."""
    if len(first) >= COMPILED_ACTORS:
        from carenet_graph.analysis.compiled import sequence_ranks

        ranks: np.ndarray = sequence_ranks(first, bounds, col, val)
        return ranks
    cols, vals, starts = col.tolist(), val.tolist(), bounds.tolist()
    keys = [(f, tuple(zip(cols[starts[i]:starts[i + 1]], vals[starts[i]:starts[i + 1]], strict=True)))
            for i, f in enumerate(first.tolist())]
    ranking = {key: r for r, key in enumerate(sorted(set(keys)))}
    return np.array([ranking[key] for key in keys], dtype=np.int64)


def _canonical(A: GraphArrays, colours: list[int]) -> list[Hashable]:
    """The actors in a canonical labelling of the graph with these vertex colours (igraph's BLISS).

    Two relabelled copies of one network get orders that differ only by an automorphism of the
    coloured graph, so whatever is computed from the order is the same. Starting from the
    refined colours keeps the search small (about 0.3 s at 10^5 actors, measured).

    Twins — actors of one colour with the same partners, such as the spokes of a hub — can
    be exchanged by an automorphism, and BLISS individualises them one at a time, each step
    costing time in proportion to the network: a star of 4,000 spokes took half a minute, 5,000
    actors without ties (mutual mode) a minute, 10^5 would take hours. When at least
    :data:`TWINS` actors are twins of another (isolates of one colour are twins too), each class
    of twins is replaced by one actor coloured by (colour, class size); the class then takes
    that actor's place in the order (its members in the order of ``U``, which differs between
    relabelled copies only by exchanging twins, an automorphism). Smaller networks keep the
    plain labelling, so their orders (and results) are unchanged.
    """
    nodes = list(A.nodes)
    n = len(nodes)
    if n < 2:
        return nodes
    bounds, partners = partner_arrays(A)
    ends = np.repeat(np.arange(n), np.diff(bounds))
    forward = ends < partners
    edges = np.column_stack([ends[forward], partners[forward]])  # each tie once, by (a, b)
    classes = _twin_classes(np.asarray(colours, dtype=np.int64), bounds, partners)
    if sum(len(members) - 1 for members in classes) < TWINS:
        graph = load_igraph().Graph(n=n, edges=edges.tolist())
        # The vertices listed in canonical order (checked in the tests: two relabelled copies of a
        # network give orders that map one onto the other).
        canonical = graph.canonical_permutation(color=colours)
        return [nodes[i] for i in canonical]
    members_of = {members[0]: members for members in classes}
    dropped = np.zeros(n, dtype=bool)
    for members in classes:
        dropped[members[1:]] = True
    kept = np.flatnonzero(~dropped)
    new = np.full(n, -1, dtype=np.int64)
    new[kept] = np.arange(len(kept))
    inside = ~dropped[edges[:, 0]] & ~dropped[edges[:, 1]]
    reduced = new[edges[inside]]
    keys = [(colours[i], len(members_of.get(i, (i,)))) for i in kept.tolist()]
    ranks = {key: r for r, key in enumerate(sorted(set(keys)))}
    graph = load_igraph().Graph(n=len(kept), edges=reduced.tolist())
    canonical = graph.canonical_permutation(color=[ranks[key] for key in keys])
    kept_list = kept.tolist()
    return [nodes[i] for t in canonical for i in members_of.get(kept_list[t], (kept_list[t],))]


#: Twins (beyond one per class) from which on :func:`_canonical` labels the network without them.
#: Below, BLISS's cost stays small (the bundled examples have at most 176, in mutual mode).
TWINS = 256


def _twin_classes(colours: np.ndarray, bounds: np.ndarray, partners: np.ndarray) -> list[list[int]]:
    """Classes (of two or more, members in increasing position; classes by their first member) of
    actors with the same colour and the same partners (actor i's partners, increasing, each
    once: ``partners[bounds[i]:bounds[i+1]]``)."""
    ranks = key_ranks(colours, bounds, partners, np.zeros(len(partners)))
    order = np.argsort(ranks, kind="stable")  # by class, members in increasing position
    starts = [*np.flatnonzero(np.diff(ranks[order], prepend=-1)).tolist(), len(order)]
    members = order.tolist()
    classes = [members[a:b] for a, b in itertools.pairwise(starts) if b - a > 1]
    return sorted(classes, key=lambda c: c[0])
