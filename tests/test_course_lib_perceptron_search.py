"""course_lib.perceptron_search: the grid of perceptron settings and the vectorised corner count agree with
one call of the reference perceptron per setting, and the counts show what notebook 01 claims."""

import numpy as np
import pytest

from course_lib import datasets, neurons, perceptron_search

pytestmark = pytest.mark.course_lib


def test_grid_holds_every_combination_once():
    weights, biases = perceptron_search.grid_of_settings(-1.0, 1.0, 5)
    assert weights.shape == (125, 2) and biases.shape == (125,)
    settings = {(w1, w2, b) for (w1, w2), b in zip(weights.tolist(), biases.tolist())}
    values = [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert settings == {(w1, w2, b) for w1 in values for w2 in values for b in values}


def test_default_grid_steps_are_exact_decimals():
    weights, biases = perceptron_search.grid_of_settings()
    assert weights.shape == (61 ** 3, 2)
    assert 0.1 in biases.tolist() and -3.0 in biases.tolist() and 3.0 in biases.tolist()


@pytest.mark.parametrize("make", [datasets.and_data, datasets.or_data, datasets.xor_data])
def test_counts_equal_one_reference_call_per_setting(make):
    X, y = make()
    rng = np.random.default_rng(7)
    weights = rng.normal(0.0, 2.0, size=(300, 2))
    biases = rng.normal(0.0, 2.0, size=300)
    # Settings whose line passes exactly through a corner: z == 0 there must count as output 1.
    weights[:3] = [[1.0, 1.0], [0.0, 0.0], [1.0, -1.0]]
    biases[:3] = [-1.0, 0.0, 0.0]
    expected = [sum(neurons.perceptron(x, w, b) == target for x, target in zip(X, y))
                for w, b in zip(weights, biases)]
    assert perceptron_search.corners_correct(X, y, weights, biases).tolist() == expected


def test_inputs_are_left_unchanged():
    X, y = datasets.xor_data()
    weights, biases = perceptron_search.grid_of_settings(-1.0, 1.0, 3)
    copies = [a.copy() for a in (X, y, weights, biases)]
    perceptron_search.corners_correct(X, y, weights, biases)
    for before, after in zip(copies, (X, y, weights, biases)):
        np.testing.assert_array_equal(before, after)


def test_the_grid_finds_and_but_never_xor():
    weights, biases = perceptron_search.grid_of_settings()
    counts = {}
    for name, make in [("AND", datasets.and_data), ("XOR", datasets.xor_data)]:
        X, y = make()
        counts[name] = perceptron_search.score_counts(perceptron_search.corners_correct(X, y, weights, biases))
    assert counts["AND"][4] > 0
    # No setting gets all four XOR corners right, and none gets all four wrong (that would compute XNOR).
    assert counts["XOR"][4] == 0 and counts["XOR"][0] == 0 and counts["XOR"][3] > 0


def test_score_counts_keeps_empty_scores():
    counts = perceptron_search.score_counts(np.array([3, 1, 3, 3]))
    assert counts.tolist() == [0, 1, 0, 3, 0]
