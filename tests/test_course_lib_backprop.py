"""course_lib.backprop: every backward agrees with central differences of its forward, in every label form."""

import numpy as np
import pytest

from course_lib.activations import relu, sigmoid
from course_lib.backprop import dense_backward, relu_backward, sigmoid_bce_backward, softmax_cce_backward
from course_lib.gradcheck import (
    GRADCHECK_THRESHOLDS,
    gradcheck_verdict,
    gradient_check,
    numerical_gradient,
    relative_error,
)
from course_lib.layers import dense_forward
from course_lib.losses import binary_cross_entropy, categorical_cross_entropy, one_hot, softmax

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

# The course's bar for a correct gradient (notebook 05).
TOLERANCE = 1e-7


@pytest.fixture
def rng():
    return np.random.default_rng(2026)


def test_relu_backward_passes_the_gradient_where_z_is_positive():
    Z = np.array([[-1.0, 0.0, 2.0], [3.0, -0.5, 1e-12]])
    dA = np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
    np.testing.assert_array_equal(relu_backward(dA, Z), [[0.0, 0.0, 30.0], [40.0, 0.0, 60.0]])


def test_relu_backward_matches_central_differences(rng):
    Z = rng.standard_normal((4, 5))
    Z[np.abs(Z) < 1e-3] = 0.5  # a central difference straddling the kink would be meaningless
    upstream = rng.standard_normal((4, 5))
    numerical = numerical_gradient(lambda z: np.sum(upstream * relu(z)), Z)
    assert relative_error(relu_backward(upstream, Z), numerical) < TOLERANCE


def test_dense_backward_shapes_and_values(rng):
    X, W, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    upstream = rng.standard_normal((6, 3))
    dX, dW, db = dense_backward(upstream, X, W)
    assert (dX.shape, dW.shape, db.shape) == ((6, 4), (4, 3), (3,))

    def loss(X_, W_, b_):
        return np.sum(upstream * dense_forward(X_, W_, b_))

    assert relative_error(dX, numerical_gradient(lambda x: loss(x, W, b), X)) < TOLERANCE
    assert relative_error(dW, numerical_gradient(lambda w: loss(X, w, b), W)) < TOLERANCE
    assert relative_error(db, numerical_gradient(lambda bias: loss(X, W, bias), b)) < TOLERANCE


def test_dense_backward_does_not_divide_by_n():
    """With one sample of ones, every gradient is a plain sum: no 1/N hides in a layer's backward."""
    X, W = np.ones((2, 3)), np.ones((3, 2))
    dX, dW, db = dense_backward(np.ones((2, 2)), X, W)
    np.testing.assert_array_equal(dX, np.full((2, 3), 2.0))
    np.testing.assert_array_equal(dW, np.full((3, 2), 2.0))
    np.testing.assert_array_equal(db, [2.0, 2.0])


@pytest.mark.parametrize("label_form", ["integers", "one-hot"])
def test_softmax_cce_backward_is_the_gradient_of_the_mean_loss(rng, label_form):
    Z = rng.standard_normal((5, 4))
    y = rng.integers(0, 4, size=5)
    labels = y if label_form == "integers" else one_hot(y, 4)
    numerical = numerical_gradient(lambda z: categorical_cross_entropy(softmax(z), y), Z)
    dZ = softmax_cce_backward(softmax(Z), labels)
    assert dZ.shape == (5, 4)
    assert relative_error(dZ, numerical) < TOLERANCE


def test_softmax_cce_backward_formula_and_inputs_untouched():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])
    y = np.array([0, 2])
    before = probs.copy()
    np.testing.assert_allclose(softmax_cce_backward(probs, y), [[-0.15, 0.1, 0.05], [0.05, 0.25, -0.3]], rtol=1e-12)
    assert np.array_equal(probs, before)
    # Each row of probs - onehot sums to zero: the logits' common shift does not matter.
    np.testing.assert_allclose(softmax_cce_backward(probs, y).sum(axis=1), 0.0, atol=1e-15)


@pytest.mark.parametrize(
    "p_shape, y_shape", [((6,), (6,)), ((6, 1), (6, 1)), ((6, 1), (6,))], ids=["flat", "column", "column-p flat-y"]
)
def test_sigmoid_bce_backward_is_the_gradient_of_the_mean_loss(rng, p_shape, y_shape):
    Z = rng.standard_normal(p_shape)
    y = rng.integers(0, 2, size=6).reshape(y_shape)
    numerical = numerical_gradient(lambda z: binary_cross_entropy(sigmoid(z), y), Z)
    dZ = sigmoid_bce_backward(sigmoid(Z), y)
    assert dZ.shape == p_shape
    assert relative_error(dZ, numerical) < TOLERANCE


def test_sigmoid_bce_backward_formula():
    p = np.array([[0.9], [0.2], [0.5], [0.0]])
    y = np.array([1, 1, 0, 0])
    np.testing.assert_allclose(sigmoid_bce_backward(p, y), [[-0.025], [-0.2], [0.125], [0.0]], rtol=1e-12)


# --- gradient_check: the helper students run on their own forward/backward pairs --------------------------


def _two_layer_problem(rng, dtype=np.float64):
    """A tiny Dense-ReLU-Dense-softmax network, its loss of params and its analytic gradients."""
    X = rng.standard_normal((5, 3))
    y = rng.integers(0, 3, size=5)
    params = {
        "W1": rng.standard_normal((3, 4)).astype(dtype),
        "b1": (0.1 * rng.standard_normal(4)).astype(dtype),
        "W2": rng.standard_normal((4, 3)).astype(dtype),
        "b2": np.zeros(3, dtype=dtype),
    }

    def loss_of_params(p):
        hidden = relu(dense_forward(X, p["W1"], p["b1"]))
        return categorical_cross_entropy(softmax(dense_forward(hidden, p["W2"], p["b2"])), y)

    p64 = {name: value.astype(np.float64) for name, value in params.items()}
    Z1 = dense_forward(X, p64["W1"], p64["b1"])
    A1 = relu(Z1)
    dZ2 = softmax_cce_backward(softmax(dense_forward(A1, p64["W2"], p64["b2"])), y)
    dA1, dW2, db2 = dense_backward(dZ2, A1, p64["W2"])
    _, dW1, db1 = dense_backward(relu_backward(dA1, Z1), X, p64["W1"])
    return loss_of_params, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}, params


def test_gradient_check_passes_a_correct_backward_and_prints_a_table(rng, capsys):
    loss_of_params, grads, params = _two_layer_problem(rng)
    errors = gradient_check(loss_of_params, grads, params)
    assert list(errors) == ["W1", "b1", "W2", "b2"]
    assert all(isinstance(error, float) and error < GRADCHECK_THRESHOLDS["good"] for error in errors.values())
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5
    assert "relative error" in lines[0] and "verdict" in lines[0]
    assert lines[1].split()[0] == "W1" and "(3, 4)" in lines[1] and lines[1].endswith("good")
    assert lines[2].split()[0] == "b1" and "(4,)" in lines[2]


def test_gradient_check_names_the_wrong_parameter(rng, capsys):
    loss_of_params, grads, params = _two_layer_problem(rng)
    grads["b2"] = grads["b2"] / 5  # the classic mistake: 1/N applied twice
    errors = gradient_check(loss_of_params, grads, params)
    assert gradcheck_verdict(errors["b2"]) == "wrong"
    assert gradcheck_verdict(errors["W1"]) == "good"
    row_b2 = [line for line in capsys.readouterr().out.splitlines() if line.startswith("b2")]
    assert row_b2 and row_b2[0].endswith("wrong")


def test_gradient_check_checks_only_the_given_names_and_can_stay_quiet(rng, capsys):
    loss_of_params, grads, params = _two_layer_problem(rng)
    errors = gradient_check(loss_of_params, {"W2": grads["W2"]}, params, show=False)
    assert list(errors) == ["W2"] and errors["W2"] < GRADCHECK_THRESHOLDS["good"]
    assert capsys.readouterr().out == ""


def test_gradient_check_leaves_params_alone_and_works_in_float64(rng):
    """float32 params would make h = 1e-5 invisible; the check runs on float64 copies."""
    loss_of_params, grads, params = _two_layer_problem(rng, dtype=np.float32)
    before = {name: value.copy() for name, value in params.items()}
    errors = gradient_check(loss_of_params, grads, params, show=False)
    assert max(errors.values()) < GRADCHECK_THRESHOLDS["good"]
    for name, value in params.items():
        assert value.dtype == np.float32 and np.array_equal(value, before[name])


def test_gradient_check_of_a_closure_that_ignores_its_argument_reports_wrong(rng):
    loss_of_params, grads, params = _two_layer_problem(rng)
    errors = gradient_check(lambda p: loss_of_params(params), grads, params, show=False)
    # The numerical gradient is all zeros, so the relative error is exactly 1.
    assert all(error == 1.0 for error in errors.values())


@pytest.mark.parametrize(
    "error, verdict",
    [
        (0.0, "good"),
        (9.9e-8, "good"),
        (1e-7, "acceptable"),
        (9.9e-5, "acceptable"),
        (1e-4, "suspicious"),
        (9.9e-3, "suspicious"),
        (1e-2, "wrong"),
        (1.0, "wrong"),
    ],
)
def test_gradcheck_verdict_boundaries(error, verdict):
    assert GRADCHECK_THRESHOLDS == {"good": 1e-7, "suspicious": 1e-4, "wrong": 1e-2}
    assert gradcheck_verdict(error) == verdict


def test_gradient_check_rejects_a_gradient_of_the_wrong_shape(rng):
    loss_of_params, grads, params = _two_layer_problem(rng)
    grads["b1"] = grads["b1"][None, :]  # db kept as (1, H) by sum(axis=0, keepdims=True)
    with pytest.raises(ValueError, match=r"grads\['b1'\] has shape \(1, 4\)"):
        gradient_check(loss_of_params, grads, params, show=False)


@pytest.mark.parametrize("label_form", ["integers", "one-hot"])
def test_float32_stays_float32(rng, label_form):
    """The training toolkit may run in float32; no backward may quietly promote it to float64."""
    Z = rng.standard_normal((4, 3)).astype(np.float32)
    y = np.array([0, 2, 1, 1], dtype=np.uint8)
    labels = y if label_form == "integers" else one_hot(y, 3)
    probs = softmax(Z)
    assert probs.dtype == np.float32
    assert softmax_cce_backward(probs, labels).dtype == np.float32
    assert relu_backward(Z, Z).dtype == np.float32
    assert all(g.dtype == np.float32 for g in dense_backward(Z, Z, np.ones((3, 3), dtype=np.float32)))
    p = probs[:, :1]
    assert sigmoid_bce_backward(p, (y > 0).astype(np.uint8)).dtype == np.float32
