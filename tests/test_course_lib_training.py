"""course_lib.training: SGD in place, 1/t decay, and a two-layer network that learns the spirals in time."""

import time

import numpy as np
import pytest

from course_lib.datasets import spiral_data
from course_lib.gradcheck import GRADCHECK_THRESHOLDS, gradient_check
from course_lib.losses import accuracy, categorical_cross_entropy
from course_lib.training import (
    decayed_learning_rate,
    linear_forward,
    sgd_update,
    train_linear_classifier,
    train_two_layer_net,
    two_layer_backward,
    two_layer_forward,
)

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

# The contract's promise for train_two_layer_net with its defaults on spiral_data(100, 3).
MIN_ACCURACY = 0.80
MAX_SECONDS = 3.0


@pytest.fixture(scope="module")
def spirals():
    return spiral_data(100, 3)


# --- sgd_update and decayed_learning_rate -------------------------------------------------------------------


def test_sgd_update_steps_against_the_gradient_in_place():
    params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])}
    grads = {"W": np.array([[0.1, -0.2], [0.0, 1.0]]), "b": np.array([1.0, 1.0])}
    grads_before = {name: value.copy() for name, value in grads.items()}
    caller_dict = params
    assert sgd_update(params, grads, 0.5) is None
    assert params is caller_dict
    np.testing.assert_allclose(params["W"], [[0.95, 2.1], [3.0, 3.5]], rtol=1e-15)
    np.testing.assert_allclose(params["b"], [0.0, -1.0], rtol=1e-15)
    for name in grads:
        assert np.array_equal(grads[name], grads_before[name])


def test_sgd_update_touches_only_the_keys_of_grads():
    frozen = np.array([7.0])
    params = {"W": np.ones(2), "frozen": frozen}
    sgd_update(params, {"W": np.ones(2)}, 0.25)
    np.testing.assert_array_equal(params["W"], [0.75, 0.75])
    assert params["frozen"] is frozen and frozen[0] == 7.0


@pytest.mark.parametrize(
    "lr0, decay, step, expected",
    [
        (1.0, 0.0, 1000, 1.0),
        (1.0, 0.1, 0, 1.0),
        (1.0, 0.1, 10, 0.5),
        (0.05, 5e-7, 10000, 0.05 / 1.005),
        (3.0, 1e-3, 5000, 0.5),
    ],
)
def test_decayed_learning_rate(lr0, decay, step, expected):
    lr = decayed_learning_rate(lr0, decay, step)
    assert isinstance(lr, float)
    assert lr == pytest.approx(expected, rel=1e-12)


def test_decayed_learning_rate_only_falls():
    rates = [decayed_learning_rate(2.0, 0.01, step) for step in range(0, 500, 50)]
    assert all(later < earlier for earlier, later in zip(rates, rates[1:]))


# --- the two-layer network ---------------------------------------------------------------------------------


def test_two_layer_backward_passes_a_gradient_check():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((6, 2)), rng.integers(0, 3, size=6)
    params = {
        "W1": rng.standard_normal((2, 5)),
        "b1": 0.1 * rng.standard_normal(5),
        "W2": rng.standard_normal((5, 3)),
        "b2": rng.standard_normal(3),
    }
    probs, cache = two_layer_forward(X, params)
    assert probs.shape == (6, 3)
    grads = two_layer_backward(probs, y, cache, params)
    errors = gradient_check(
        lambda p: categorical_cross_entropy(two_layer_forward(X, p)[0], y), grads, params, show=False
    )
    assert set(errors) == {"W1", "b1", "W2", "b2"}
    assert max(errors.values()) < GRADCHECK_THRESHOLDS["good"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_train_two_layer_net_learns_the_spirals_in_time(spirals, seed):
    """One default run per seed (each about a second), and everything the contract says about it.

    All in one test so that no run is repeated, even when pytest -n spreads tests over workers.
    """
    X, y = spirals
    wall, cpu = time.perf_counter(), time.process_time()
    params, history = train_two_layer_net(X, y, rng=np.random.default_rng(seed))
    wall_seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    final_accuracy = accuracy(two_layer_forward(X.astype(np.float64), params)[0], y)
    print(f"seed {seed}: accuracy {final_accuracy:.3f}, {wall_seconds:.2f} s wall, {cpu_seconds:.2f} s CPU")
    assert final_accuracy >= MIN_ACCURACY
    # CPU time, not wall time: five jobs share two cores here, and waiting for a core is not our cost.
    assert cpu_seconds < MAX_SECONDS

    assert {name: value.shape for name, value in params.items()} == {
        "W1": (2, 64),
        "b1": (64,),
        "W2": (64, 3),
        "b2": (3,),
    }
    assert set(history) == {"loss", "accuracy"}
    assert len(history["loss"]) == len(history["accuracy"]) == 3000
    assert all(isinstance(value, float) for value in history["loss"] + history["accuracy"])
    # He-initialised logits are not uniform, so the first loss is near, not at, log 3.
    assert 0.8 < history["loss"][0] < 2.0
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert np.mean(history["accuracy"][-100:]) > np.mean(history["accuracy"][:100]) + 0.3


def test_train_two_layer_net_is_deterministic_and_rng_none_means_seed_zero(spirals):
    X, y = spirals
    X_before, y_before = X.copy(), y.copy()
    short = dict(hidden_size=8, epochs=30)
    first, history_first = train_two_layer_net(X, y, rng=None, **short)
    again, history_again = train_two_layer_net(X, y, rng=np.random.default_rng(0), **short)
    other, _ = train_two_layer_net(X, y, rng=np.random.default_rng(1), **short)
    for name in first:
        assert np.array_equal(first[name], again[name])
    assert history_first == history_again
    assert not np.array_equal(first["W1"], other["W1"])
    assert np.array_equal(X, X_before) and np.array_equal(y, y_before)


def test_train_two_layer_net_honours_its_arguments(spirals):
    X, y = spirals
    params, history = train_two_layer_net(
        X[::10], (y[::10] > 0).astype(int), hidden_size=5, epochs=7, learning_rate=0.1
    )
    assert params["W1"].shape == (2, 5) and params["W2"].shape == (5, 2)
    assert len(history["loss"]) == 7


# --- the linear classifier it is compared with ------------------------------------------------------------


def test_linear_classifier_stalls_on_the_spirals(spirals):
    X, y = spirals
    params, history = train_linear_classifier(X, y, rng=np.random.default_rng(0))
    assert {name: value.shape for name, value in params.items()} == {"W": (2, 3), "b": (3,)}
    assert len(history["loss"]) == len(history["accuracy"]) == 1000
    final_accuracy = accuracy(linear_forward(X.astype(np.float64), params), y)
    # Better than chance, far below the two-layer network's 0.80: straight boundaries cannot follow the arms.
    assert 0.34 < final_accuracy < MIN_ACCURACY - 0.25
    assert history["loss"][-1] < history["loss"][0]
    # It has converged rather than run out of epochs: the last hundred losses barely move.
    assert abs(history["loss"][-100] - history["loss"][-1]) < 1e-4


def test_sgd_update_keeps_arrays_the_caller_kept():
    initial = np.array([1.0, 2.0])
    params = {"w": initial}
    sgd_update(params, {"w": np.array([1.0, 1.0])}, 0.5)
    np.testing.assert_array_equal(params["w"], [0.5, 1.5])
    np.testing.assert_array_equal(initial, [1.0, 2.0])
