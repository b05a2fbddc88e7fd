"""course_lib.batchnorm: batch norm in training and eval mode, its running statistics, and layer norm."""

import numpy as np
import pytest

from course_lib.batchnorm import batchnorm_backward, batchnorm_forward, layernorm_backward, layernorm_forward
from course_lib.gradcheck import numerical_gradient, relative_error

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]


def batch(seed, shape=(8, 5)):
    """Z with features of different means and scales, gamma and beta away from 1 and 0."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal(shape) * rng.uniform(0.5, 3.0, shape[1]) + rng.uniform(-2, 2, shape[1])
    gamma = rng.uniform(0.5, 2.0, shape[1])
    beta = rng.uniform(-1.0, 1.0, shape[1])
    return Z, gamma, beta, rng


def fresh_state(D):
    return {"running_mean": np.zeros(D), "running_var": np.ones(D)}


def test_training_mode_normalises_each_feature_with_the_biased_variance():
    Z, gamma, beta, _ = batch(0)
    out, _ = batchnorm_forward(Z, gamma, beta, fresh_state(5), eps=0.0)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    # ddof=0: the biased variance. With ddof=1 the standard deviation would be gamma * sqrt((N-1)/N).
    np.testing.assert_allclose(out.std(axis=0, ddof=0), gamma, rtol=1e-10)
    expected = gamma * (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + 1e-5) + beta
    np.testing.assert_allclose(batchnorm_forward(Z, gamma, beta, fresh_state(5))[0], expected, rtol=1e-12)


def test_training_updates_the_running_statistics_in_place():
    Z, gamma, beta, _ = batch(1)
    state = fresh_state(5)
    mean_array, var_array = state["running_mean"], state["running_var"]
    batchnorm_forward(Z, gamma, beta, state, momentum=0.2)
    np.testing.assert_allclose(state["running_mean"], 0.2 * Z.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(state["running_var"], 0.8 + 0.2 * Z.var(axis=0), rtol=1e-12)
    assert state["running_mean"] is mean_array and state["running_var"] is var_array
    batchnorm_forward(Z, gamma, beta, state, momentum=0.2)
    np.testing.assert_allclose(state["running_mean"], (0.2 + 0.8 * 0.2) * Z.mean(axis=0), rtol=1e-12)


def test_missing_running_statistics_start_at_zero_mean_and_unit_variance():
    Z, gamma, beta, _ = batch(2)
    state = {}
    batchnorm_forward(Z, gamma, beta, state, momentum=0.1)
    np.testing.assert_allclose(state["running_mean"], 0.1 * Z.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(state["running_var"], 0.9 + 0.1 * Z.var(axis=0), rtol=1e-12)


def test_eval_mode_uses_the_running_statistics_and_leaves_them_alone():
    Z, gamma, beta, rng = batch(3)
    state = {"running_mean": rng.standard_normal(5), "running_var": rng.uniform(0.5, 2.0, 5)}
    saved = {k: v.copy() for k, v in state.items()}
    out, _ = batchnorm_forward(Z, gamma, beta, state, training=False)
    expected = gamma * (Z - saved["running_mean"]) / np.sqrt(saved["running_var"] + 1e-5) + beta
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert all(np.array_equal(state[k], saved[k]) for k in state)
    # One sample at a time gives the same answer as the whole batch: eval mode has no batch statistics.
    single, _ = batchnorm_forward(Z[:1], gamma, beta, state, training=False)
    np.testing.assert_allclose(single, out[:1], rtol=1e-12)


def test_forward_leaves_its_inputs_alone():
    Z, gamma, beta, _ = batch(4)
    saved = [Z.copy(), gamma.copy(), beta.copy()]
    batchnorm_forward(Z, gamma, beta, fresh_state(5))
    assert all(np.array_equal(a, b) for a, b in zip([Z, gamma, beta], saved))


@pytest.mark.parametrize("training", [True, False], ids=["training", "eval"])
@pytest.mark.parametrize("shape", [(8, 5), (2, 3), (30, 1)], ids=str)
def test_batchnorm_backward_matches_numerical_gradients(training, shape):
    Z, gamma, beta, rng = batch(5, shape)
    upstream = rng.standard_normal(shape)
    state = {"running_mean": rng.standard_normal(shape[1]), "running_var": rng.uniform(0.5, 2.0, shape[1])}

    def loss_of(Z=Z, gamma=gamma, beta=beta):
        # A copy of the state, so the numerical gradient's many forward passes do not move it.
        out, _ = batchnorm_forward(Z, gamma, beta, {k: v.copy() for k, v in state.items()}, training=training)
        return np.sum(out * upstream)

    _, cache = batchnorm_forward(Z, gamma, beta, {k: v.copy() for k, v in state.items()}, training=training)
    dZ, dgamma, dbeta = batchnorm_backward(upstream, cache)
    assert relative_error(dZ, numerical_gradient(lambda v: loss_of(Z=v), Z)) < 1e-7
    assert relative_error(dgamma, numerical_gradient(lambda v: loss_of(gamma=v), gamma)) < 1e-7
    assert relative_error(dbeta, numerical_gradient(lambda v: loss_of(beta=v), beta)) < 1e-7


def test_training_gradient_of_z_sums_to_zero_over_the_batch():
    # Shifting every row of Z by the same vector changes nothing after normalisation.
    Z, gamma, beta, rng = batch(6)
    _, cache = batchnorm_forward(Z, gamma, beta, fresh_state(5))
    dZ, _, _ = batchnorm_backward(rng.standard_normal(Z.shape), cache)
    np.testing.assert_allclose(dZ.sum(axis=0), 0.0, atol=1e-12)


def test_float32_stays_float32():
    Z, gamma, beta, rng = (a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in batch(7))
    state = {"running_mean": np.zeros(5, np.float32), "running_var": np.ones(5, np.float32)}
    out, cache = batchnorm_forward(Z, gamma, beta, state)
    dZ, dgamma, dbeta = batchnorm_backward(np.ones_like(out), cache)
    assert {out.dtype, dZ.dtype, dgamma.dtype, dbeta.dtype, state["running_var"].dtype} == {np.dtype(np.float32)}


def test_layernorm_normalises_each_row_the_same_in_any_batch():
    Z, gamma, beta, _ = batch(8)
    out, _ = layernorm_forward(Z, gamma, beta)
    Z_hat = (out - beta) / gamma
    np.testing.assert_allclose(Z_hat.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z_hat.var(axis=1), 1.0, rtol=1e-4)
    np.testing.assert_allclose(layernorm_forward(Z[3:4], gamma, beta)[0], out[3:4], rtol=1e-12)


# Not D = 2: two features normalise to exactly -1 and +1, so the gradient is nearly zero and all noise.
@pytest.mark.parametrize("shape", [(6, 5), (1, 4), (3, 3)], ids=str)
def test_layernorm_backward_matches_numerical_gradients(shape):
    Z, gamma, beta, rng = batch(9, shape)
    upstream = rng.standard_normal(shape)

    def loss_of(Z=Z, gamma=gamma, beta=beta):
        return np.sum(layernorm_forward(Z, gamma, beta)[0] * upstream)

    dZ, dgamma, dbeta = layernorm_backward(upstream, layernorm_forward(Z, gamma, beta)[1])
    assert relative_error(dZ, numerical_gradient(lambda v: loss_of(Z=v), Z)) < 1e-7
    assert relative_error(dgamma, numerical_gradient(lambda v: loss_of(gamma=v), gamma)) < 1e-7
    assert relative_error(dbeta, numerical_gradient(lambda v: loss_of(beta=v), beta)) < 1e-7
