"""Checks for notebook 08: a fully connected network of any depth, its initialisation, forward and backward
passes."""

from dataclasses import dataclass

import numpy as np

from autograde_tests.core import (
    Case,
    Notebook,
    Parts,
    Problem,
    Verdict,
    behaviour_problem,
    call_student,
    case_rng,
    check_cases,
    check_with,
    describe,
    format_value,
    named_result,
    seed_text,
)
from autograde_tests.messages import format_pair
from autograde_tests.mistakes import nb08 as catalogue
from autograde_tests.nb02 import (
    MEAN_TOLERANCE,
    MIN_STATISTICS_SIZE,
    NORMAL_WITHIN_ONE_STD,
    STD_TOLERANCE,
    TARGET_STD,
    WITHIN_ONE_STD_TOLERANCE,
)
from course_lib import network

SEED = 8

# ---------------------------------------------------------------------------------------------
# init_network(layer_sizes, rng, scheme="he"): random, so judged by its properties as init_dense is in
# notebook 02 (same statistics and tolerances), layer by layer: the keys W1, b1, ..., WL, bL, each
# layer's shapes, zero biases, draws from rng, and each weight matrix's mean, spread (for its own n_in)
# and normal shape wherever it has at least MIN_STATISTICS_SIZE entries.

INIT_PARAMETERS = ("layer_sizes", "rng", "scheme")


@dataclass(frozen=True)
class NetworkInitCase:
    """One call of init_network. scheme None leaves it out (the default "he"); container: how layer_sizes
    is passed ("list", "tuple" or "array", a NumPy integer array)."""

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
    def label(self):
        shown = {"list": list(self.sizes), "tuple": tuple(self.sizes)}.get(self.container)
        sizes = f"np.array({list(self.sizes)})" if shown is None else repr(shown)
        text = f"layer_sizes = {sizes}, rng = np.random.default_rng({self.seed})"
        if self.scheme is None:
            return text + ", scheme left out (so the default, \"he\")"
        if self.positional:
            return text + f", \"{self.scheme}\" passed by position"
        return text + f", scheme = \"{self.scheme}\""

    def with_seed(self, seed):
        sizes = {"list": list, "tuple": tuple}.get(self.container, np.array)(self.sizes)
        args = (sizes, np.random.default_rng(seed))
        if self.scheme is None:
            return Case(args, label=self.label)
        if self.positional:
            return Case(args + (self.scheme,), label=self.label)
        return Case(args, {"scheme": self.scheme}, label=self.label)


def _init_cases(hidden):
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


def _behaviour_symptom(outcome):
    return outcome.error_type, frozenset(outcome.warnings), outcome.used_global_random


def _expected_keys(layers):
    return [f"{kind}{layer}" for layer in range(1, layers + 1) for kind in ("W", "b")]


def _structure_problem(value, case):
    """(Problem, symptom) when the result is not a dict of float arrays with the keys and shapes asked for."""
    if value is None:
        return Problem("none", ("got      None", "expected a dict of parameters"),
                       "the function returns None: is a `return` statement missing?"), "none"
    if not isinstance(value, dict):
        return Problem("type", (f"got      {describe(value)}", "expected a dict with keys W1, b1, ..., WL, bL"),
                       "collect the arrays in one dict keyed by name."), type(value).__name__
    expected = _expected_keys(case.layers)
    if set(value) != set(expected):
        got = sorted(map(str, value))
        return Problem("keys", (f"got      keys {got}",
                                f"expected keys {sorted(expected)} (L = {case.layers} layers)"),
                       f"layer_sizes lists {len(case.sizes)} widths, the input's first, so the network has "
                       f"{case.layers} layers, numbered from 1; layer l gets W{{l}} and b{{l}}."), tuple(got)
    for key in expected:
        array = value[key]
        if not isinstance(array, np.ndarray):
            return Problem("type", (f"got      {key}: {describe(array)}", f"expected {key}: a NumPy array of floats"),
                           "build every parameter as a NumPy array (NumPy's random draws and zeros are arrays)."), \
                (key, type(array).__name__)
        if array.dtype.kind != "f":
            return Problem("dtype", (f"got      {key}: {describe(array)}", f"expected {key}: an array of floats"),
                           "the parameters are floats: training changes them by fractions, which an integer or "
                           "boolean array cannot hold."), (key, array.dtype.kind)
    for layer in range(1, case.layers + 1):
        n_in, n_out = int(case.sizes[layer - 1]), int(case.sizes[layer])
        W, b = value[f"W{layer}"], value[f"b{layer}"]
        if W.shape != (n_in, n_out) or b.shape != (n_out,):
            return Problem("shape", (f"got      W{layer} of shape {W.shape}, b{layer} of shape {b.shape}",
                                     f"expected W{layer} of shape ({n_in}, {n_out}), b{layer} of shape ({n_out},)"),
                           f"layer l maps n_(l-1) inputs to n_l outputs: W{layer} has one row per input "
                           f"(layer_sizes[{layer - 1}]) and one column per unit (layer_sizes[{layer}])."), \
                (layer, W.shape, b.shape)
    return None, None


def _layer_statistics_problem(W, layer, case):
    """(Problem, symptom) when W{layer}'s mean, spread or distribution is off for the case's scheme."""
    scheme = case.effective_scheme
    n_in = int(case.sizes[layer - 1])
    target_of, formula = TARGET_STD[scheme]
    target = target_of(n_in)
    with np.errstate(all="ignore"):
        mean, std = np.float64(W.mean()), np.float64(W.std())
        mean_in_stds, std_ratio = float(mean / std), float(std / target)
        within = float(np.mean(np.abs(W - mean) <= std))
    if not abs(mean_in_stds) <= MEAN_TOLERANCE:
        return Problem(f"mean of W{layer}", (f"got      W{layer} with mean {mean:.4g} ({mean_in_stds:.3g} × its "
                                             f"standard deviation)", "expected a mean close to 0"),
                       "the weights are centred on 0: scale a standard normal draw."), mean_in_stds
    if not abs(std_ratio - 1) <= STD_TOLERANCE:
        shown = f" = {formula.replace('n_in', str(n_in))}" if formula else ""
        std_text, target_text = format_pair(std, target, differs=True)
        return Problem(f"std of W{layer}",
                       (f"got      W{layer} with standard deviation {std_text} ({std_ratio:.3g} × the target)",
                        f"expected {target_text}{shown} for \"{scheme}\" with this layer's n_in = {n_in} "
                        f"(within {STD_TOLERANCE:.0%})"),
                       "every layer, the last one included, uses the scheme's standard deviation computed from "
                       "its own number of inputs (the rows of its W)."), std_ratio
    if not abs(within - NORMAL_WITHIN_ONE_STD) <= WITHIN_ONE_STD_TOLERANCE:
        return Problem(f"distribution of W{layer}",
                       (f"got      {within:.1%} of W{layer}'s entries within one standard deviation of the mean",
                        f"expected about {NORMAL_WITHIN_ONE_STD:.1%}, as for a normal distribution"),
                       "draw from a normal distribution, not a uniform one."), within
    return None, None


def _rng_problem(kind, case):
    lines, cause = {
        "rng_unused": (("got      rng's state unchanged: nothing was drawn from it",
                        "expected the weights drawn from rng"),
                       "the randomness must come from the rng argument, not from a Generator made inside the "
                       "function."),
        "not_reproducible": ((f"got      different weights from two calls, each with a new "
                              f"np.random.default_rng({case.seed})", "expected the same weights for the same seed"),
                             "take every random number from rng, and nothing from elsewhere."),
        "same_for_every_seed": ((f"got      the same weights from np.random.default_rng({case.seed}) and "
                                 f"np.random.default_rng({case.seed + 1})", "expected different weights"),
                                "the weights must come from rng's draws."),
    }[kind]
    return Problem(kind, lines, cause)


def _weights_of(outcome, layers):
    value = outcome.value
    if not isinstance(value, dict):
        return None
    arrays = [value.get(f"W{layer}") for layer in range(1, layers + 1)]
    return arrays if all(isinstance(a, np.ndarray) for a in arrays) else None


def _inspect_init_network(fn, case):
    """The Verdict on fn for one NetworkInitCase."""
    outcome = call_student(fn, case.with_seed(case.seed), INIT_PARAMETERS)
    problem = behaviour_problem(outcome)
    if problem is not None:
        return Verdict(problem, _behaviour_symptom(outcome))
    problem, symptom = _structure_problem(outcome.value, case)
    if problem is not None:
        return Verdict(problem, symptom)
    params = outcome.value
    for layer in range(1, case.layers + 1):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        if not np.isfinite(W).all():
            return Verdict(Problem("nonfinite", (f"got      W{layer} with nan or inf entries",
                                                 "expected finite numbers"),
                                   "look for a division by zero or a square root of a negative number."), layer)
        if np.any(b != 0):
            return Verdict(Problem("bias", (f"got      b{layer} = {format_value(b)}",
                                            f"expected b{layer} = zeros of shape {b.shape}"),
                                   "the biases start at zero in every layer; only the weights are random."), layer)
        if case.scheme == "zeros" and np.any(W != 0):
            return Verdict(Problem("zeros", (f"got      W{layer} with {int(np.count_nonzero(W))} nonzero entries",
                                             f"expected W{layer} all zeros"),
                                   "scheme \"zeros\" means every weight matrix is zeros, with no random draw."), layer)
        if case.scheme != "zeros" and not np.any(W):
            return Verdict(Problem("all_zero", (f"got      W{layer} all zeros for scheme \"{case.effective_scheme}\"",
                                                "expected random weights"),
                                   "this layer's weights came out as exactly 0: look at how its scale is "
                                   "computed and which scheme it uses."), layer)
    if case.scheme == "zeros":
        return Verdict(None)
    if not outcome.generators_used:
        return Verdict(_rng_problem("rng_unused", case), "rng_unused")
    weights = _weights_of(outcome, case.layers)
    for seed, same, kind in ((case.seed, True, "not_reproducible"), (case.seed + 1, False, "same_for_every_seed")):
        other = call_student(fn, case.with_seed(seed), INIT_PARAMETERS)
        problem = behaviour_problem(other)
        if problem is not None:
            return Verdict(problem, _behaviour_symptom(other))
        other_weights = _weights_of(other, case.layers)
        equal = other_weights is not None and all(
            a.shape == b.shape and np.array_equal(a, b) for a, b in zip(weights, other_weights))
        if equal != same:
            return Verdict(_rng_problem(kind, case), kind)
    for layer, W in enumerate(weights, start=1):
        if W.size >= MIN_STATISTICS_SIZE:
            problem, symptom = _layer_statistics_problem(W, layer, case)
            if problem is not None:
                return Verdict(problem, symptom)
    return Verdict(None)


def check_init_network(fn, hidden=False):
    """init_network: W1, b1, ..., WL, bL for L = len(layer_sizes) - 1 layers, each drawn like init_dense.

    Checked for every case: the call behaves (no error, warning or stderr; NumPy's global random state left
    alone); it returns a dict with exactly the keys W1, b1, ..., WL, bL of float arrays, W{l} of shape
    (layer_sizes[l-1], layer_sizes[l]) and b{l} zeros of shape (layer_sizes[l],); "zeros" gives zero
    weights; the random schemes draw from rng (same seed, same weights; another seed, others) and every
    weight matrix of at least 40,000 entries has mean about 0 and the scheme's standard deviation for its
    own n_in within 3%, normally distributed.
    """
    check_with(fn, "init_network", _init_cases(hidden), _inspect_init_network)


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


def _sizes_params(sizes, rng, bias_scale=0.5, dtype=np.float64):
    """Parameters for the given widths, with nonzero biases so that a forgotten bias shows."""
    params = {}
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(dtype)
        params[f"b{layer}"] = (bias_scale * rng.standard_normal(n_out)).astype(dtype)
    return params


def _visible_network():
    """X (5, 3) and a network 3 → 4 → 6 → 2 with fixed numbers: scores of both signs and dead units."""
    rng = np.random.default_rng(80)
    return rng.standard_normal((5, 3)), _sizes_params((3, 4, 6, 2), rng)


def _sizes_text(params):
    layers = sum(1 for k in params if k.startswith("W"))
    widths = [params["W1"].shape[0]] + [params[f"W{layer}"].shape[1] for layer in range(1, layers + 1)]
    return " → ".join(map(str, widths))


def _named_forward(X, params):
    scores, cache = network.mlp_forward(X, params)
    return Parts((scores, [Parts(pair, ("A_in", "Z")) for pair in cache]), ("scores", "cache"))


def _forward_cases(hidden):
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


def check_mlp_forward(fn, hidden=False):
    """mlp_forward: dense and ReLU layer by layer, no ReLU after the last; cache of (A_in, Z) per layer"""
    check_cases(fn, "mlp_forward", _named_forward, _forward_cases(hidden), hint=FORWARD_HINT)


def _backward_case(X, params, dscores, label, **options):
    _, cache = network.mlp_forward(X, params)
    return Case((dscores, cache, params), label=label, **options)


def _backward_cases(hidden):
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


def check_mlp_backward(fn, hidden=False):
    """mlp_backward: a gradient for every key of params; no ReLU slope on the output layer"""
    check_cases(fn, "mlp_backward", named_result(network.mlp_backward, "grads"), _backward_cases(hidden),
                hint=BACKWARD_HINT)


NOTEBOOK = Notebook("08_deep_networks", [
    ("init_network", check_init_network, network.init_network),
    ("mlp_forward", check_mlp_forward, network.mlp_forward),
    ("mlp_backward", check_mlp_backward, network.mlp_backward),
], catalogue)
CHECKS = NOTEBOOK.checks
