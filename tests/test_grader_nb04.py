"""Notebook 04's checks beyond what tests/test_grader.py asks of every check: what the messages say about
overflow and clipping, and what only the hidden cases catch."""

import numpy as np
import pytest

from autograde_tests import nb04
from course_lib import losses
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb04


def _mistake(function_name, mistake_name):
    return next(m for m in nb04.NOTEBOOK.exercise(function_name).mistakes if m.name == mistake_name)


def test_naive_softmax_is_shown_the_overflow_and_the_nan():
    message = assert_fails(nb04.check_softmax, _mistake("softmax", "no max subtraction").fn, hidden=False)
    lines = message.splitlines()
    assert lines[0] == "softmax failed on Z = [[1000, 1001, 999], [0, 1, -1]]:"
    assert "overflow encountered in exp" in message
    assert any(line.startswith("  Known mistake, no max subtraction:") for line in lines)


def test_forgotten_clipping_is_shown_the_log_of_zero():
    message = assert_fails(nb04.check_categorical_cross_entropy,
                           _mistake("categorical_cross_entropy", "clipping forgotten").fn, hidden=False)
    assert "divide by zero encountered in log" in message
    assert "Known mistake, clipping forgotten:" in message


def test_a_wrong_loss_outside_the_catalogue_gets_the_formula_as_likely_cause():
    def natural_log_of_two(probs, y):
        return 2 * losses.categorical_cross_entropy(probs, y)

    message = assert_fails(nb04.check_categorical_cross_entropy, natural_log_of_two, hidden=False)
    assert "Known mistake" not in message
    assert "Likely cause: the loss is the mean over the samples of −log(the probability" in " ".join(message.split())
    assert "that is 2 times the expected value" in message


def test_the_binary_broadcast_mistake_is_shown_on_the_column_case():
    message = assert_fails(nb04.check_binary_cross_entropy,
                           _mistake("binary_cross_entropy", "(N, 1) against (N,) broadcasts to (N, N)").fn,
                           hidden=False)
    assert message.splitlines()[0].startswith("binary_cross_entropy failed on p = [0.9, 0.2, 0.6, 0.35] as a column")


@pytest.mark.parametrize(("check", "fn", "phrase"), [
    (nb04.check_softmax, lambda Z: losses.softmax(Z) if len(Z) > 1 else np.ones(Z.shape) / Z.shape[1],
     "shape (1, 4)"),
    (nb04.check_softmax, lambda Z: losses.softmax(Z) if Z.dtype.kind == "f" else np.exp(Z), "integer logits"),
    (nb04.check_categorical_cross_entropy,
     lambda probs, y: losses.categorical_cross_entropy(probs, y) if probs.dtype == np.float64 else 0.0, "as float32"),
    (nb04.check_binary_cross_entropy,
     lambda p, y: losses.binary_cross_entropy(p, y) if np.ndim(y) == 1 else 0.0, "both as columns"),
    (nb04.check_accuracy,  # K = 2 scores read as the probability of class 1: wrong for raw scores
     lambda outputs, y: losses.accuracy(outputs[:, 1] if outputs.ndim == 2 and outputs.shape[1] == 2 else outputs, y),
     "(20, 2)"),
], ids=["softmax of one sample", "softmax of integers", "cce in float32", "bce with column labels", "accuracy K=2"])
def test_hidden_cases_catch_what_visible_cases_miss(check, fn, phrase):
    assert_passes(check, fn, hidden=False)
    assert_fails(check, fn, must_mention=[phrase])


def test_softmax_may_compute_float32_logits_in_float64():
    assert_passes(nb04.check_softmax, lambda Z: losses.softmax(np.asarray(Z, dtype=np.float64)))


def test_losses_may_return_numpy_floats():
    assert_passes(nb04.check_categorical_cross_entropy,
                  lambda probs, y: np.float64(losses.categorical_cross_entropy(probs, y)))
    assert_passes(nb04.check_accuracy, lambda outputs, y: np.float64(losses.accuracy(outputs, y)))
