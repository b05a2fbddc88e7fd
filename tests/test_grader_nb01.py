"""Notebook 01's checks beyond what tests/test_grader.py asks of every check: messages, hidden cases, and
the and-gate check that judges what the parameters do."""

import numpy as np
import pytest

from autograde_tests import core, nb01
from autograde_tests.cases import Case
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb01


def test_failure_message_gives_case_got_expected_and_cause_in_order():
    message = assert_fails(nb01.check_neuron_output, nb01.NEURON_OUTPUT.mistakes[0].fn, hidden=False)
    lines = message.splitlines()
    assert lines[0] == "neuron_output failed on inputs = [1.0, 2.0, 3.0], weights = [0.2, 0.8, -0.5],"
    assert lines[1] == "    bias = 2.0:"
    assert lines[2] == "  got      0.3"
    assert lines[3] == "  expected 2.3"
    assert lines[4].startswith("  Known mistake, bias forgotten:")


def test_a_wrong_answer_outside_the_catalogue_gets_the_case_hint():
    message = assert_fails(nb01.check_layer_output, lambda inputs, weights, biases: inputs @ weights * 2 + biases)
    assert "Known mistake" not in message
    assert "Likely cause: weights has shape (D, n_out)" in message


def test_a_transposed_product_on_non_square_weights_fails_as_a_shape_error():
    # The visible square case names this mistake; here it must fail on its own on non-square weights.
    cases = [Case((np.ones(3), np.ones((3, 2)), np.zeros(2)))]
    with pytest.raises(core.CheckFailed, match="raised   ValueError"):
        nb01.LAYER_OUTPUT.judge(nb01.LAYER_OUTPUT.mistakes[0].fn, cases)


def test_rounding_passes_the_visible_cases_but_not_the_hidden_ones():
    rounded = lambda inputs, weights, bias: round(float(inputs @ weights + bias), 2)  # noqa: E731
    assert_passes(nb01.check_neuron_output, rounded, hidden=False)
    assert_fails(nb01.check_neuron_output, rounded, must_mention=["default_rng(1)"])


def test_only_the_hidden_cases_probe_just_below_the_perceptron_boundary():
    with_tolerance = lambda inputs, weights, bias: int(inputs @ weights + bias >= -1e-5)  # noqa: E731
    assert_passes(nb01.check_perceptron, with_tolerance, hidden=False)
    message = assert_fails(nb01.check_perceptron, with_tolerance, must_mention=["bias = -2.000001 (so z = -1e-6)"])
    assert "Known mistake" not in message
    assert "Likely cause: z is just below 0 here" in message


def test_float32_inputs_are_in_the_hidden_cases():
    float64_only = lambda inputs, weights, biases: (  # noqa: E731
        inputs @ weights + biases if inputs.dtype == np.float64 else inputs)
    assert_passes(nb01.check_layer_output, float64_only, hidden=False)
    assert_fails(nb01.check_layer_output, float64_only, must_mention=["as float32"])


def test_and_gate_message_shows_the_outputs_and_z_at_the_corners():
    message = assert_fails(nb01.check_and_gate_parameters, lambda: (np.array([1.0, 2.0]), -1.5))
    assert "got      outputs [0, 1, 0, 1] (z = [-1.5, 0.5, -0.5, 1.5])" in message
    assert "expected outputs [0, 0, 0, 1]" in message
    assert "Known mistake" not in message


def test_and_gate_names_a_corner_on_the_boundary_whatever_the_other_corners_do():
    message = assert_fails(nb01.check_and_gate_parameters, lambda: (np.array([1.0, 2.0]), -2.0))
    assert "Known mistake, boundary through a corner:" in message


@pytest.mark.parametrize(
    ("fn", "phrase"),
    [
        (lambda: (np.array([1.0, np.nan]), -1.5), "expected finite numbers"),
        (lambda: (np.array([1.0, 1.0]), -np.inf), "expected finite numbers"),
        (lambda: np.array([1.0, 1.0]), "expected a pair (weights, bias)"),
        (lambda: (np.array([1.0, 1.0]), -1.5, 0.0), "expected a pair (weights, bias)"),
        (lambda: (np.array([1.0, 1.0, 1.0]), -2.5), "expected weights of shape (2,)"),
        (lambda: ("1, 1", -1.5), "expected weights as a NumPy array"),
        (lambda: (np.array([True, True]), -1.5), "expected numbers"),
    ],
)
def test_and_gate_rejects_parameters_that_are_not_two_weights_and_a_bias(fn, phrase):
    assert_fails(nb01.check_and_gate_parameters, fn, must_mention=[phrase])
