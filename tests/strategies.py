"""Hypothesis settings and strategies shared by the test modules, declared once."""

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Derandomized: the same examples on every run and machine, so a red test is reproducible.
FAST = settings(max_examples=40, deadline=None, derandomize=True)

FLOAT_DTYPES = st.sampled_from([np.float32, np.float64])


def float_arrays(dtype=np.float64, min_dims=1, max_dims=2, min_side=1, max_side=6, bound=1e3):
    """Finite float arrays of any shape within the bounds, entries in [-bound, bound]."""
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                              max_side=max_side),
                      elements=st.floats(-bound, bound, width=np.dtype(dtype).itemsize * 8))


def batches(n_features=4, max_rows=6, bound=10.0):
    """(N, n_features) float64 batches, N from 1 to max_rows."""
    return hnp.arrays(np.float64, st.tuples(st.integers(1, max_rows), st.just(n_features)),
                      elements=st.floats(-bound, bound))
