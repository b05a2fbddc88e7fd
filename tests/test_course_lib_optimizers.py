"""course_lib.optimizers: epochs of mini-batches, and momentum, RMSProp, Adam and step decay, by hand."""

import numpy as np
import pytest

from course_lib.optimizers import adam_update, iterate_minibatches, momentum_update, rmsprop_update, step_decay

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]


def _data(n):
    """X (n, 2) whose rows are (i, -i), and y (n,) = i: a batch shows exactly which samples it holds."""
    index = np.arange(n)
    return np.column_stack((index, -index)).astype(np.float64), index


# --- iterate_minibatches ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (5, 8), (1, 1), (7, 1)])
def test_every_sample_exactly_once_per_epoch(n, batch_size):
    X, y = _data(n)
    batches = list(iterate_minibatches(X, y, batch_size, np.random.default_rng(0)))
    sizes = [len(y_batch) for _, y_batch in batches]
    assert len(batches) == -(-n // batch_size)
    assert all(size == batch_size for size in sizes[:-1])
    assert sizes[-1] == (n % batch_size or batch_size)
    seen = np.concatenate([y_batch for _, y_batch in batches])
    assert sorted(seen) == list(range(n))
    for X_batch, y_batch in batches:
        np.testing.assert_array_equal(X_batch, X[y_batch])


def test_the_last_batch_is_smaller_not_dropped():
    X, y = _data(10)
    sizes = [len(y_batch) for _, y_batch in iterate_minibatches(X, y, 4, np.random.default_rng(1))]
    assert sizes == [4, 4, 2]


def test_shuffling_follows_the_rng():
    X, y = _data(50)

    def order(seed):
        return np.concatenate([b for _, b in iterate_minibatches(X, y, 16, np.random.default_rng(seed))])

    np.testing.assert_array_equal(order(3), order(3))
    np.testing.assert_array_equal(order(3), np.random.default_rng(3).permutation(50))
    assert not np.array_equal(order(3), order(4))
    assert not np.array_equal(order(3), np.arange(50))


def test_one_rng_gives_a_new_order_each_epoch():
    X, y = _data(30)
    rng = np.random.default_rng(5)
    first = np.concatenate([b for _, b in iterate_minibatches(X, y, 7, rng)])
    second = np.concatenate([b for _, b in iterate_minibatches(X, y, 7, rng)])
    assert sorted(first) == sorted(second) and not np.array_equal(first, second)


def test_without_shuffle_the_batches_are_in_order_and_the_rng_is_unused():
    X, y = _data(7)
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    batches = list(iterate_minibatches(X, y, 3, rng, shuffle=False))
    assert [list(b) for _, b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    assert rng.bit_generator.state == state


def test_one_hot_labels_travel_with_their_rows():
    X, y = _data(6)
    onehot = np.eye(6)[y]
    for X_batch, y_batch in iterate_minibatches(X, onehot, 4, np.random.default_rng(2)):
        np.testing.assert_array_equal(y_batch.argmax(axis=1), X_batch[:, 0])


# --- momentum ---------------------------------------------------------------------------------------------


def test_momentum_first_step_is_plain_sgd_and_velocity_accumulates():
    params = {"w": np.array([1.0, -2.0])}
    grad = {"w": np.array([0.5, 1.0])}
    velocities = {}
    momentum_update(params, grad, velocities, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(velocities["w"], [-0.05, -0.1], rtol=1e-15)
    np.testing.assert_allclose(params["w"], [0.95, -2.1], rtol=1e-15)
    momentum_update(params, grad, velocities, lr=0.1, momentum=0.9)
    # v = 0.9 * v - 0.1 * g = 1.9 * (-0.1 g)
    np.testing.assert_allclose(velocities["w"], [-0.095, -0.19], rtol=1e-14)
    np.testing.assert_allclose(params["w"], [0.855, -2.29], rtol=1e-14)


def test_momentum_with_zero_momentum_is_sgd_and_leaves_grads_alone():
    params = {"W": np.array([[1.0, 2.0]]), "b": np.array([3.0])}
    grads = {"W": np.array([[1.0, -1.0]]), "b": np.array([2.0])}
    velocities = {"W": np.array([[100.0, 100.0]])}
    momentum_update(params, grads, velocities, lr=0.5, momentum=0.0)
    np.testing.assert_allclose(params["W"], [[0.5, 2.5]])
    np.testing.assert_allclose(params["b"], [2.0])
    assert set(velocities) == {"W", "b"}
    np.testing.assert_array_equal(grads["W"], [[1.0, -1.0]])


# --- RMSProp ----------------------------------------------------------------------------------------------


def test_rmsprop_by_hand():
    params = {"w": np.array([1.0, 1.0])}
    grads = {"w": np.array([2.0, -0.5])}
    cache = {}
    rmsprop_update(params, grads, cache, lr=0.01, rho=0.9, eps=1e-7)
    expected_cache = 0.1 * np.array([4.0, 0.25])
    np.testing.assert_allclose(cache["w"], expected_cache, rtol=1e-15)
    np.testing.assert_allclose(params["w"], 1.0 - 0.01 * grads["w"] / (np.sqrt(expected_cache) + 1e-7), rtol=1e-15)
    # The first step moves every entry by about lr / sqrt(1 - rho), whatever the gradient's size.
    np.testing.assert_allclose(np.abs(params["w"] - 1.0), 0.01 / np.sqrt(0.1), rtol=1e-5)
    rmsprop_update(params, grads, cache, lr=0.01, rho=0.9, eps=1e-7)
    np.testing.assert_allclose(cache["w"], 0.9 * expected_cache + 0.1 * np.array([4.0, 0.25]), rtol=1e-15)


def test_rmsprop_zero_gradient_does_not_move_or_divide_by_zero():
    params = {"w": np.array([3.0])}
    rmsprop_update(params, {"w": np.zeros(1)}, {}, lr=0.1)
    np.testing.assert_array_equal(params["w"], [3.0])


# --- Adam -------------------------------------------------------------------------------------------------


def _adam_by_hand(grads_in_order, p0, lr, beta1, beta2, eps):
    p, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    for t, g in enumerate(grads_in_order, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return p, m, v


def test_adam_first_step_moves_each_entry_by_about_lr():
    """Bias correction makes m_hat = g and v_hat = g**2 at t = 1, so the step is lr * sign(g)."""
    params = {"w": np.array([0.0, 0.0, 0.0])}
    state = {"t": 0}
    adam_update(params, {"w": np.array([5.0, -1e-3, 0.0])}, state, lr=0.01)
    assert state["t"] == 1 and isinstance(state["t"], int)
    np.testing.assert_allclose(params["w"], [-0.01, 0.01, 0.0], rtol=1e-4)


def test_adam_several_steps_match_the_textbook_loop():
    rng = np.random.default_rng(0)
    gradients = [rng.standard_normal((2, 3)) for _ in range(5)]
    p0 = rng.standard_normal((2, 3))
    params, state = {"W": p0.copy()}, {}
    for step, g in enumerate(gradients, start=1):
        adam_update(params, {"W": g}, state, lr=0.05, beta1=0.8, beta2=0.99, eps=1e-7)
        assert state["t"] == step
        expected_p, expected_m, expected_v = _adam_by_hand(gradients[:step], p0, 0.05, 0.8, 0.99, 1e-7)
        np.testing.assert_allclose(params["W"], expected_p, rtol=1e-13)
        np.testing.assert_allclose(state["m"]["W"], expected_m, rtol=1e-13)
        np.testing.assert_allclose(state["v"]["W"], expected_v, rtol=1e-13)


def test_adam_creates_missing_moments_per_key_and_keeps_the_counter():
    params = {"W": np.ones((2, 2)), "b": np.ones(2)}
    state = {"t": 3, "m": {"W": np.zeros((2, 2))}, "v": {"W": np.zeros((2, 2))}}
    adam_update(params, {"W": np.ones((2, 2)), "b": np.ones(2)}, state)
    assert state["t"] == 4
    assert set(state["m"]) == set(state["v"]) == {"W", "b"}
    np.testing.assert_allclose(state["m"]["b"], [0.1, 0.1])
    # At t = 4 the correction divides m by 1 - 0.9**4 = 0.3439, not by 1 - 0.9 = 0.1 as at t = 1.
    m_hat, v_hat = 0.1 / (1 - 0.9**4), 0.001 / (1 - 0.999**4)
    np.testing.assert_allclose(params["b"], 1.0 - 0.001 * m_hat / (np.sqrt(v_hat) + 1e-8), rtol=1e-12)


# --- step_decay -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("epoch, expected", [(0, 0.1), (9, 0.1), (10, 0.05), (19, 0.05), (20, 0.025), (35, 0.0125)])
def test_step_decay_drops_every_few_epochs(epoch, expected):
    lr = step_decay(0.1, 0.5, 10, epoch)
    assert isinstance(lr, float)
    assert lr == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("update", ["momentum", "rmsprop", "adam"])
def test_updates_keep_arrays_the_caller_kept(update):
    """nb07 starts every optimizer from the same initial weights: one run must not move another's start."""
    initial = np.array([1.0, 2.0])
    params, grads = {"w": initial}, {"w": np.array([0.5, -0.5])}
    if update == "momentum":
        momentum_update(params, grads, {}, lr=0.1)
    elif update == "rmsprop":
        rmsprop_update(params, grads, {})
    else:
        adam_update(params, grads, {})
    assert not np.array_equal(params["w"], [1.0, 2.0])
    np.testing.assert_array_equal(initial, [1.0, 2.0])
