"""Known mistakes and accepted alternatives for notebook 02 (dense layers on batches), keyed by graded function name.

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


def _forward_returns_list(X, W, b):
    return [[float(X[i] @ W[:, j] + b[j]) for j in range(W.shape[1])] for i in range(len(X))]


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


def _init_integer_division(n_in, n_out, rng, scheme="he"):
    std = {"small": 0.01, "xavier": np.sqrt(1 // n_in), "he": np.sqrt(2 // n_in)}
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    return rng.standard_normal((n_in, n_out)) * std[scheme], np.zeros(n_out)


def _init_integer_zeros(n_in, n_out, rng, scheme="he"):
    if scheme == "zeros":
        return np.zeros((n_in, n_out), dtype=int), np.zeros(n_out, dtype=int)
    return _normal_init()(n_in, n_out, rng, scheme)


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
        Mistake("W transposed", "W has shape (n_in, n_out), one column per neuron; multiplying by its transpose "
                "uses each neuron's weights as if they were an input's.", _forward_w_transposed),
        Mistake("samples as columns", "multiplying W's transpose by X's transpose puts the samples in columns "
                "and gives the (n_out, N) transpose of the answer: the course keeps samples in rows.",
                _forward_samples_as_columns),
        Mistake("bias forgotten", "every sample's outputs get the layer's biases added after the product.",
                _forward_bias_forgotten),
        Mistake("bias along the wrong axis", "b has one entry per neuron (per column of the output) and "
                "broadcasts along each row; turning it into a column adds b[i] to sample i instead.",
                _forward_bias_per_row),
        Mistake("biases summed", "each neuron adds its own bias: add the vector b, not its total.",
                _forward_biases_summed),
        Mistake("overwrites X", "writing the outputs into the rows of X destroys the caller's batch (and only "
                "fits when n_in == n_out): compute the result into a new array.", _forward_overwrites_rows_of_x),
        Mistake("loop skips the last sample", "the loop stops one row early: range(n) already stops before n. "
                "A single matrix product handles every sample at once, without a loop.",
                _forward_loop_drops_last_row),
        Mistake("first sample only", "X holds a batch, one sample per row: the output has one row per sample, "
                "shape (N, n_out).", _forward_first_sample_only),
        Mistake("returns a list", "the numbers are right, but the exercise asks for a NumPy array: a list of "
                "lists has no .shape, and the next layer's matrix product and the plots need an array.",
                _forward_returns_list),
    ],
    "init_dense": [
        Mistake("default scheme not he", "when scheme is not given, the exercise's default is \"he\": the "
                "signature's default value must be \"he\".", _init_default_xavier),
        Mistake("he with sqrt(1 / n_in)", "that is xavier's standard deviation; he doubles the variance, "
                "to 2 / n_in.", _normal_init(he=_STD["xavier"])),
        Mistake("variance used as the standard deviation", "2 / n_in (he) and 1 / n_in (xavier) are "
                "variances, and a standard normal draw has standard deviation 1: scale it by the square root "
                "of the variance.", _normal_init(he=lambda n_in, n_out: 2 / n_in,
                                                 xavier=lambda n_in, n_out: 1 / n_in)),
        Mistake("he with n_in + n_out", "he's variance is 2 / n_in, counting only the inputs of each neuron, "
                "not 2 / (n_in + n_out).", _normal_init(he=lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)))),
        Mistake("he with n_out", "he's variance is 2 / n_in, with n_in the number of inputs (rows of W), "
                "not 2 / n_out.", _normal_init(he=lambda n_in, n_out: np.sqrt(2 / n_out))),
        Mistake("xavier with n_out", "this course's xavier variance is 1 / n_in, with n_in the number of "
                "inputs (rows of W), not 1 / n_out.", _normal_init(xavier=lambda n_in, n_out: np.sqrt(1 / n_out))),
        Mistake("xavier as 2 / (n_in + n_out)", "that is Glorot's averaged form; this course's xavier is "
                "N(0, 1 / n_in).", _normal_init(xavier=lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)))),
        Mistake("small without the 0.01", "\"small\" is 0.01 times a standard normal draw.",
                _normal_init(small=lambda n_in, n_out: 1.0)),
        Mistake("integer division in the scale", "in Python, // is integer division: 2 // 250 is 0, so every "
                "weight is multiplied by 0. The variance is the true quotient 2 / n_in.",
                _init_integer_division),
        Mistake("zeros scheme not handled", "scheme \"zeros\" gives W of zeros, with no random draw at all.",
                _init_zeros_falls_through),
        Mistake("integer zeros", "the zeros are integers: the exercise asks for float arrays, which training "
                "can later change by fractions.", _init_integer_zeros),
        Mistake("W of shape (n_out, n_in)", "W has one row per input and one column per neuron, shape "
                "(n_in, n_out), so that a batch of shape (N, n_in) can be multiplied by it.",
                _init_weights_transposed),
        Mistake("b of shape (1, n_out)", "b is a vector of shape (n_out,), not a (1, n_out) row.", _init_bias_row),
        Mistake("returns (b, W)", "the pair comes in the order (W, b).", _init_returns_b_then_w),
        Mistake("returns W alone", "init_dense returns the pair (W, b), not W alone.", _init_returns_w_alone),
        Mistake("random biases", "biases start at zero; only W is random.", _init_random_biases),
        Mistake("np.random instead of rng", "np.random's functions (randn, normal, seed) use NumPy's hidden global "
                "state, so the result depends on whatever ran before. Draw from the rng argument.",
                _init_global_random_state),
        Mistake("own Generator instead of rng", "a Generator created inside the function ignores the one the "
                "caller passed, so every call gives the same W whatever rng it gets: draw from the rng "
                "argument.", _init_own_generator),
        Mistake("uniform instead of normal", "the schemes draw from a normal (Gaussian) distribution, not a "
                "uniform one, even one with the right spread.", _init_uniform),
        Mistake("rng.random instead of a normal draw", "rng.random gives uniform numbers in [0, 1), all "
                "positive; the schemes need standard normal draws, centred on 0.", _init_rng_random),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _forward_loop(X, W, b):
    out = np.zeros((X.shape[0], W.shape[1]), dtype=np.result_type(X, W, b))
    for i in range(X.shape[0]):
        out[i] = X[i] @ W + b
    return out


def _init_normal_scale(n_in, n_out, rng, scheme="he"):
    scale = {"zeros": 0.0, "small": 0.01, "xavier": (1 / n_in) ** 0.5, "he": (2 / n_in) ** 0.5}[scheme]
    if scale == 0.0:
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    return rng.normal(0.0, scale, size=(n_in, n_out)), np.zeros(n_out)


def _init_column_by_column(n_in, n_out, rng, scheme="he"):
    W = np.zeros((n_in, n_out))
    if scheme != "zeros":
        std = {"small": 0.01, "xavier": np.sqrt(1 / n_in), "he": np.sqrt(2 / n_in)}[scheme]
        for j in range(n_out):
            W[:, j] = std * rng.standard_normal(n_in)
    return W, np.zeros(n_out)


def _init_transposed_draw(n_in, n_out, rng, scheme="he"):
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros((n_out,))
    variance = {"small": 1e-4, "xavier": 1 / n_in, "he": 2 / n_in}[scheme]
    return np.sqrt(variance) * rng.standard_normal((n_out, n_in)).T, np.zeros(n_out)


ALTERNATIVES = {
    "dense_forward": [
        lambda X, W, b: np.dot(X, W) + b,
        lambda X, W, b: np.einsum("ni,io->no", X, W) + b,
        lambda X, W, b: (X[:, :, None] * W[None, :, :]).sum(axis=1) + b,
        lambda X, W, b: (W.T @ X.T).T + b,
        lambda X, W, b: X @ W + b.reshape(1, -1),
        _forward_loop,
    ],
    "init_dense": [_init_normal_scale, _init_column_by_column, _init_transposed_draw],
}
