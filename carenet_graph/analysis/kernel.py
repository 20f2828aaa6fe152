"""The compiled single-source kernel: one shortest-path search per source yields everything.

From each source s, one Dijkstra search on the ``distance`` lengths (Brandes 2001) gives

* the dependencies δ_s(v) = Σ_{w : v ∈ P_s(w)} σ_sv/σ_sw · (1 + δ_s(w)) (betweenness),
* the distances d(s, v) (closeness and harmonic centrality, summed from s or, for a directed
  graph's "distances to the actor", at every target v),

and one breadth-first search on a second (hop) graph gives the hop distances (eccentricity,
average path length, the farthest actor for a double sweep). Path lengths are compared like
igraph's ``igraph_cmp_epsilon`` (relative tolerance 1e-10), so paths whose lengths are equal in
exact arithmetic (1/3 + 1/3 + 1/3 and 1) are recognised as equally short.

Compiled with numba (wheels for every platform; nothing to compile on the user's side) and
``nogil``: :mod:`carenet_graph.analysis.paths` runs fixed chunks of sources in threads and adds
their sums in chunk order, so results do not depend on the number of threads.

Brandes U. (2001) A faster algorithm for betweenness centrality. J. Math. Sociol. 25:163–177.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: igraph's IGRAPH_SHORTEST_PATH_EPSILON: lengths within this relative difference are equal.
EPSILON = 1e-10


@njit(inline="always")
def _equal(a: float, b: float) -> bool:
    if a == b:
        return True
    return abs(a - b) < EPSILON * (abs(a) + abs(b))


@njit(inline="always")
def _sift_up(heap, pos, key, i):  # type: ignore[no-untyped-def]
    v = heap[i]
    kv = key[v]
    while i > 0:
        parent = (i - 1) >> 1
        p = heap[parent]
        if key[p] <= kv:
            break
        heap[i] = p
        pos[p] = i
        i = parent
    heap[i] = v
    pos[v] = i


@njit(inline="always")
def _sift_down(heap, pos, key, size):  # type: ignore[no-untyped-def]
    i = 0
    v = heap[0]
    kv = key[v]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and key[heap[child + 1]] < key[heap[child]]:
            child += 1
        c = heap[child]
        if key[c] >= kv:
            break
        heap[i] = c
        pos[c] = i
        i = child
    heap[i] = v
    pos[v] = i


@njit(inline="always")
def _record(pred_head, pred_node, pred_next, entries, v, w):  # type: ignore[no-untyped-def]
    pred_node[entries] = v
    pred_next[entries] = pred_head[w]
    pred_head[w] = entries
    return entries + 1


@njit(inline="always")
def _heap_search(s, indptr, indices, length, dist, sigma, order, heap, pos,  # type: ignore[no-untyped-def]
                 pred_head, pred_node, pred_next):
    """Dijkstra from ``s`` with a binary heap; lengths equal within :data:`EPSILON` count as equal.
    Returns the number of actors settled (in ``order``)."""
    settled = 0
    entries = 0
    dist[s] = 0.0
    sigma[s] = 1.0
    heap[0] = s
    pos[s] = 0
    size = 1
    while size > 0:
        v = heap[0]
        size -= 1
        if size > 0:
            heap[0] = heap[size]
            pos[heap[0]] = 0
            _sift_down(heap, pos, dist, size)
        pos[v] = -2
        order[settled] = v
        settled += 1
        dv = dist[v]
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            place = pos[w]
            if place == -2:
                continue
            alt = dv + length[e]
            if place == -1:
                dist[w] = alt
                sigma[w] = sigma[v]
                pred_head[w] = -1
                heap[size] = w
                pos[w] = size
                size += 1
                _sift_up(heap, pos, dist, size - 1)
            elif _equal(alt, dist[w]):
                sigma[w] += sigma[v]
            elif alt < dist[w]:
                dist[w] = alt
                sigma[w] = sigma[v]
                pred_head[w] = -1  # the paths found so far are not the shortest
                _sift_up(heap, pos, dist, place)
            else:
                continue
            entries = _record(pred_head, pred_node, pred_next, entries, v, w)
    return settled


#: ``whole[v]`` of an actor not reached yet; a settled actor holds −1 − its distance (negative).
UNSEEN = 2**62


@njit(inline="always")
def _bucket_search(s, indptr, indices, steps, scale, whole, dist, sigma, order,  # type: ignore[no-untyped-def]
                   bucket_head, bucket_next, bucket_prev, pred_head, pred_node, pred_next):
    """Dijkstra from ``s`` on whole-number lengths ``steps`` (length × ``scale``) with Dial's
    circular buckets: no heap, and equal lengths are equal exactly. ``whole`` (all
    :data:`UNSEEN` on entry, and again on return) holds each actor's state and distance in one
    place, so that looking at an arc's head reads one array. Returns the number settled."""
    buckets = bucket_head.shape[0]
    settled = 0
    entries = 0
    whole[s] = 0
    sigma[s] = 1.0
    bucket_head[0] = s
    bucket_next[s] = -1
    bucket_prev[s] = -1
    queued = 1
    current = 0
    while queued > 0:
        b = current % buckets
        while bucket_head[b] == -1:
            current += 1
            b = current % buckets
        v = bucket_head[b]
        bucket_head[b] = bucket_next[v]
        if bucket_next[v] >= 0:
            bucket_prev[bucket_next[v]] = -1
        queued -= 1
        order[settled] = v
        settled += 1
        dv = whole[v]
        dist[v] = dv / scale
        whole[v] = -1 - dv
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            known = whole[w]
            if known < 0:
                continue
            alt = dv + steps[e]
            if known != UNSEEN:
                if alt == known:
                    sigma[w] += sigma[v]
                    entries = _record(pred_head, pred_node, pred_next, entries, v, w)
                    continue
                if alt > known:
                    continue
                # Shorter: out of its bucket first.
                if bucket_prev[w] >= 0:
                    bucket_next[bucket_prev[w]] = bucket_next[w]
                else:
                    bucket_head[known % buckets] = bucket_next[w]
                if bucket_next[w] >= 0:
                    bucket_prev[bucket_next[w]] = bucket_prev[w]
                queued -= 1
            whole[w] = alt
            sigma[w] = sigma[v]
            pred_head[w] = -1
            target = alt % buckets
            bucket_next[w] = bucket_head[target]
            bucket_prev[w] = -1
            if bucket_head[target] >= 0:
                bucket_prev[bucket_head[target]] = w
            bucket_head[target] = w
            queued += 1
            entries = _record(pred_head, pred_node, pred_next, entries, v, w)
    for j in range(settled):
        whole[order[j]] = UNSEEN
    return settled


@njit(nogil=True, cache=True)
def chunk_pass(indptr, indices, length, steps, scale, buckets,  # type: ignore[no-untyped-def]
               hop_indptr, hop_indices, sources, flags, delta_sum, delta_squares, target_sums, source_sums,
               hop_sums):
    """Search from every actor in ``sources``; add the results into the output arrays.

    The search runs on ``length``, or, when ``scale`` > 0, on the whole numbers ``steps`` =
    length × scale with ``buckets`` (> the longest step) buckets. ``flags`` = (dijkstra,
    squares, targets, hops) as 0/1. Outputs (all added to):
    ``delta_sum[v]`` Σ_s δ_s(v) and ``delta_squares[v]`` Σ_s δ_s(v)² (if squares);
    ``target_sums[k, v]`` for k = 0..4: Σ_s d(s,v), Σ d², Σ 1/d, Σ 1/d², number of s (s ≠ v,
    reached; if targets); ``source_sums[i, k]`` for the i-th source: Σ_v d(s,v), Σ 1/d, actors
    reached (itself included); ``hop_sums[i, k]``: Σ hops, largest hop distance, actors reached,
    the first actor at the largest hop distance (if hops).
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    # 32-bit positions: half the memory traffic of 64-bit ones (n < 2**31).
    order = np.empty(n, np.int32)
    heap = np.empty(n, np.int32)
    pos = np.full(n, -1, np.int32)  # -1 unseen, -2 settled, else the place in the heap (0: queued)
    hops = np.full(n, -1, np.int32)
    queue = np.empty(n, np.int32)
    # Predecessors on shortest paths as linked lists over the arcs relaxed (at most one entry per
    # arc and source): the dependencies then visit only them, not every arc again.
    arcs = max(indices.shape[0], 1)
    pred_head = np.full(n, -1, np.int32)
    pred_node = np.empty(arcs, np.int32)
    pred_next = np.empty(arcs, np.int32)
    whole = np.full(n if scale > 0 else 0, UNSEEN, np.int64)
    bucket_head = np.full(buckets if scale > 0 else 0, -1, np.int32)
    bucket_next = np.empty(n if scale > 0 else 0, np.int32)
    bucket_prev = np.empty(n if scale > 0 else 0, np.int32)
    dijkstra, squares, targets, want_hops = flags[0] == 1, flags[1] == 1, flags[2] == 1, flags[3] == 1
    bucketed = scale > 0
    for i in range(sources.shape[0]):
        s = sources[i]
        if dijkstra:
            pred_head[s] = -1  # the source has no predecessors (it may have had some as a target)
            if bucketed:
                settled = _bucket_search(s, indptr, indices, steps, scale, whole, dist, sigma, order,
                                         bucket_head, bucket_next, bucket_prev, pred_head, pred_node, pred_next)
            else:
                settled = _heap_search(s, indptr, indices, length, dist, sigma, order, heap, pos,
                                       pred_head, pred_node, pred_next)
            # Dependencies, farthest first: δ(v) += σ(v)/σ(w) · (1 + δ(w)) for each predecessor v of w.
            for j in range(settled - 1, -1, -1):
                w = order[j]
                coefficient = (1.0 + delta[w]) / sigma[w]
                entry = pred_head[w]
                while entry >= 0:
                    v = pred_node[entry]
                    delta[v] += sigma[v] * coefficient
                    entry = pred_next[entry]
            total = 0.0
            inverse = 0.0
            # Only delta (added to) and the heap's places (read before written) need resetting
            # for the next source; every other array is written when an actor is first reached.
            delta[s] = 0.0
            pos[s] = -1
            for j in range(1, settled):
                w = order[j]
                if not bucketed:
                    pos[w] = -1
                d = dist[w]
                total += d
                inverse += 1.0 / d
                delta_sum[w] += delta[w]
                if squares:
                    delta_squares[w] += delta[w] * delta[w]
                if targets:
                    target_sums[0, w] += d
                    target_sums[1, w] += d * d
                    target_sums[2, w] += 1.0 / d
                    target_sums[3, w] += 1.0 / (d * d)
                    target_sums[4, w] += 1.0
                delta[w] = 0.0
            source_sums[i, 0] += total
            source_sums[i, 1] += inverse
            source_sums[i, 2] += settled
        if want_hops:
            hops[s] = 0
            queue[0] = s
            head = 0
            tail = 1
            far = s
            while head < tail:
                v = queue[head]
                head += 1
                hv = hops[v] + 1
                for e in range(hop_indptr[v], hop_indptr[v + 1]):
                    w = hop_indices[e]
                    if hops[w] < 0:
                        hops[w] = hv
                        queue[tail] = w
                        tail += 1
            total_hops = 0
            for j in range(tail):
                h = hops[queue[j]]
                total_hops += h
                if h > hops[far] or (h == hops[far] and queue[j] < far):
                    far = queue[j]  # the lowest-numbered actor at the largest distance
            hop_sums[i, 0] += total_hops
            hop_sums[i, 1] += hops[far]
            hop_sums[i, 2] += tail
            hop_sums[i, 3] = far
            for j in range(tail):
                hops[queue[j]] = -1
