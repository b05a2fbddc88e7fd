"""course_lib.network: init_network, mlp_forward and mlp_backward on networks of several depths."""

import numpy as np
import pytest

from course_lib.activations import relu
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.layers import init_dense
from course_lib.network import init_network, mlp_backward, mlp_forward, num_layers

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

# Depths 1 (no hidden layer), 2 and 4, with uneven widths so a transposed weight cannot fit.
LAYER_SIZES = [[3, 2], [3, 5, 2], [4, 6, 5, 3, 2]]


def copy_params(params):
    return {name: value.copy() for name, value in params.items()}


def random_biases(params, rng):
    """The same weights with biases drawn away from zero, so no pre-activation sits on ReLU's kink."""
    return {k: rng.uniform(0.1, 0.5, v.shape) if k.startswith("b") else v for k, v in params.items()}


@pytest.mark.parametrize("sizes", LAYER_SIZES, ids=str)
def test_init_network_keys_shapes_and_zero_biases(sizes):
    params = init_network(sizes, np.random.default_rng(0))
    L = len(sizes) - 1
    assert list(params) == [f"{kind}{layer}" for layer in range(1, L + 1) for kind in "Wb"]
    assert num_layers(params) == L
    for layer in range(1, L + 1):
        assert params[f"W{layer}"].shape == (sizes[layer - 1], sizes[layer])
        assert params[f"b{layer}"].shape == (sizes[layer],)
        assert not params[f"b{layer}"].any()


@pytest.mark.parametrize("scheme", ["zeros", "small", "xavier", "he"])
def test_init_network_draws_each_layer_with_init_dense_in_order(scheme):
    sizes = [4, 6, 5, 3]
    params = init_network(sizes, np.random.default_rng(3), scheme=scheme)
    rng = np.random.default_rng(3)
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        W, b = init_dense(n_in, n_out, rng, scheme)
        assert np.array_equal(params[f"W{layer}"], W)
        assert np.array_equal(params[f"b{layer}"], b)


def test_init_network_he_scale_follows_fan_in():
    params = init_network([400, 300, 200], np.random.default_rng(1))
    assert params["W1"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert params["W2"].std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)


def test_init_network_rejects_a_list_without_layers():
    with pytest.raises(ValueError):
        init_network([3], np.random.default_rng(0))


def test_mlp_forward_applies_relu_between_layers_but_not_after_the_last():
    rng = np.random.default_rng(2)
    params = init_network([3, 5, 4, 2], rng)
    X = rng.standard_normal((7, 3))
    scores, cache = mlp_forward(X, params)
    A1 = relu(X @ params["W1"] + params["b1"])
    A2 = relu(A1 @ params["W2"] + params["b2"])
    expected = A2 @ params["W3"] + params["b3"]
    np.testing.assert_allclose(scores, expected, rtol=1e-12)
    assert (scores < 0).any(), "logits are not clipped at zero"
    assert len(cache) == 3
    np.testing.assert_array_equal(cache[0][0], X)
    np.testing.assert_allclose(cache[1][0], A1, rtol=1e-12)


@pytest.mark.parametrize("sizes", LAYER_SIZES, ids=str)
def test_mlp_backward_matches_numerical_gradients(sizes):
    rng = np.random.default_rng(len(sizes))
    params = init_network(sizes, rng, scheme="xavier")
    # Non-zero biases move pre-activations away from ReLU's kink, where central differences are wrong.
    for name in params:
        if name.startswith("b"):
            params[name] = rng.uniform(0.1, 0.5, params[name].shape)
    X = rng.standard_normal((6, sizes[0]))
    upstream = rng.standard_normal((6, sizes[-1]))
    scores, cache = mlp_forward(X, params)
    grads = mlp_backward(upstream, cache, params)
    assert set(grads) == set(params)
    for name in params:

        def loss_of(value, name=name):
            nudged = dict(params, **{name: value})
            return np.sum(mlp_forward(X, nudged)[0] * upstream)

        assert grads[name].shape == params[name].shape
        assert relative_error(grads[name], numerical_gradient(loss_of, params[name])) < 1e-7, name


def test_mlp_backward_passes_negative_output_gradients_through_the_output_layer():
    # With ReLU's derivative wrongly applied to the output layer, samples with negative scores would give
    # the last layer no gradient at all.
    rng = np.random.default_rng(4)
    params = init_network([2, 8, 1], rng)
    params["b2"] = np.array([-100.0])
    X = rng.standard_normal((5, 2))
    scores, cache = mlp_forward(X, params)
    assert (scores < 0).all()
    grads = mlp_backward(np.ones_like(scores), cache, params)
    np.testing.assert_allclose(grads["b2"], [5.0])


def test_forward_and_backward_leave_inputs_alone():
    rng = np.random.default_rng(5)
    params = init_network([3, 4, 2], rng)
    X = rng.standard_normal((4, 3))
    dscores = rng.standard_normal((4, 2))
    saved_params, saved_X, saved_d = copy_params(params), X.copy(), dscores.copy()
    scores, cache = mlp_forward(X, params)
    mlp_backward(dscores, cache, params)
    assert all(np.array_equal(params[k], saved_params[k]) for k in params)
    assert np.array_equal(X, saved_X) and np.array_equal(dscores, saved_d)


def test_float32_stays_float32():
    rng = np.random.default_rng(6)
    params = {k: v.astype(np.float32) for k, v in init_network([2, 16, 3], rng).items()}
    X = rng.standard_normal((10, 2)).astype(np.float32)
    scores, cache = mlp_forward(X, params)
    grads = mlp_backward(np.ones_like(scores), cache, params)
    assert scores.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
