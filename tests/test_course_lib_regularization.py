"""course_lib.regularization: the L2 penalty and its gradient, and inverted dropout in both modes."""

import numpy as np
import pytest

from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.regularization import dropout_backward, dropout_forward, l2_grads, l2_penalty

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]


def some_params(rng):
    """Weights, biases and batch-norm scales: only the W keys are weights."""
    return {
        "W1": rng.standard_normal((3, 4)),
        "b1": rng.standard_normal(4),
        "gamma1": rng.standard_normal(4),
        "W2": rng.standard_normal((4, 2)),
        "b2": rng.standard_normal(2),
    }


def test_l2_penalty_sums_the_squares_of_weights_only():
    params = some_params(np.random.default_rng(0))
    expected = 0.5 * 0.3 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    assert l2_penalty(params, 0.3) == pytest.approx(expected, rel=1e-12)
    assert isinstance(l2_penalty(params, 0.3), float)
    assert l2_penalty({"b1": np.ones(3)}, 1.0) == 0.0
    assert l2_penalty(params, 0.0) == 0.0


def test_l2_grads_is_the_gradient_of_the_penalty():
    rng = np.random.default_rng(1)
    params = some_params(rng)
    zero_grads = {name: np.zeros_like(value) for name, value in params.items()}
    grads = l2_grads(params, zero_grads, 0.7)
    for name in params:

        def penalty_of(value, name=name):
            return l2_penalty(dict(params, **{name: value}), 0.7)

        numerical = numerical_gradient(penalty_of, params[name])
        if name.startswith("W"):
            assert relative_error(grads[name], numerical) < 1e-7
        else:
            assert not numerical.any() and not grads[name].any(), f"{name} is not a weight"


def test_l2_grads_returns_a_new_dict_and_leaves_its_inputs_alone():
    rng = np.random.default_rng(2)
    params = some_params(rng)
    grads = {name: rng.standard_normal(value.shape) for name, value in params.items()}
    saved_params = {k: v.copy() for k, v in params.items()}
    saved_grads = {k: v.copy() for k, v in grads.items()}
    regularised = l2_grads(params, grads, 0.5)
    assert regularised is not grads
    assert set(regularised) == set(grads)
    for name in params:
        assert np.array_equal(params[name], saved_params[name])
        assert np.array_equal(grads[name], saved_grads[name])
        expected = saved_grads[name] + (0.5 * params[name] if name.startswith("W") else 0.0)
        np.testing.assert_allclose(regularised[name], expected, rtol=1e-12)


@pytest.mark.parametrize("keep_prob", [0.2, 0.5, 0.85])
def test_dropout_keeps_units_with_probability_keep_prob_and_rescales_them(keep_prob):
    rng = np.random.default_rng(3)
    A = rng.uniform(0.5, 2.0, (400, 250))
    out, mask = dropout_forward(A, keep_prob, np.random.default_rng(4))
    assert mask.shape == A.shape and mask.dtype == bool
    # 100 000 Bernoulli draws: the kept fraction is within 4 standard deviations of keep_prob.
    assert abs(mask.mean() - keep_prob) < 4 * np.sqrt(keep_prob * (1 - keep_prob) / mask.size)
    np.testing.assert_array_equal(out, A * mask / keep_prob)
    # Inverted dropout keeps the expected activation: the mean of out matches the mean of A.
    assert out.mean() == pytest.approx(A.mean(), rel=0.02)


def test_dropout_mask_comes_from_the_generator():
    A = np.ones((20, 30))
    _, mask_a = dropout_forward(A, 0.5, np.random.default_rng(7))
    _, mask_b = dropout_forward(A, 0.5, np.random.default_rng(7))
    _, mask_c = dropout_forward(A, 0.5, np.random.default_rng(8))
    np.testing.assert_array_equal(mask_a, mask_b)
    assert not np.array_equal(mask_a, mask_c)
    np.testing.assert_array_equal(mask_a, np.random.default_rng(7).random(A.shape) < 0.5)


def test_dropout_in_eval_mode_is_the_identity_and_draws_nothing():
    A = np.random.default_rng(5).standard_normal((6, 4))
    rng = np.random.default_rng(9)
    out, mask = dropout_forward(A, 0.5, rng, training=False)
    assert mask is None
    np.testing.assert_array_equal(out, A)
    assert rng.random() == np.random.default_rng(9).random()
    np.testing.assert_array_equal(dropout_backward(A, None, 0.5), A)


def test_dropout_with_keep_prob_one_changes_nothing():
    A = np.random.default_rng(6).standard_normal((5, 5))
    out, mask = dropout_forward(A, 1.0, np.random.default_rng(0))
    assert mask.all()
    np.testing.assert_array_equal(out, A)


@pytest.mark.parametrize("keep_prob", [0.0, -0.5, 1.5])
def test_dropout_rejects_keep_prob_outside_zero_one(keep_prob):
    with pytest.raises(ValueError):
        dropout_forward(np.ones((2, 2)), keep_prob, np.random.default_rng(0))


def test_dropout_backward_matches_numerical_gradient_for_a_fixed_mask():
    rng = np.random.default_rng(10)
    A = rng.standard_normal((5, 6))
    upstream = rng.standard_normal((5, 6))
    _, mask = dropout_forward(A, 0.6, np.random.default_rng(11))

    def loss_of(values):
        out, _ = dropout_forward(values, 0.6, np.random.default_rng(11))
        return np.sum(out * upstream)

    dA = dropout_backward(upstream, mask, 0.6)
    assert relative_error(dA, numerical_gradient(loss_of, A)) < 1e-7
    np.testing.assert_allclose(dA[~mask], 0.0)


def test_dropout_leaves_inputs_alone_and_keeps_float32():
    A = np.random.default_rng(12).standard_normal((4, 3)).astype(np.float32)
    saved = A.copy()
    out, mask = dropout_forward(A, 0.5, np.random.default_rng(0))
    dA = dropout_backward(A, mask, 0.5)
    np.testing.assert_array_equal(A, saved)
    assert out.dtype == dA.dtype == np.float32
