"""Compiled loops for measures whose inner step numpy can only do with large temporaries.

Loaded on first use (numba compiles them once and caches the machine code beside the module),
so that small networks, which never reach these loops, do not pay numba's start-up.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(nogil=True, cache=True)
def external_ties(codes, ua, ub):  # type: ignore[no-untyped-def]
    """The number of ties k with ``codes[ua[k]] != codes[ub[k]]`` (ties between groups).

    The same count as ``np.count_nonzero(codes[ua] != codes[ub])``, in one pass without the
    two gathered copies (at 10^6 actors and 5·10^6 ties: a fourth of numpy's time per draw).
    """
    count = 0
    for k in range(ua.shape[0]):
        if codes[ua[k]] != codes[ub[k]]:
            count += 1
    return count


def smallest_codes(codes: np.ndarray, groups: int) -> np.ndarray:
    """``codes`` (0 … groups − 1) in the narrowest integer type: a permutation of them draws
    the same shuffle (numpy's shuffle swaps positions whatever the item size) and moves less."""
    for kind in (np.int8, np.int16, np.int32):
        if groups <= np.iinfo(kind).max:
            return codes.astype(kind)
    return codes.astype(np.int64)


@njit(inline="always")
def _compare(first, bounds, col, val, a, b):  # type: ignore[no-untyped-def]
    """−1, 0 or 1 as actor a's key (first[a], (col, val) pairs of its run) sorts before, with or
    after actor b's: Python's order of the tuples (first, ((col, val), ...)); a prefix first."""
    if first[a] != first[b]:
        return -1 if first[a] < first[b] else 1
    start_a, start_b = bounds[a], bounds[b]
    length_a, length_b = bounds[a + 1] - start_a, bounds[b + 1] - start_b
    for k in range(min(length_a, length_b)):
        x, y = col[start_a + k], col[start_b + k]
        if x != y:
            return -1 if x < y else 1
        p, q = val[start_a + k], val[start_b + k]
        if p != q:
            return -1 if p < q else 1
    if length_a != length_b:
        return -1 if length_a < length_b else 1
    return 0


@njit(cache=True)
def sequence_ranks(first, bounds, col, val):  # type: ignore[no-untyped-def]
    """The rank of each actor's key among the distinct keys, in sorted order (0, 1, ...).

    An actor's key is the tuple (``first[i]``, ((``col[k]``, ``val[k]``) for k in
    ``bounds[i]`` … ``bounds[i+1]``−1)); keys compare as Python compares such tuples, so the
    ranks equal ``{key: r for r, key in enumerate(sorted(set(keys)))}`` looked up per actor.
    A bottom-up merge sort over the actors with that comparison: n log n comparisons of short
    runs instead of n Python tuples.
    """
    n = first.shape[0]
    order = np.arange(n)
    buffer = np.empty(n, np.int64)
    width = 1
    while width < n:
        for low in range(0, n, 2 * width):
            middle = min(low + width, n)
            high = min(low + 2 * width, n)
            i, j, k = low, middle, low
            while i < middle and j < high:
                if _compare(first, bounds, col, val, order[j], order[i]) < 0:
                    buffer[k] = order[j]
                    j += 1
                else:
                    buffer[k] = order[i]
                    i += 1
                k += 1
            while i < middle:
                buffer[k] = order[i]
                i += 1
                k += 1
            while j < high:
                buffer[k] = order[j]
                j += 1
                k += 1
        order, buffer = buffer, order
        width *= 2
    ranks = np.empty(n, np.int64)
    rank = -1
    for t in range(n):
        if t == 0 or _compare(first, bounds, col, val, order[t - 1], order[t]) != 0:
            rank += 1
        ranks[order[t]] = rank
    return ranks


@njit(inline="always")
def _block_sum(values, low, count):  # type: ignore[no-untyped-def]
    """numpy's sum of a run of at most 128: below 8 one by one, else eight interleaved sums."""
    if count < 8:
        total = 0.0
        for i in range(count):
            total += values[low + i]
        return total
    r0, r1, r2, r3 = values[low], values[low + 1], values[low + 2], values[low + 3]
    r4, r5, r6, r7 = values[low + 4], values[low + 5], values[low + 6], values[low + 7]
    i = 8
    while i < count - count % 8:
        r0 += values[low + i]
        r1 += values[low + i + 1]
        r2 += values[low + i + 2]
        r3 += values[low + i + 3]
        r4 += values[low + i + 4]
        r5 += values[low + i + 5]
        r6 += values[low + i + 6]
        r7 += values[low + i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < count:
        total += values[low + i]
        i += 1
    return total


@njit(inline="always")
def _pairwise_sum(values, low, count):  # type: ignore[no-untyped-def]
    """Σ values[low : low + count] added in numpy's order (``pairwise_sum`` in numpy's
    ``loops_utils.h``: runs up to 128 by :func:`_block_sum`, longer ones split in two halves at
    a multiple of 8 and the halves' sums added), so that a compiled loop over many runs gives,
    to the bit, what ``values[low:low + count].sum()`` gives (tested). The halving runs on an
    explicit stack: numba's cache cannot hold recursive functions."""
    if count <= 128:
        return _block_sum(values, low, count)
    lows = np.empty(128, np.int64)
    counts = np.empty(128, np.int64)
    split = np.zeros(128, np.bool_)
    sums = np.empty(128)
    top, done = 0, 0
    lows[0], counts[0] = low, count
    while top >= 0:
        start, size = lows[top], counts[top]
        if size <= 128:
            sums[done] = _block_sum(values, start, size)
            done += 1
            top -= 1
        elif split[top]:  # both halves are summed: left below right on the stack of sums
            sums[done - 2] = sums[done - 2] + sums[done - 1]
            done -= 1
            split[top] = False
            top -= 1
        else:
            split[top] = True
            half = size // 2
            half -= half % 8
            lows[top + 1], counts[top + 1], split[top + 1] = start + half, size - half, False
            lows[top + 2], counts[top + 2], split[top + 2] = start, half, False
            top += 2
    return sums[0]


@njit(cache=True)
def row_sums(values, indptr):  # type: ignore[no-untyped-def]
    """``values[indptr[i]:indptr[i+1]].sum()`` for every row i, each in numpy's order."""
    rows = indptr.shape[0] - 1
    out = np.empty(rows)
    for i in range(rows):
        out[i] = 0.0 + _pairwise_sum(values, indptr[i], indptr[i + 1] - indptr[i])
    return out


@njit(cache=True)
def cut_points(bounds, partners):  # type: ignore[no-untyped-def]
    """:func:`carenet_graph.analysis.fragility.fragility`'s depth-first search, compiled.

    Actor v's partners are ``partners[bounds[v]:bounds[v+1]]`` (increasing, each once). Returns
    (articulation point?, removal impact) per actor and the bridges as two arrays (parent,
    child) in the order the search finds them — the same search, in the same order, with the
    pair counts in 64-bit integers (exact below 4·10^9 actors) and the impact as one division of
    two integers below 2^53, as Python divides them.
    """
    n = bounds.shape[0] - 1
    disc = np.full(n, -1, np.int64)
    low = np.zeros(n, np.int64)
    size = np.ones(n, np.int64)
    comp_size = np.zeros(n, np.int64)
    is_root = np.zeros(n, np.bool_)
    piece_sum = np.zeros(n, np.int64)  # actors in the pieces v cuts off below it
    piece_pairs = np.zeros(n, np.int64)  # Σ C(|p|, 2) over those pieces
    stack_v = np.empty(n, np.int64)
    stack_parent = np.empty(n, np.int64)
    stack_next = np.empty(n, np.int64)  # the next partner of stack_v to look at
    members = np.empty(n, np.int64)
    bridge_parent = np.empty(n, np.int64)
    bridge_child = np.empty(n, np.int64)
    bridges = 0
    connected = 0
    timer = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        count = 1
        members[0] = root
        disc[root] = timer
        low[root] = timer
        timer += 1
        top = 0
        stack_v[0], stack_parent[0], stack_next[0] = root, -1, bounds[root]
        while top >= 0:
            v, parent = stack_v[top], stack_parent[top]
            advanced = False
            while stack_next[top] < bounds[v + 1]:
                w = partners[stack_next[top]]
                stack_next[top] += 1
                if disc[w] == -1:
                    disc[w] = timer
                    low[w] = timer
                    timer += 1
                    members[count] = w
                    count += 1
                    top += 1
                    stack_v[top], stack_parent[top], stack_next[top] = w, v, bounds[w]
                    advanced = True
                    break
                if w != parent:
                    low[v] = min(low[v], disc[w])
            if advanced:
                continue
            top -= 1
            if parent >= 0:
                size[parent] += size[v]
                low[parent] = min(low[parent], low[v])
                if low[v] >= disc[parent]:
                    piece_sum[parent] += size[v]
                    piece_pairs[parent] += size[v] * (size[v] - 1) // 2
                if low[v] > disc[parent]:
                    bridge_parent[bridges] = parent
                    bridge_child[bridges] = v
                    bridges += 1
        for k in range(count):
            comp_size[members[k]] = count
        is_root[root] = True
        connected += count * (count - 1) // 2
    articulation = np.zeros(n, np.bool_)
    impact = np.zeros(n)
    for v in range(n):
        s = comp_size[v]
        parts = piece_pairs[v]
        if not is_root[v]:  # a non-root also leaves the rest of its component
            rest = s - 1 - piece_sum[v]
            parts += rest * (rest - 1) // 2
        lost = (s - 1) * (s - 2) // 2 - parts
        denominator = connected - (s - 1)
        if lost > 0:
            articulation[v] = True
            impact[v] = lost / denominator if denominator > 0 else 0.0
    return articulation, impact, bridge_parent[:bridges], bridge_child[:bridges]
