"""Checks for notebook 08: a fully connected network of any depth, its initialisation, forward and backward
passes."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.calling import call_student
from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook, Verdict, by_value
from autograde_tests.judging import Parts
from autograde_tests.messages import describe, format_pair, format_value
from autograde_tests.nb02 import (
    MIN_STATISTICS_SIZE,
    NORMAL_WITHIN_ONE_STD,
    STD,
    STD_FORMULA,
    STD_TOLERANCE,
    SeededCase,
    failed,
    weight_statistics,
)
from autograde_tests.properties import behaviour_verdict, reproducibility, rng_unused
from course_lib import network

SEED = 8

# ---------------------------------------------------------------------------------------------
# init_network(layer_sizes, rng, scheme="he"): random, so judged by its properties as init_dense is in
# notebook 02 (same statistics and tolerances), layer by layer: the keys W1, b1, ..., WL, bL, each
# layer's shapes, zero biases, draws from rng, and each weight matrix's mean, spread (for its own n_in)
# and normal shape wherever it has at least MIN_STATISTICS_SIZE entries.

INIT_PARAMETERS = ("layer_sizes", "rng", "scheme")


@dataclass(frozen=True)
class NetworkInitCase(SeededCase):
    """One call of init_network. scheme None leaves it out (the default "he"); container: how layer_sizes
    is passed ("list", "tuple" or "array", a NumPy integer array)."""

    option, left_out = "scheme", 'the default, "he"'
    sizes: tuple
    scheme: str | None
    seed: int
    positional: bool = False
    container: str = "list"

    @property
    def effective_scheme(self):
        return self.scheme or "he"

    @property
    def layers(self):
        return len(self.sizes) - 1

    @property
    def text(self):
        shown = {"list": list(self.sizes), "tuple": tuple(self.sizes)}.get(self.container)
        return "layer_sizes = " + (f"np.array({list(self.sizes)})" if shown is None else repr(shown))

    def arguments(self):
        return ({"list": list, "tuple": tuple}.get(self.container, np.array)(self.sizes),)


def _init_cases(hidden):
    """init_network: W1, b1, ..., WL, bL for L = len(layer_sizes) - 1 layers, each drawn like init_dense.

    Checked for every case: the call behaves (no error, warning or stderr; NumPy's global random state left
    alone); it returns a dict with exactly the keys W1, b1, ..., WL, bL of float arrays, W{l} of shape
    (layer_sizes[l-1], layer_sizes[l]) and b{l} zeros of shape (layer_sizes[l],); "zeros" gives zero
    weights; the random schemes draw from rng (same seed, same weights; another seed, others) and every
    weight matrix of at least 40,000 entries has mean about 0 and the scheme's standard deviation for its
    own n_in within 3%, normally distributed.
    """
    # Every weight matrix of the first cases has at least 40,000 entries, and n_in differs from n_out in
    # every layer, so that each layer's spread is measured against its own n_in.
    big = (200, 250, 160, 250)
    cases = [
        NetworkInitCase(big, "he", seed=0),
        NetworkInitCase(big, "xavier", seed=1),
        NetworkInitCase(big, "small", seed=2),
        NetworkInitCase(big, "zeros", seed=3),
        NetworkInitCase(big, None, seed=4),
        NetworkInitCase((4, 8, 8, 6, 8, 3), "he", seed=5),
    ]
    if hidden:
        cases += [
            NetworkInitCase((250, 200, 300), "he", seed=6, container="tuple"),
            NetworkInitCase((300, 160, 400, 120), "xavier", seed=7, positional=True),
            NetworkInitCase((400, 125), "he", seed=8),
            NetworkInitCase((160, 250, 200), "small", seed=9, container="array"),
            NetworkInitCase((5, 3, 7, 2), "zeros", seed=10),
            NetworkInitCase((2, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 4), "he", seed=11),
            NetworkInitCase((1, 1), "xavier", seed=12),
        ]
    return cases


def _structure_verdict(value, case):
    """The Verdict when the result is not a dict of float arrays with the keys and shapes asked for."""
    if value is None:
        return failed("none", "None", "a dict of parameters", "the function returns None: is a `return` statement "
                      "missing?", "none")
    if not isinstance(value, dict):
        return failed("type", describe(value), "a dict with keys W1, b1, ..., WL, bL",
                      "collect the arrays in one dict keyed by name.", type(value).__name__)
    expected = [f"{kind}{layer}" for layer in range(1, case.layers + 1) for kind in ("W", "b")]
    if set(value) != set(expected):
        got = sorted(map(str, value))
        return failed("keys", f"keys {got}", f"keys {sorted(expected)} (L = {case.layers} layers)",
                      f"layer_sizes lists {len(case.sizes)} widths, the input's first, so the network has "
                      f"{case.layers} layers, numbered from 1; layer l gets W{{l}} and b{{l}}.", tuple(got))
    for key in expected:
        array = value[key]
        if not isinstance(array, np.ndarray):
            return failed("type", f"{key}: {describe(array)}", f"{key}: a NumPy array of floats",
                          "build every parameter as a NumPy array (NumPy's random draws and zeros are arrays).",
                          (key, type(array).__name__))
        if array.dtype.kind != "f":
            return failed("dtype", f"{key}: {describe(array)}", f"{key}: an array of floats",
                          "the parameters are floats: training changes them by fractions, which an integer or "
                          "boolean array cannot hold.", (key, array.dtype.kind))
    for layer in range(1, case.layers + 1):
        n_in, n_out = int(case.sizes[layer - 1]), int(case.sizes[layer])
        W, b = value[f"W{layer}"], value[f"b{layer}"]
        if W.shape != (n_in, n_out) or b.shape != (n_out,):
            return failed("shape", f"W{layer} of shape {W.shape}, b{layer} of shape {b.shape}",
                          f"W{layer} of shape ({n_in}, {n_out}), b{layer} of shape ({n_out},)",
                          f"layer l maps n_(l-1) inputs to n_l outputs: W{layer} has one row per input "
                          f"(layer_sizes[{layer - 1}]) and one column per unit (layer_sizes[{layer}]).",
                          (layer, W.shape, b.shape))
    return None


def _statistics_verdict(W, layer, case):
    """The Verdict when W{layer}'s mean, spread or distribution is off for the case's scheme, else None."""
    scheme, n_in = case.effective_scheme, int(case.sizes[layer - 1])
    target = STD[scheme](n_in, int(case.sizes[layer]))
    off, mean, std, mean_in_stds, std_ratio, within = weight_statistics(W, target)
    if off == "mean":
        return failed(f"mean of W{layer}", f"W{layer} with mean {mean:.4g} ({mean_in_stds:.3g} × its standard "
                      "deviation)", "a mean close to 0", "the weights are centred on 0: scale a standard normal draw.",
                      mean_in_stds)
    if off == "std":
        formula = STD_FORMULA.get(scheme)
        shown = f" = {formula.replace('n_in', str(n_in))}" if formula else ""
        std_text, target_text = format_pair(std, target, differs=True)
        return failed(f"std of W{layer}", f"W{layer} with standard deviation {std_text} ({std_ratio:.3g} × the "
                      f"target)", f"{target_text}{shown} for \"{scheme}\" with this layer's n_in = {n_in} (within "
                      f"{STD_TOLERANCE:.0%})", "every layer, the last one included, uses the scheme's standard "
                      "deviation computed from its own number of inputs (the rows of its W).", std_ratio)
    if off == "distribution":
        return failed(f"distribution of W{layer}", f"{within:.1%} of W{layer}'s entries within one standard "
                      "deviation of the mean", f"about {NORMAL_WITHIN_ONE_STD:.1%}, as for a normal distribution",
                      "draw from a normal distribution, not a uniform one.", within)
    return None


def _weights_of(value, layers):
    """[W1, ..., WL] from a call's result, or None where they cannot all be read."""
    if not isinstance(value, dict):
        return None
    arrays = [value.get(f"W{layer}") for layer in range(1, layers + 1)]
    return arrays if all(isinstance(a, np.ndarray) for a in arrays) else None


def _inspect_init_network(fn, case):
    """The Verdict on fn for one NetworkInitCase."""
    outcome = call_student(fn, case.call(case.seed), INIT_PARAMETERS)
    verdict = behaviour_verdict(outcome) or _structure_verdict(outcome.value, case)
    if verdict is not None:
        return verdict
    params = outcome.value
    for layer in range(1, case.layers + 1):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        if not np.isfinite(W).all():
            return failed("nonfinite", f"W{layer} with nan or inf entries", "finite numbers",
                          "look for a division by zero or a square root of a negative number.", layer)
        if np.any(b != 0):
            return failed("bias", f"b{layer} = {format_value(b)}", f"b{layer} = zeros of shape {b.shape}",
                          "the biases start at zero in every layer; only the weights are random.", layer)
        if case.scheme == "zeros" and np.any(W != 0):
            return failed("zeros", f"W{layer} with {int(np.count_nonzero(W))} nonzero entries", f"W{layer} all zeros",
                          "scheme \"zeros\" means every weight matrix is zeros, with no random draw.", layer)
        if case.scheme != "zeros" and not np.any(W):
            return failed("all_zero", f"W{layer} all zeros for scheme \"{case.effective_scheme}\"", "random weights",
                          "this layer's weights came out as exactly 0: look at how its scale is computed and which "
                          "scheme it uses.", layer)
    if case.scheme == "zeros":
        return Verdict(None)
    weights = _weights_of(params, case.layers)
    verdict = rng_unused(outcome, "the weights") or reproducibility(
        fn, case, INIT_PARAMETERS, lambda value: _weights_of(value, case.layers), weights, "weights")
    if verdict is not None:
        return verdict
    for layer, W in enumerate(weights, start=1):
        verdict = _statistics_verdict(W, layer, case) if W.size >= MIN_STATISTICS_SIZE else None
        if verdict is not None:
            return verdict
    return Verdict(None)


INIT_NETWORK = Exercise("init_network", network.init_network, _init_cases, inspect=_inspect_init_network)
check_init_network = INIT_NETWORK.check


# ---------------------------------------------------------------------------------------------
# mlp_forward(X, params) -> (scores, cache) and mlp_backward(dscores, cache, params) -> grads, compared
# with the reference. The exercise fixes the cache: a list with one (A_in, Z) pair per layer.

FORWARD_HINT = ("layer l computes Z = A_in W_l + b_l from its input A_in (X for the first layer); every layer "
                "but the last passes relu(Z) on as the next input, and the last layer's Z are the scores. The "
                "cache holds one pair (A_in, Z) per layer, in layer order.")
BACKWARD_HINT = ("go through the layers from the last to the first: each layer's dW is its input's transpose "
                 "times dZ, db is dZ summed over the samples, and the gradient passed down is dZ times W's "
                 "transpose; it becomes the next dZ below through ReLU's slope at that layer's Z. The output "
                 "layer has no ReLU: its dZ is dscores itself.")


def _sizes_params(sizes, rng):
    """Parameters for the given widths, with nonzero biases so that a forgotten bias shows."""
    params = {}
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)
        params[f"b{layer}"] = 0.5 * rng.standard_normal(n_out)
    return params


def _visible_network():
    """X (5, 3) and a network 3 → 4 → 6 → 2 with fixed numbers: scores of both signs and dead units."""
    rng = np.random.default_rng(80)
    return rng.standard_normal((5, 3)), _sizes_params((3, 4, 6, 2), rng)


def _sizes_text(params):
    widths = [params["W1"].shape[0]] + [params[f"W{layer}"].shape[1] for layer in range(1, _count_layers(params) + 1)]
    return " → ".join(map(str, widths))


def _named_forward(X, params):
    scores, cache = network.mlp_forward(X, params)
    return Parts((scores, [Parts(pair, ("A_in", "Z")) for pair in cache]), ("scores", "cache"))


def _forward_cases(hidden):
    """mlp_forward: dense and ReLU layer by layer, no ReLU after the last; cache of (A_in, Z) per layer"""
    X, params = _visible_network()
    single = _sizes_params((3, 2), np.random.default_rng(81))
    cases = [
        Case((X, params), label=f"X (5, 3), params of a network {_sizes_text(params)} (W and b standard normal "
             "scaled, from np.random.default_rng(80))", hint=FORWARD_HINT),
        Case((X, single), label="the same X, params of a single layer 3 → 2 (from np.random.default_rng(81))",
             hint="a network of one layer has no ReLU at all: the scores are X W1 + b1, and the cache holds one "
                  "pair."),
    ]
    if hidden:
        rng = case_rng(SEED)
        deep = _sizes_params((4, 8, 8, 8, 8, 3), rng)
        X_deep = rng.standard_normal((7, 4))
        cases += [
            Case((X_deep, deep), label=f"X (7, 4), params of a network {_sizes_text(deep)}, from {seed_text(SEED)}",
                 hint=FORWARD_HINT),
            Case((X_deep.astype(np.float32), {k: v.astype(np.float32) for k, v in deep.items()}),
                 label="the same X and params as float32"),
            Case((X_deep[:1], deep), label="the first sample of the same X alone, shape (1, 4), the same params"),
            Case((X_deep[:, :2], _sizes_params((2, 16, 1), rng)),
                 label=f"X (7, 2) from the same X, a network 2 → 16 → 1 from {seed_text(SEED)}"),
        ]
    return cases


MLP_FORWARD = Exercise("mlp_forward", network.mlp_forward, _forward_cases, hint=FORWARD_HINT,
                       inspect=by_value(_named_forward))
check_mlp_forward = MLP_FORWARD.check


def _backward_case(X, params, dscores, label, **options):
    _, cache = network.mlp_forward(X, params)
    return Case((dscores, cache, params), label=label, **options)


def _backward_cases(hidden):
    """mlp_backward: a gradient for every key of params; no ReLU slope on the output layer"""
    X, params = _visible_network()
    dscores = np.random.default_rng(82).standard_normal((5, 2)) / 5
    single = _sizes_params((3, 2), np.random.default_rng(81))
    cases = [
        _backward_case(X, params, dscores, f"dscores (5, 2) from np.random.default_rng(82), divided by 5; cache "
                       f"from mlp_forward on X (5, 3) and params of a network {_sizes_text(params)} (those of "
                       "mlp_forward's first case)", hint=BACKWARD_HINT),
        _backward_case(X, single, dscores, "the same dscores; cache and params of the single layer 3 → 2 of "
                       "mlp_forward's second case", hint="with one layer there is no ReLU to go through: dW1 is X's "
                       "transpose times dscores."),
    ]
    if hidden:
        rng = case_rng(SEED)
        deep = _sizes_params((4, 8, 8, 8, 8, 3), rng)
        X_deep = rng.standard_normal((7, 4))
        d_deep = rng.standard_normal((7, 3)) / 7
        as32 = {k: v.astype(np.float32) for k, v in deep.items()}
        narrow = _sizes_params((2, 16, 1), rng)
        cases += [
            _backward_case(X_deep, deep, d_deep, f"dscores (7, 3), X (7, 4) and a network {_sizes_text(deep)}, "
                           f"from {seed_text(SEED)}; the cache from mlp_forward", hint=BACKWARD_HINT),
            _backward_case(X_deep.astype(np.float32), as32, d_deep.astype(np.float32),
                           "the same dscores, X and params as float32"),
            _backward_case(X_deep[:1], deep, d_deep[:1], "the first sample alone: dscores (1, 3), X (1, 4), the "
                           "same params"),
            _backward_case(X_deep[:, :2], narrow, d_deep[:, :1], f"dscores (7, 1), X (7, 2), a network 2 → 16 → 1 "
                           f"from {seed_text(SEED)}"),
            _backward_case(X_deep, deep, np.zeros((7, 3)), "dscores all zeros, the same X and params"),
        ]
    return cases


MLP_BACKWARD = Exercise("mlp_backward", network.mlp_backward, _backward_cases, hint=BACKWARD_HINT, result_names="grads")
check_mlp_backward = MLP_BACKWARD.check


def _draw(n_in, n_out, rng, scheme, std=STD):
    if scheme == "zeros":
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    return rng.standard_normal((n_in, n_out)) * std[scheme](n_in, n_out), np.zeros(n_out)


def _count_layers(params):
    return sum(1 for name in params if name.startswith("W"))


def _forward(hidden_activation=lambda Z: np.maximum(Z, 0), output_activation=lambda Z: Z,
             cache_pair=lambda A_in, Z, A_out: (A_in, Z), bias=True, layers_used=lambda L: L):
    """A forward pass with one of its pieces replaced."""

    def mlp_forward(X, params):
        L = _count_layers(params)
        A, cache = X, []
        for layer in range(1, layers_used(L) + 1):
            Z = A @ params[f"W{layer}"] + (params[f"b{layer}"] if bias else 0)
            A_out = hidden_activation(Z) if layer < L else output_activation(Z)
            cache.append(cache_pair(A, Z, A_out))
            A = A_out
        return A, cache

    return mlp_forward


def _backward(output_slope=False, mask=lambda dA, Z: dA * (Z > 0), dW_of=lambda A_in, dZ: A_in.T @ dZ,
              db_of=lambda dZ: dZ.sum(axis=0), last_layer=1):
    """A backward pass with one of its pieces replaced."""

    def mlp_backward(dscores, cache, params):
        grads = {}
        L = len(cache)
        dZ = dscores * (cache[-1][1] > 0) if output_slope else dscores
        for layer in range(L, last_layer - 1, -1):
            A_in, _ = cache[layer - 1]
            grads[f"W{layer}"], grads[f"b{layer}"] = dW_of(A_in, dZ), db_of(dZ)
            if layer > 1:
                dZ = mask(dZ @ params[f"W{layer}"].T, cache[layer - 2][1])
        return grads

    return mlp_backward


# ---------------------------------------------------------------------------------------------
# init_network: known mistakes, the more specific first


def _network(layer=lambda n_in, n_out, rng, scheme, number, layer_sizes: _draw(n_in, n_out, rng, scheme), first=1,
             drop_last=False):
    """A correct init_network but for what is given: how each layer's (W, b) is drawn (`layer`, which also
    gets the layer's number and the whole layer_sizes), the first layer's number, and the last layer left
    out."""

    def init_network(layer_sizes, rng, scheme="he"):
        pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
        params = {}
        for number, (n_in, n_out) in enumerate(pairs[:-1] if drop_last else pairs, start=first):
            params[f"W{number}"], params[f"b{number}"] = layer(n_in, n_out, rng, scheme, number, layer_sizes)
        return params

    return init_network


INIT_NETWORK.mistake("layer keys counted from 0", "the layers are numbered from 1, as in W1 and b1 for the first "
                     "layer after the input; an index starting at 0 gives keys W0, b0, ... and no key for the last "
                     "layer's number.")(_network(first=0))

INIT_NETWORK.mistake("last layer left out (off by one)", "layer_sizes holds L + 1 widths (the input's, then one per "
                     "layer), so there are L = len(layer_sizes) − 1 layers; stopping one layer early drops the "
                     "output layer.")(_network(drop_last=True))

INIT_NETWORK.mistake("output layer scaled differently", "the scheme applies to every layer, the output layer "
                     "included: its standard deviation is the scheme's for its own n_in, not a different rule for "
                     "the last layer.")(_network(lambda n_in, n_out, rng, scheme, number, layer_sizes: _draw(
                         n_in, n_out, rng, "xavier" if number == len(layer_sizes) - 1 and scheme == "he" else scheme)))

INIT_NETWORK.mistake("n_out in the scale (fan-out)", "He's variance 2 / n_in and Xavier's 1 / n_in count the inputs "
                     "of a unit, the rows of W, because the sum a unit computes has n_in terms; n_out counts the "
                     "columns.")(_network(lambda n_in, n_out, rng, scheme, *_: _draw(n_in, n_out, rng, scheme, {
                         **STD, "xavier": lambda n_in, n_out: np.sqrt(1 / n_out),
                         "he": lambda n_in, n_out: np.sqrt(2 / n_out)})))

INIT_NETWORK.mistake("first layer's n_in for every layer", "each layer's scale comes from its own number of inputs, "
                     "the width of the layer below it, not from the network's input width.")(
    _network(lambda n_in, n_out, rng, scheme, number, layer_sizes: _draw(n_in, n_out, rng, scheme, {
        **STD, "xavier": lambda a, b: np.sqrt(1 / layer_sizes[0]), "he": lambda a, b: np.sqrt(2 / layer_sizes[0])})))

INIT_NETWORK.mistake("W transposed", "W{l} has one row per input and one column per unit: shape (n_(l−1), n_l), so "
                     "that the layer's output is its input times W.")(
    _network(lambda n_in, n_out, rng, scheme, *_: (_draw(n_in, n_out, rng, scheme)[0].T, np.zeros(n_out))))

INIT_NETWORK.mistake("scheme ignored", "the scheme argument chooses the initialisation for every layer; He is only "
                     "the default.")(_network(lambda n_in, n_out, rng, scheme, *_: _draw(n_in, n_out, rng, "he")))

# Even "zeros" draws from np.random, its weights multiplied by 0.
INIT_NETWORK.mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state: draw every "
                     "weight from the rng argument, so that the caller's seed decides the network.")(
    _network(lambda n_in, n_out, rng, scheme, *_: (
        np.random.randn(n_in, n_out) * (0.0 if scheme == "zeros" else STD[scheme](n_in, n_out)), np.zeros(n_out))))

INIT_NETWORK.mistake("new Generator for each layer", "a Generator made inside the function (one per layer, seeded by "
                     "the layer's number) ignores the caller's rng: every seed gives the same network. Draw every "
                     "layer from rng, in order.")(
    _network(lambda n_in, n_out, rng, scheme, number, _: _draw(n_in, n_out, np.random.default_rng(number), scheme)))


@INIT_NETWORK.alternative
def _init_indexing(layer_sizes, rng, scheme="he"):
    variance = {"small": lambda n: 1e-4, "xavier": lambda n: 1.0 / n, "he": lambda n: 2.0 / n}
    params = {}
    for layer in range(1, len(layer_sizes)):
        n_in, n_out = int(layer_sizes[layer - 1]), int(layer_sizes[layer])
        if scheme == "zeros":
            params[f"W{layer}"] = np.zeros((n_in, n_out))
        else:
            params[f"W{layer}"] = rng.normal(0.0, np.sqrt(variance[scheme](n_in)), size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


@INIT_NETWORK.alternative
def _init_branches(layer_sizes, rng, scheme="he"):
    sizes = [int(n) for n in layer_sizes]
    weights = {}
    for number, n_in, n_out in zip(range(1, len(sizes)), sizes, sizes[1:]):
        if scheme == "zeros":
            W = np.zeros((n_in, n_out))
        elif scheme == "small":
            W = 0.01 * rng.standard_normal(size=(n_in, n_out))
        elif scheme == "xavier":
            W = rng.standard_normal(size=(n_in, n_out)) / np.sqrt(n_in)
        else:
            W = rng.standard_normal(size=(n_in, n_out)) * (2.0 / n_in) ** 0.5
        weights["W" + str(number)] = W
        weights["b" + str(number)] = np.zeros(n_out)
    return weights


# ---------------------------------------------------------------------------------------------
# mlp_forward: known mistakes, the more specific first


MLP_FORWARD.mistake("ReLU on the output layer too", "the last layer's outputs are the logits, which may be negative: "
                    "the loss (softmax or sigmoid) interprets them. ReLU follows every layer but the last.")(
    _forward(output_activation=lambda Z: np.maximum(Z, 0)))

MLP_FORWARD.mistake("no ReLU between the layers", "without a nonlinearity between them, the layers compose into a "
                    "single linear map: every layer but the last is followed by ReLU.")(
    _forward(hidden_activation=lambda Z: Z))

MLP_FORWARD.mistake("cache holds the activation instead of Z", "the backward pass needs each layer's pre-activation "
                    "Z, before ReLU (ReLU's slope is read from it), and the exercise's cache pairs each layer's input "
                    "with that Z.")(_forward(cache_pair=lambda A_in, Z, A_out: (A_in, A_out)))

MLP_FORWARD.mistake("cache holds the layer's output as its input", "dW of a layer is its input's transpose times dZ, "
                    "so the cache keeps what went into the layer (X for the first), not what came out of it.")(
    _forward(cache_pair=lambda A_in, Z, A_out: (A_out, Z)))

MLP_FORWARD.mistake("cache holds Z only", "the backward pass needs two things from every layer: its input, for dW, "
                    "and its Z, for ReLU's slope; each entry of the exercise's cache is the pair (A_in, Z).")(
    _forward(cache_pair=lambda A_in, Z, A_out: Z))

MLP_FORWARD.mistake("cache pairs in the wrong order", "each entry of the cache is the pair (A_in, Z): the layer's "
                    "input first, then its pre-activation.")(_forward(cache_pair=lambda A_in, Z, A_out: (Z, A_in)))

MLP_FORWARD.mistake("bias left out", "every layer adds its bias to the matrix product.")(_forward(bias=False))

MLP_FORWARD.mistake("last layer left out (off by one)", "a network with keys W1 ... WL has L layers, and the loop "
                    "runs through all of them, the output layer included.")(_forward(layers_used=lambda L: L - 1))


@MLP_FORWARD.alternative
def _forward_while(X, params):
    cache, A, layer = [], X, 1
    while f"W{layer}" in params:
        Z = np.dot(A, params[f"W{layer}"]) + params[f"b{layer}"]
        cache.append((A, Z))
        A = np.where(Z > 0, Z, 0.0).astype(Z.dtype) if f"W{layer + 1}" in params else Z
        layer += 1
    return A, cache


@MLP_FORWARD.alternative
def _forward_hidden_then_output(X, params):
    L = len(params) // 2
    cache, A = [], X
    for layer in range(1, L):
        Z = A @ params["W" + str(layer)] + params["b" + str(layer)]
        cache.append((A, Z))
        A = Z * (Z > 0)
    Z = A @ params["W" + str(L)] + params["b" + str(L)]
    cache.append((A, Z))
    return Z, cache


# ---------------------------------------------------------------------------------------------
# mlp_backward: known mistakes, the more specific first


MLP_BACKWARD.mistake("ReLU's derivative applied to the output layer", "the forward pass puts no ReLU after the last "
                     "layer, so its dZ is dscores itself; masking it where the last layer's Z is negative throws away "
                     "real gradient.")(_backward(output_slope=True))

MLP_BACKWARD.mistake("ReLU mask from the gradient's sign", "ReLU's slope depends on the forward pass: it is 1 where "
                     "that layer's Z was positive and 0 elsewhere, whatever the sign of the gradient arriving from "
                     "above.")(_backward(mask=lambda dA, Z: np.where(dA > 0, dA, 0.0)))

MLP_BACKWARD.mistake("ReLU skipped on the way down", "between two layers the gradient goes back through ReLU, which "
                     "blocks it wherever that layer's Z was not positive.")(_backward(mask=lambda dA, Z: dA))

MLP_BACKWARD.mistake("1/N applied again", "dscores already carries the loss's 1/N; a dense layer's backward only "
                     "multiplies by its input, so dividing by N again makes every gradient N times too small.")(
    _backward(dW_of=lambda A_in, dZ: A_in.T @ dZ / len(dZ), db_of=lambda dZ: dZ.sum(axis=0) / len(dZ)))


@MLP_BACKWARD.mistake("gradients stored under the wrong layer's keys", "the loop runs from the last layer down to the "
                      "first, but each layer's gradients still belong under that layer's own keys: the gradient of W3 "
                      "is stored as W3 whichever step of the loop computes it.")
def _backward_keys_reversed(dscores, cache, params):
    L = len(cache)
    grads, dZ = {}, dscores
    for step, layer in enumerate(range(L, 0, -1)):
        A_in, _ = cache[layer - 1]
        grads[f"W{step + 1}"], grads[f"b{step + 1}"] = A_in.T @ dZ, dZ.sum(axis=0)
        if layer > 1:
            dZ = (dZ @ params[f"W{layer}"].T) * (cache[layer - 2][1] > 0)
    return grads


MLP_BACKWARD.mistake("first layer left out", "the loop over the layers goes down to layer 1: W1 and b1 need their "
                     "gradients too.")(_backward(last_layer=2))

MLP_BACKWARD.mistake("db kept 2-D", "each bias gradient has its bias's shape, (n_l,): summing over the samples while "
                     "keeping the summed axis gives (1, n_l).")(
    _backward(db_of=lambda dZ: dZ.sum(axis=0, keepdims=True)))

MLP_BACKWARD.mistake("dW transposed", "dW has W's shape, (n_in, n_out): the input's transpose times dZ, not dZ's "
                     "transpose times the input.")(_backward(dW_of=lambda A_in, dZ: dZ.T @ A_in))


@MLP_BACKWARD.alternative
def _backward_reversed(dscores, cache, params):
    grads = {}
    dZ = dscores
    for index, (A_in, _) in reversed(list(enumerate(cache))):
        layer = index + 1
        grads["W" + str(layer)] = np.dot(A_in.T, dZ)
        grads["b" + str(layer)] = np.sum(dZ, axis=0)
        if index > 0:
            below = cache[index - 1][1]
            dZ = np.where(below > 0, np.dot(dZ, params["W" + str(layer)].T), 0.0).astype(dZ.dtype)
    return grads


@MLP_BACKWARD.alternative
def _backward_einsum(dscores, cache, params):
    grads, dZ = {}, dscores
    for layer in range(len(cache), 0, -1):
        A_in = cache[layer - 1][0]
        grads[f"W{layer}"] = np.einsum("ni,nk->ik", A_in, dZ)
        grads[f"b{layer}"] = np.einsum("nk->k", dZ)
        dA = np.einsum("nk,ik->ni", dZ, params[f"W{layer}"])
        if layer > 1:
            dZ = dA * (cache[layer - 2][1] > 0)
    return grads


NOTEBOOK = Notebook("08_deep_networks", [INIT_NETWORK, MLP_FORWARD, MLP_BACKWARD])
CHECKS = NOTEBOOK.checks
