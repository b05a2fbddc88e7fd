"""Dense layers on batches (notebook 02)."""

import numpy as np

INIT_SCHEMES = ("zeros", "small", "xavier", "he")


def dense_forward(X, W, b):
    """Forward pass of a dense layer on a batch.

    X: (N, n_in), one sample per row; W: (n_in, n_out); b: (n_out,). Returns (N, n_out).
    """
    return X @ W + b


def init_dense(n_in, n_out, rng, scheme="he"):
    """Initial weights and biases of a dense layer.

    rng: numpy.random.Generator, the only source of randomness.
    scheme: "zeros"; "small" (0.01 * N(0, 1)); "xavier" (N(0, 1/n_in)); "he" (N(0, 2/n_in)).
    Returns W (n_in, n_out) and b (n_out,) of zeros.
    """
    if scheme == "zeros":
        W = np.zeros((n_in, n_out))
    elif scheme == "small":
        W = 0.01 * rng.standard_normal((n_in, n_out))
    elif scheme == "xavier":
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(1.0 / n_in)
    elif scheme == "he":
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
    else:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {INIT_SCHEMES}")
    return W, np.zeros(n_out)
