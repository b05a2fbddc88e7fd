"""Known mistakes for notebook 02 (dense layers on batches), keyed by graded function name.

A check names the first mistake that behaves like the student's code on the case that failed, so where
two mistakes could look alike the more specific one comes first. init_dense's output is random, so its
check matches a mistake by the measured symptom (the same shapes, a standard deviation in the same
ratio to the target, ...) rather than by equal values.
"""

import numpy as np

from autograde_tests.core import Mistake

# ---------------------------------------------------------------------------------------------
# dense_forward(X, W, b)


def _forward_w_transposed(X, W, b):
    return X @ W.T + b


def _forward_samples_as_columns(X, W, b):
    return W.T @ X.T + b[:, None]


def _forward_bias_forgotten(X, W, b):
    return X @ W


def _forward_bias_per_row(X, W, b):
    return X @ W + b[:, None]


def _forward_biases_summed(X, W, b):
    return X @ W + b.sum()


def _forward_overwrites_rows_of_x(X, W, b):
    for i in range(len(X)):
        X[i] = X[i] @ W + b
    return X


def _forward_loop_drops_last_row(X, W, b):
    return np.array([X[i] @ W + b for i in range(len(X) - 1)])


def _forward_first_sample_only(X, W, b):
    return X[0] @ W + b


# ---------------------------------------------------------------------------------------------
# init_dense(n_in, n_out, rng, scheme="he")

_STD = {
    "small": lambda n_in, n_out: 0.01,
    "xavier": lambda n_in, n_out: np.sqrt(1 / n_in),
    "he": lambda n_in, n_out: np.sqrt(2 / n_in),
}


def _normal_init(**wrong_std):
    """A correct init_dense, except that the standard deviation of the schemes given is computed wrongly.

    wrong_std: scheme -> function (n_in, n_out) -> the (wrong) standard deviation used for that scheme.
    """
    std = {**_STD, **wrong_std}

    def init_dense(n_in, n_out, rng, scheme="he"):
        if scheme == "zeros":
            return np.zeros((n_in, n_out)), np.zeros(n_out)
        return rng.standard_normal((n_in, n_out)) * std[scheme](n_in, n_out), np.zeros(n_out)

    return init_dense


def _init_default_xavier(n_in, n_out, rng, scheme="xavier"):
    return _normal_init()(n_in, n_out, rng, scheme)


def _init_weights_transposed(n_in, n_out, rng, scheme="he"):
    if scheme == "zeros":
        return np.zeros((n_out, n_in)), np.zeros(n_out)
    return rng.standard_normal((n_out, n_in)) * _STD[scheme](n_in, n_out), np.zeros(n_out)


def _init_bias_row(n_in, n_out, rng, scheme="he"):
    W, _ = _normal_init()(n_in, n_out, rng, scheme)
    return W, np.zeros((1, n_out))


def _init_returns_b_then_w(n_in, n_out, rng, scheme="he"):
    W, b = _normal_init()(n_in, n_out, rng, scheme)
    return b, W


def _init_returns_w_alone(n_in, n_out, rng, scheme="he"):
    return _normal_init()(n_in, n_out, rng, scheme)[0]


def _init_global_random_state(n_in, n_out, rng, scheme="he"):
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    return np.random.randn(n_in, n_out) * _STD[scheme](n_in, n_out), np.zeros(n_out)


def _init_own_generator(n_in, n_out, rng, scheme="he"):
    return _normal_init()(n_in, n_out, np.random.default_rng(0), scheme)


def _init_random_biases(n_in, n_out, rng, scheme="he"):
    W, _ = _normal_init()(n_in, n_out, rng, scheme)
    return W, rng.standard_normal(n_out) * 0.01


def _init_uniform(n_in, n_out, rng, scheme="he"):
    # Uniform on [-a, a] has standard deviation a / sqrt(3): the right spread, the wrong distribution.
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    limit = np.sqrt(3) * _STD[scheme](n_in, n_out)
    return rng.uniform(-limit, limit, size=(n_in, n_out)), np.zeros(n_out)


def _init_rng_random(n_in, n_out, rng, scheme="he"):
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    return rng.random((n_in, n_out)) * _STD[scheme](n_in, n_out), np.zeros(n_out)


def _init_zeros_falls_through(n_in, n_out, rng, scheme="he"):
    if scheme == "he":
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)
    elif scheme == "xavier":
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(1 / n_in)
    else:  # meant for "small", but "zeros" ends up here too
        W = 0.01 * rng.standard_normal((n_in, n_out))
    return W, np.zeros(n_out)


MISTAKES = {
    "dense_forward": [
        Mistake("W transposed", "W has shape (n_in, n_out), so the product is X @ W; X @ W.T uses each "
                "neuron's weights as if they were an input's.", _forward_w_transposed),
        Mistake("samples as columns", "W.T @ X.T puts the samples in columns and gives the (n_out, N) "
                "transpose of the answer: the course keeps samples in rows, X @ W + b.",
                _forward_samples_as_columns),
        Mistake("bias forgotten", "every sample's outputs get the layer's biases added: X @ W + b.",
                _forward_bias_forgotten),
        Mistake("bias along the wrong axis", "b has one entry per neuron (per column of the output), and "
                "X @ W + b broadcasts it along each row; b[:, None] adds b[i] to sample i instead.",
                _forward_bias_per_row),
        Mistake("biases summed", "each neuron adds its own bias: + b (a vector), not + b.sum().",
                _forward_biases_summed),
        Mistake("overwrites X", "writing the outputs into the rows of X destroys the caller's batch (and "
                "only fits when n_in == n_out): return a new array, X @ W + b.", _forward_overwrites_rows_of_x),
        Mistake("loop skips the last sample", "range(len(X) - 1) stops one row early; X @ W + b handles "
                "every sample at once, without a loop.", _forward_loop_drops_last_row),
        Mistake("first sample only", "X holds a batch, one sample per row: the output has one row per "
                "sample, shape (N, n_out). X @ W + b computes them all.", _forward_first_sample_only),
    ],
    "init_dense": [
        # Before "he with sqrt(1 / n_in)": both give xavier's spread when scheme is left out, and only
        # this one gets the explicit "he" right.
        Mistake("default scheme not he", "when scheme is not given, the contract's default is \"he\": "
                "def init_dense(n_in, n_out, rng, scheme=\"he\").", _init_default_xavier),
        Mistake("he with sqrt(1 / n_in)", "that is xavier's standard deviation; he doubles the variance: "
                "std = sqrt(2 / n_in).", _normal_init(he=_STD["xavier"])),
        Mistake("variance used as the standard deviation", "2 / n_in (he) and 1 / n_in (xavier) are "
                "variances; rng.standard_normal draws with std 1, so multiply by their square root, "
                "np.sqrt(2 / n_in).", _normal_init(he=lambda n_in, n_out: 2 / n_in,
                                                    xavier=lambda n_in, n_out: 1 / n_in)),
        Mistake("he with n_in + n_out", "he's variance is 2 / n_in, counting only the inputs of each neuron, "
                "not 2 / (n_in + n_out).", _normal_init(he=lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)))),
        Mistake("he with n_out", "he's variance is 2 / n_in, with n_in the number of inputs (rows of W), "
                "not 2 / n_out.", _normal_init(he=lambda n_in, n_out: np.sqrt(2 / n_out))),
        Mistake("xavier with n_out", "this course's xavier variance is 1 / n_in, with n_in the number of "
                "inputs (rows of W), not 1 / n_out.", _normal_init(xavier=lambda n_in, n_out: np.sqrt(1 / n_out))),
        Mistake("xavier as 2 / (n_in + n_out)", "that is Glorot's averaged form; this course's xavier is "
                "N(0, 1 / n_in), std = sqrt(1 / n_in).",
                _normal_init(xavier=lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)))),
        Mistake("small without the 0.01", "\"small\" is 0.01 * N(0, 1): a standard normal draw times 0.01.",
                _normal_init(small=lambda n_in, n_out: 1.0)),
        Mistake("zeros scheme not handled", "scheme \"zeros\" gives W = np.zeros((n_in, n_out)), no random "
                "draw at all.", _init_zeros_falls_through),
        Mistake("W of shape (n_out, n_in)", "W has one row per input and one column per neuron: shape "
                "(n_in, n_out), so that X @ W works for X of shape (N, n_in).", _init_weights_transposed),
        Mistake("b of shape (1, n_out)", "b is a vector of shape (n_out,): np.zeros(n_out), not "
                "np.zeros((1, n_out)).", _init_bias_row),
        Mistake("returns (b, W)", "the contract's order is (W, b): return W, b.", _init_returns_b_then_w),
        Mistake("returns W alone", "init_dense returns the pair (W, b): end with return W, b.",
                _init_returns_w_alone),
        Mistake("random biases", "biases start at zero: b = np.zeros(n_out); only W is random.",
                _init_random_biases),
        Mistake("np.random instead of rng", "np.random.randn (like np.random.normal and np.random.seed) uses "
                "NumPy's hidden global state, so the result depends on whatever ran before. Draw from the "
                "rng argument: rng.standard_normal((n_in, n_out)).", _init_global_random_state),
        Mistake("own Generator instead of rng", "a Generator created inside the function ignores the one the "
                "caller passed, so every call gives the same W whatever rng it gets: draw from the rng "
                "argument.", _init_own_generator),
        Mistake("uniform instead of normal", "the schemes draw from a normal (Gaussian) distribution, "
                "rng.standard_normal, not a uniform one, even one with the right spread.", _init_uniform),
        Mistake("rng.random instead of a normal draw", "rng.random gives uniform numbers in [0, 1), all "
                "positive; the schemes need a standard normal draw, rng.standard_normal, centred on 0.",
                _init_rng_random),
    ],
}
