"""The sort-based stand-ins for ``np.unique`` (analysis.arrays) give exactly what it gives."""

from __future__ import annotations

import numpy as np
import pytest

from carenet_graph.analysis.arrays import distinct, distinct_counts, distinct_first, distinct_inverse


@pytest.mark.parametrize("size", [0, 1, 2, 17, 5000])
@pytest.mark.parametrize("spread", [3, 10**12])
def test_distinct_helpers_equal_numpy_unique(size: int, spread: int) -> None:
    rng = np.random.default_rng(size + spread)
    values = rng.integers(-spread, spread, size)
    expected = np.unique(values)
    assert np.array_equal(distinct(values), expected)
    keys, counts = distinct_counts(values)
    plain_keys, plain_counts = np.unique(values, return_counts=True)
    assert np.array_equal(keys, plain_keys) and np.array_equal(counts, plain_counts)
    keys, first = distinct_first(values)
    plain_keys, plain_first = np.unique(values, return_index=True)
    assert np.array_equal(keys, plain_keys) and np.array_equal(first, plain_first)
    keys, inverse = distinct_inverse(values)
    plain_keys, plain_inverse = np.unique(values, return_inverse=True)
    assert np.array_equal(keys, plain_keys) and np.array_equal(inverse, plain_inverse.ravel())
    assert np.array_equal(keys[inverse], values)
