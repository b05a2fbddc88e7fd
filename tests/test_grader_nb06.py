"""Notebook 06's checks beyond what tests/test_grader.py asks of every check: what sgd_update's messages
say about in-place updates, and how train_two_layer_net's property check judges a training run (time
limit, accuracy threshold, reproducibility, NumPy's global random state)."""

import numpy as np
import pytest

from autograde_tests import limits, nb06
from autograde_tests.calling import same_value
from course_lib import training
from tests.grader_testing import assert_fails, assert_passes, run_check

pytestmark = pytest.mark.nb06


def test_sgd_update_that_returns_a_new_dict_is_told_to_update_in_place():
    def returns_new_dict(params, grads, lr):
        return {k: params[k] - lr * grads[k] for k in params}

    message = assert_fails(nb06.check_sgd_update, returns_new_dict, hidden=False)
    assert "`params` still holds the values it had before the call" in message
    assert "Known mistake, a new dict returned:" in message


def test_sgd_update_hidden_cases_catch_a_step_that_ignores_float32():
    def float64_only(params, grads, lr):
        if next(iter(params.values())).dtype == np.float64:
            training.sgd_update(params, grads, lr)

    assert_passes(nb06.check_sgd_update, float64_only, hidden=False)
    assert_fails(nb06.check_sgd_update, float64_only, must_mention=["as float32"])


def test_decayed_learning_rate_hidden_cases_catch_a_rate_wrong_for_integer_arguments():
    def float_only(lr0, decay, step):
        return lr0 / (1 + decay * step) if isinstance(lr0, float) else lr0

    assert_passes(nb06.check_decayed_learning_rate, float_only, hidden=False)
    assert_fails(nb06.check_decayed_learning_rate, float_only, must_mention=["lr0 = 1, decay = 1, step = 1"])


# ---------------------------------------------------------------------------------------------
# train_two_layer_net


def _with_defaults(**defaults):
    def train(X, y, hidden_size=64, learning_rate=3.0, epochs=5000, decay=1e-3, rng=None):
        given = dict(hidden_size=hidden_size, learning_rate=learning_rate, epochs=epochs, decay=decay)
        if epochs == 5000:  # the defaults were used: replace them
            given.update(defaults)
        return training.train_two_layer_net(X, y, rng=rng, **given)

    return train


def test_defaults_that_do_not_reach_the_accuracy_fail_with_the_measured_accuracy():
    message = assert_fails(nb06.check_train_two_layer_net, _with_defaults(epochs=100), hidden=False)
    assert "spiral_data(100, 3), the defaults" in message
    assert "got      training accuracy 0." in message and "expected at least 0.80" in message
    assert "Known mistake" not in message


def test_an_unseeded_generator_for_rng_none_is_caught_by_the_hidden_cases():
    def unseeded_when_none(X, y, hidden_size=64, learning_rate=3.0, epochs=5000, decay=1e-3, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        return training.train_two_layer_net(X, y, hidden_size, learning_rate, epochs, decay, rng)

    assert_passes(nb06.check_train_two_layer_net, unseeded_when_none, hidden=False)
    assert_fails(nb06.check_train_two_layer_net, unseeded_when_none,
                 must_mention=["rng left out", "different params from two calls"])


def test_a_seed_that_is_used_but_ignored_is_caught():
    def ignores_seed(X, y, hidden_size=64, learning_rate=3.0, epochs=5000, decay=1e-3, rng=None):
        rng.random()
        return training.train_two_layer_net(X, y, hidden_size, learning_rate, epochs, decay,
                                            np.random.default_rng(3))

    assert_fails(nb06.check_train_two_layer_net, ignores_seed, hidden=False,
                 must_mention=["the same params for default_rng(0) and default_rng(1)"])


def test_a_training_may_use_ten_times_the_references_cpu_time_and_no_more(monkeypatch):
    # Pretend the reference trains in 1 ms of CPU here: then 10 ms is the budget, and 20,000 epochs
    # run far past it (the floor is lowered to let the factor decide).
    monkeypatch.setitem(limits._calibrations, "nb06.train_two_layer_net", 0.001)
    monkeypatch.setattr(limits, "MIN_TRAINING_CPU_SECONDS", 0.0)
    assert nb06.training_budget().cpu_seconds == pytest.approx(limits.TRAINING_CPU_FACTOR * 0.001)
    slow = _with_defaults(epochs=20_000)
    message, _, _ = run_check(nb06.check_train_two_layer_net, slow, hidden=False)
    assert message is not None and "did not finish within its budget of" in message


def test_the_check_leaves_numpys_global_random_state_as_it_found_it():
    np.random.seed(99)
    before = np.random.get_state()
    global_random = next(m for m in nb06.NOTEBOOK.exercise("train_two_layer_net").mistakes
                         if m.name == "np.random instead of rng")
    run_check(nb06.check_train_two_layer_net, global_random.fn, hidden=False)
    assert same_value(np.random.get_state(), before)


HELPERS_WRONG_AND_GLOBAL_RANDOM = """
def sgd_update(params, grads, lr):
    for name in params:
        params[name] += lr * grads[name]

def decayed_learning_rate(lr0, decay, step):
    return lr0 / (1 + decay * (step + 1))

def train_two_layer_net(X, y, hidden_size=64, learning_rate=3.0, epochs=3000, decay=1e-3, rng=None):
    X = np.asarray(X, dtype=float)
    K = int(y.max()) + 1
    params = {"W1": np.random.randn(X.shape[1], hidden_size) * np.sqrt(2 / X.shape[1]),
              "b1": np.zeros(hidden_size),
              "W2": np.random.randn(hidden_size, K) * np.sqrt(2 / hidden_size), "b2": np.zeros(K)}
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        probs, cache = training.two_layer_forward(X, params)
        history["loss"].append(training.categorical_cross_entropy(probs, y))
        history["accuracy"].append(training.accuracy(probs, y))
        grads = training.two_layer_backward(probs, y, cache, params)
        sgd_update(params, grads, decayed_learning_rate(learning_rate, decay, epoch))
    return params, history
"""


def test_every_failing_helper_is_named_and_the_functions_own_mistake_still_judged():
    namespace = {"np": np, "training": training}
    exec(HELPERS_WRONG_AND_GLOBAL_RANDOM, namespace)
    message = " ".join(assert_fails(nb06.check_train_two_layer_net, namespace["train_two_layer_net"],
                                    hidden=False).split())
    # Its own mistake, which the helpers cannot cause, is named...
    assert "drew random numbers from NumPy's global random state" in message
    assert "Known mistake, np.random instead of rng:" in message
    # ...and both helpers are blamed, not only the first.
    assert ("train_two_layer_net also calls your decayed_learning_rate and sgd_update, which do not pass their "
            "own checks yet") in message
    assert "may well be right" not in message
