"""course_lib.gradcheck: central differences agree with analytic derivatives, and inputs stay put."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib.activations import leaky_relu, leaky_relu_grad, relu, relu_grad, sigmoid, sigmoid_grad, step
from course_lib.gradcheck import numerical_derivative, numerical_gradient, relative_error
from tests.strategies import FAST

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

# Deterministic and quick: the same examples on every run, no per-example deadline on a loaded machine.


# The agreement the course asks of a correct gradient in notebook 05.
TOLERANCE = 1e-7

# Central differences straddle a kink when |z| < h; staying 1e-3 away leaves a wide margin.
AWAY_FROM_ZERO = st.floats(1e-3, 20.0) | st.floats(-20.0, -1e-3)

# Beyond |z| ~ 8, sigmoid' < 3e-4 while the rounding error of the difference of two numbers near 1
# stays ~1e-16 / h, so the relative error of any central difference grows past 1e-7 there.
SIGMOID_RANGE = st.floats(-8.0, 8.0)

# Multiples of 1/100: no subnormal entries, whose squares vanish against h**2.
ENTRIES = st.integers(-1000, 1000).map(lambda k: k / 100)


def array_of(elements, max_dims=3, max_side=4):
    return hnp.arrays(np.float64, hnp.array_shapes(max_dims=max_dims, max_side=max_side), elements=elements)


# --- numerical_derivative against every activation's analytic derivative ---------------------------------


@FAST
@given(z=array_of(SIGMOID_RANGE))
def test_sigmoid_grad_matches_numerical_derivative(z):
    assert relative_error(sigmoid_grad(z), numerical_derivative(sigmoid, z)) < TOLERANCE


@FAST
@given(z=array_of(AWAY_FROM_ZERO))
def test_relu_grad_matches_numerical_derivative(z):
    assert relative_error(relu_grad(z), numerical_derivative(relu, z)) < TOLERANCE


@FAST
@given(z=array_of(AWAY_FROM_ZERO), alpha=st.sampled_from([0.01, 0.1, 0.2, 0.5]))
def test_leaky_relu_grad_matches_numerical_derivative(z, alpha):
    numerical = numerical_derivative(lambda v: leaky_relu(v, alpha=alpha), z)
    assert relative_error(leaky_relu_grad(z, alpha=alpha), numerical) < TOLERANCE


def test_leaky_relu_alpha_changes_the_numerical_slope():
    """A non-default alpha must show up in the derivative, or the test above could not tell them apart."""
    z = np.array([-3.0, -0.5, 0.5, 3.0])
    slope = numerical_derivative(lambda v: leaky_relu(v, alpha=0.3), z)
    np.testing.assert_allclose(slope, [0.3, 0.3, 1.0, 1.0], rtol=1e-9)


def test_step_is_flat_away_from_zero():
    z = np.array([-5.0, -0.01, 0.01, 5.0])
    assert np.array_equal(numerical_derivative(step, z), np.zeros(4))


def test_numerical_derivative_of_known_functions():
    z = np.linspace(-2.0, 2.0, 9)
    np.testing.assert_allclose(numerical_derivative(np.sin, z), np.cos(z), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(numerical_derivative(lambda v: v**3, z), 3 * z**2, rtol=1e-8, atol=1e-9)


def test_numerical_derivative_keeps_shape_and_input():
    z = np.arange(6.0).reshape(2, 3)
    before = z.copy()
    assert numerical_derivative(np.exp, z).shape == (2, 3)
    assert np.array_equal(z, before)


def test_numerical_derivative_works_in_float64_for_float32_input():
    """In float32, 1 + 1e-5 rounds to 1.0000100136, an error of 1e-3 in the derivative."""
    z = np.array([1.0, 2.0], dtype=np.float32)
    np.testing.assert_allclose(numerical_derivative(lambda v: 2.0 * v, z), [2.0, 2.0], rtol=1e-9)


def test_numerical_derivative_step_size():
    """h is honoured: for v**3 the central difference is 3 z**2 + h**2, here 3 + 0.01."""
    z = np.array([1.0])
    np.testing.assert_allclose(numerical_derivative(lambda v: v**3, z, h=0.1), [3.01], rtol=1e-12)


# --- numerical_gradient --------------------------------------------------------------------------------


@FAST
@given(x=array_of(ENTRIES))
def test_numerical_gradient_of_sum_of_squares(x):
    grad = numerical_gradient(lambda v: np.sum(v**2), x)
    assert grad.shape == x.shape
    assert relative_error(grad, 2 * x) < TOLERANCE


def test_numerical_gradient_of_a_matrix_function():
    """f(W) = mean squared error of X @ W against T / 2, whose gradient is X.T @ (X @ W - T) / N."""
    rng = np.random.default_rng(0)
    X, W, T = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=(6, 4))

    def loss(weights):
        return 0.5 * np.mean(np.sum((X @ weights - T) ** 2, axis=1))

    analytic = X.T @ (X @ W - T) / len(X)
    numerical = numerical_gradient(loss, W)
    assert numerical.shape == (3, 4)
    assert relative_error(analytic, numerical) < TOLERANCE


def test_numerical_gradient_catches_a_wrong_gradient():
    """A gradient missing its factor 2 is far off: the check has teeth."""
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    numerical = numerical_gradient(lambda v: np.sum(v**2), x)
    assert relative_error(x, numerical) > 0.3


@FAST
@given(x=array_of(st.floats(-1e6, 1e6)))
def test_numerical_gradient_leaves_x_unchanged(x):
    before = x.copy()
    numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert np.array_equal(x, before)


def test_numerical_gradient_leaves_x_unchanged_when_f_fails():
    x = np.array([1.0, 2.0, 3.0])

    def failing(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(failing, x)
    assert np.array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_of_integer_input_is_float():
    """Nudging an integer array in place would truncate the step to 0."""
    x = np.array([1, 2, 3])
    grad = numerical_gradient(lambda v: np.sum(v**2), x)
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, [2.0, 4.0, 6.0], rtol=1e-8)
    assert x.dtype.kind == "i" and np.array_equal(x, [1, 2, 3])


def test_numerical_gradient_varies_one_entry_at_a_time():
    """f depends on each entry with a different weight; the gradient must recover each weight."""
    weights = np.array([[1.0, -2.0], [3.0, 0.5]])
    grad = numerical_gradient(lambda v: np.sum(weights * v), np.zeros((2, 2)))
    np.testing.assert_allclose(grad, weights, rtol=1e-9)


# --- relative_error ------------------------------------------------------------------------------------


def test_relative_error_of_two_zeros_is_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(0.0, 0.0) == 0.0
    assert isinstance(relative_error(np.zeros((2, 2)), np.zeros((2, 2))), float)


def test_relative_error_edge_values():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, np.zeros(2)) == 1.0
    assert relative_error(a, -a) == 1.0
    # ||(3, 4) - (0, 4)|| / (5 + 4) = 3 / 9
    assert relative_error(a, np.array([0.0, 4.0])) == pytest.approx(1 / 3)


@FAST
@given(
    a=hnp.arrays(np.float64, 5, elements=ENTRIES),
    b=hnp.arrays(np.float64, 5, elements=ENTRIES),
    power=st.integers(-20, 20),
)
def test_relative_error_properties(a, b, power):
    error = relative_error(a, b)
    assert 0.0 <= error <= 1.0
    assert error == relative_error(b, a)
    # Scaling by a power of two is exact, so the error is exactly unchanged.
    assert relative_error(a * 2.0**power, b * 2.0**power) == error
