"""course_lib.losses: a stable softmax, clipped cross-entropies, accuracy in every label form."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib.losses import (
    accuracy,
    binary_cross_entropy,
    categorical_cross_entropy,
    class_labels,
    one_hot,
    predicted_labels,
    softmax,
)
from tests.strategies import FAST

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]


LOGITS = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
    elements=st.floats(-1e4, 1e4),
)


# --- softmax ---------------------------------------------------------------------------------------------


@FAST
@given(Z=LOGITS)
def test_softmax_rows_are_probabilities(Z):
    probs = softmax(Z)
    assert probs.shape == Z.shape
    assert np.all(np.isfinite(probs))
    assert np.all((probs >= 0.0) & (probs <= 1.0))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)


@FAST
@given(Z=LOGITS, data=st.data())
def test_softmax_ignores_a_constant_added_to_each_row(Z, data):
    shift = data.draw(hnp.arrays(np.float64, (len(Z), 1), elements=st.integers(-1000, 1000).map(float)))
    np.testing.assert_allclose(softmax(Z + shift), softmax(Z), rtol=1e-9, atol=1e-300)


def test_softmax_of_the_largest_floats_warns_nothing():
    probs = softmax(np.array([[1e308, -1e308, 0.0], [-1e308, -1e308, -1e308]]))
    np.testing.assert_array_equal(probs, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])


def test_softmax_accepts_lists_and_integers():
    probs = softmax([[0, 0], [1, 1]])
    assert probs.dtype == np.float64
    np.testing.assert_array_equal(probs, [[0.5, 0.5], [0.5, 0.5]])


def test_softmax_of_huge_logits_has_no_nan():
    probs = softmax(np.array([[1e4, 1e4 - 1.0, -1e4], [1000.0, 1001.0, 1002.0]]))
    assert not np.any(np.isnan(probs))
    expected_row = np.exp([-2.0, -1.0, 0.0]) / np.exp([-2.0, -1.0, 0.0]).sum()
    np.testing.assert_allclose(probs[1], expected_row, rtol=1e-12)
    np.testing.assert_allclose(probs[0], [1 / (1 + np.exp(-1.0)), 1 / (1 + np.exp(1.0)), 0.0], rtol=1e-12)


def test_softmax_matches_the_textbook_formula_on_small_logits():
    Z = np.array([[0.0, 1.0, 2.0], [-1.0, 0.5, 0.25]])
    naive = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax(Z), naive, rtol=1e-14)


def test_softmax_normalises_rows_not_columns():
    probs = softmax(np.array([[0.0, 0.0], [0.0, 10.0], [5.0, 0.0]]))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert not np.allclose(probs.sum(axis=0), 1.0)


def test_softmax_leaves_its_input_alone():
    Z = np.array([[3.0, 1.0], [-2.0, 7.0]])
    before = Z.copy()
    softmax(Z)
    assert np.array_equal(Z, before)


# --- one_hot and labels ----------------------------------------------------------------------------------


def test_one_hot_and_back():
    y = np.array([2, 0, 1, 2], dtype=np.uint8)
    encoded = one_hot(y, 4)
    assert encoded.shape == (4, 4) and encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded[np.arange(4), y], 1.0)
    np.testing.assert_array_equal(class_labels(encoded), y)
    np.testing.assert_array_equal(class_labels(y), y)


# --- categorical_cross_entropy ---------------------------------------------------------------------------


def test_categorical_cross_entropy_is_the_mean_negative_log_of_the_true_class():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    y = np.array([0, 2, 1])
    expected = -(np.log(0.7) + np.log(0.4) + np.log(0.9)) / 3
    loss = categorical_cross_entropy(probs, y)
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected, rel=1e-12)
    assert categorical_cross_entropy(probs, one_hot(y, 3)) == pytest.approx(expected, rel=1e-12)


def test_categorical_cross_entropy_clips_zero_and_one():
    probs = np.array([[0.0, 1.0], [1.0, 0.0]])
    # A zero on the true class costs -log(1e-7); a one costs -log(1 - 1e-7), not exactly 0.
    assert categorical_cross_entropy(probs, np.array([0, 0])) == pytest.approx(
        (-np.log(1e-7) - np.log(1 - 1e-7)) / 2, rel=1e-12
    )
    assert categorical_cross_entropy(probs, np.array([1, 0])) == pytest.approx(-np.log(1 - 1e-7), rel=1e-9)


def test_categorical_cross_entropy_of_uniform_guesses_is_log_k():
    assert categorical_cross_entropy(np.full((5, 4), 0.25), np.array([0, 1, 2, 3, 0])) == pytest.approx(np.log(4))


def test_categorical_cross_entropy_leaves_probs_alone():
    probs = np.array([[0.0, 1.0]])
    categorical_cross_entropy(probs, np.array([0]))
    assert np.array_equal(probs, [[0.0, 1.0]])


# --- binary_cross_entropy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "p_shape, y_shape", [((4,), (4,)), ((4, 1), (4, 1)), ((4, 1), (4,))], ids=["flat", "column", "column-p flat-y"]
)
def test_binary_cross_entropy_accepts_every_shape(p_shape, y_shape):
    p = np.array([0.9, 0.2, 0.6, 0.3]).reshape(p_shape)
    y = np.array([1, 0, 0, 1]).reshape(y_shape)
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.4) + np.log(0.3)) / 4
    loss = binary_cross_entropy(p, y)
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_binary_cross_entropy_clips_both_ends():
    loss = binary_cross_entropy(np.array([0.0, 1.0]), np.array([1, 0]))
    assert np.isfinite(loss)
    assert loss == pytest.approx(-np.log(1e-7), rel=1e-9)
    assert binary_cross_entropy(np.array([1.0, 0.0]), np.array([1, 0])) == pytest.approx(-np.log(1 - 1e-7), rel=1e-9)


# --- accuracy --------------------------------------------------------------------------------------------


def test_accuracy_uses_the_argmax_of_each_row():
    scores = np.array([[2.0, 1.0, 0.0], [0.1, 0.3, 0.2], [0.0, 0.0, 5.0], [1.0, 4.0, 0.0]])
    y = np.array([0, 1, 2, 2])
    assert accuracy(scores, y) == 0.75
    assert accuracy(scores, one_hot(y, 3)) == 0.75
    assert isinstance(accuracy(scores, y), float)


@pytest.mark.parametrize("shape", [(5,), (5, 1)], ids=["flat", "column"])
def test_accuracy_thresholds_binary_outputs_at_one_half(shape):
    p = np.array([0.9, 0.51, 0.5, 0.49, 0.1]).reshape(shape)
    # 0.5 itself counts as class 1, the class sigmoid(0) and plot_decision_boundary give it.
    np.testing.assert_array_equal(predicted_labels(p), [1, 1, 1, 0, 0])
    assert accuracy(p, np.array([1, 1, 1, 0, 0])) == 1.0
    assert accuracy(p, np.array([1, 0, 1, 0, 1]).reshape(shape)) == 0.6
    assert accuracy(p, one_hot(np.array([1, 1, 0, 1, 1]), 2)) == 0.4


def test_accuracy_extremes():
    y = np.array([0, 1, 1])
    assert accuracy(one_hot(y, 2), y) == 1.0
    assert accuracy(one_hot(1 - y, 2), y) == 0.0
