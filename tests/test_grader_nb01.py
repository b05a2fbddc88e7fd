"""Grader self-tests for notebook 01: the references pass, known mistakes fail by name, correct answers
written differently pass, and bad submissions get a clear verdict."""


import numpy as np
import pytest

from autograde_tests import core, nb01
from autograde_tests.mistakes.nb01 import MISTAKES
from course_lib import neurons
from tests.grader_testing import (
    assert_every_bad_submission_fails,
    assert_fails,
    assert_infinite_loop_is_stopped,
    assert_mistake_caught_and_named,
    assert_passes,
    mistake_params,
)

pytestmark = pytest.mark.nb01


def _and_gate_parameters():
    return np.array([1.0, 1.0]), -1.5


REFERENCES = {
    "neuron_output": neurons.neuron_output,
    "layer_output": neurons.layer_output,
    "perceptron": neurons.perceptron,
    "and_gate_parameters": _and_gate_parameters,
}


def test_every_graded_function_has_a_check_a_reference_and_at_least_four_mistakes():
    assert set(nb01.CHECKS) == set(REFERENCES) == set(MISTAKES)
    assert all(len(mistakes) >= 4 for mistakes in MISTAKES.values())


@pytest.mark.parametrize("name", sorted(nb01.CHECKS))
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_passes(name, hidden):
    assert_passes(nb01.CHECKS[name], REFERENCES[name], hidden=hidden)


@pytest.mark.parametrize(("name", "mistake"), mistake_params(MISTAKES))
def test_known_mistake_fails_and_is_named_by_the_visible_cases_already(name, mistake):
    assert_mistake_caught_and_named(nb01.CHECKS[name], mistake)


def _neuron_loop(inputs, weights, bias):
    total = bias
    for i in range(len(inputs)):
        total += inputs[i] * weights[i]
    return total


def _layer_neuron_by_neuron(inputs, weights, biases):
    return np.array([np.dot(inputs, weights[:, j]) + biases[j] for j in range(weights.shape[1])])


def _perceptron_if_else(inputs, weights, bias):
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    if z >= 0:
        return 1
    return 0


ALTERNATIVES = {
    "neuron_output": [
        lambda inputs, weights, bias: sum(x * w for x, w in zip(inputs, weights)) + bias,
        lambda inputs, weights, bias: np.dot(inputs, weights) + bias,  # np.float64
        lambda inputs, weights, bias: inputs @ weights + bias,
        lambda inputs, weights, bias: np.einsum("i,i->", inputs, weights) + bias,
        lambda inputs, weights, bias: np.array(np.sum(inputs * weights) + bias),  # a 0-d array
        _neuron_loop,
    ],
    "layer_output": [
        lambda inputs, weights, biases: np.dot(inputs, weights) + biases,
        lambda inputs, weights, biases: weights.T @ inputs + biases,
        lambda inputs, weights, biases: np.einsum("i,ij->j", inputs, weights) + biases,
        lambda inputs, weights, biases: (inputs[:, None] * weights).sum(axis=0) + biases,
        _layer_neuron_by_neuron,
        lambda inputs, weights, biases: list(inputs @ weights + biases),  # a list of numbers
    ],
    "perceptron": [
        lambda inputs, weights, bias: np.dot(inputs, weights) + bias >= 0,  # np.bool_
        lambda inputs, weights, bias: bool(inputs @ weights + bias >= 0),
        lambda inputs, weights, bias: np.where(inputs @ weights + bias >= 0, 1, 0),  # a 0-d int array
        lambda inputs, weights, bias: np.heaviside(np.dot(inputs, weights) + bias, 1.0),  # a float 0.0 / 1.0
        lambda inputs, weights, bias: np.int64(1) if inputs @ weights >= -bias else np.int64(0),
        _perceptron_if_else,
    ],
    "and_gate_parameters": [
        lambda: ([1, 1], -2),  # a list and an int; z == 0 exactly at (1, 1), which fires
        lambda: ((0.5, 0.5), np.float64(-0.75)),
        lambda: [np.array([2.0, 3.0]), np.array(-4.0)],  # a list pair and a 0-d bias
        lambda: (np.array([2, 3], dtype=np.int64), np.int64(-4)),
        lambda: (np.array([1e308, 1e308]), -1.5e308),  # z overflows at (1, 1): judged silently, still AND
    ],
}


@pytest.mark.parametrize(
    ("name", "fn"),
    [pytest.param(name, fn, id=f"{name}-{i}") for name, fns in ALTERNATIVES.items() for i, fn in enumerate(fns)],
)
def test_correct_alternative_passes(name, fn):
    assert_passes(nb01.CHECKS[name], fn)


def test_every_graded_function_has_at_least_two_alternatives():
    assert set(ALTERNATIVES) == set(nb01.CHECKS)
    assert all(len(fns) >= 2 for fns in ALTERNATIVES.values())


# ---------------------------------------------------------------------------------------------
# Bad submissions: each works for every graded function, whatever its parameters.


@pytest.mark.parametrize("name", sorted(nb01.CHECKS))
def test_bad_submissions_fail_with_a_clear_reason(name):
    assert_every_bad_submission_fails(nb01.CHECKS[name], REFERENCES[name])


@pytest.mark.parametrize("name", sorted(nb01.CHECKS))
def test_an_infinite_loop_is_stopped_and_reported(name, monkeypatch):
    assert_infinite_loop_is_stopped(nb01.CHECKS[name], monkeypatch)


# ---------------------------------------------------------------------------------------------
# What the messages say, and what only the hidden cases catch.


def test_failure_message_gives_case_got_expected_and_cause_in_order():
    message = assert_fails(nb01.check_neuron_output, MISTAKES["neuron_output"][0].fn, hidden=False)
    lines = message.splitlines()
    assert lines[0] == "neuron_output failed on inputs = [1., 2., 3.], weights = [ 0.2,  0.8, -0.5], bias = 2:"
    assert lines[1] == "  got      0.3"
    assert lines[2] == "  expected 2.3"
    assert lines[3].startswith("  Known mistake, bias forgotten:")


def test_a_wrong_answer_outside_the_catalogue_gets_the_case_hint():
    message = assert_fails(nb01.check_layer_output, lambda inputs, weights, biases: inputs @ weights * 2 + biases)
    assert "Known mistake" not in message
    assert "Likely cause: weights has shape (D, n_out)" in message


def test_a_transposed_product_on_non_square_weights_fails_as_a_shape_error():
    # The visible square case names this mistake; here it must fail on its own on non-square weights.
    cases = [core.Case((np.ones(3), np.ones((3, 2)), np.zeros(2)))]
    with pytest.raises(core.CheckFailed, match="raised   ValueError"):
        core.check_cases(MISTAKES["layer_output"][0].fn, "layer_output", neurons.layer_output, cases)


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
    assert "got      outputs [0, 1, 0, 1] (z = [-1.5,  0.5, -0.5,  1.5])" in message
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
        (lambda: ("1, 1", -1.5), "expected numbers"),
    ],
)
def test_and_gate_rejects_parameters_that_are_not_two_weights_and_a_bias(fn, phrase):
    assert_fails(nb01.check_and_gate_parameters, fn, must_mention=[phrase])
