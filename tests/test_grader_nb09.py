"""Notebook 09's checks beyond what tests/test_grader.py asks of every check: dropout_forward judged by its
properties (kept fraction, the student's own mask, reproducibility, evaluation mode), l2_grads' new dict,
and what only the hidden cases catch."""

import numpy as np
import pytest

from autograde_tests import nb09
from course_lib import regularization
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb09


def _mistake(function_name, mistake_name):
    return next(m for m in nb09.NOTEBOOK.exercise(function_name).mistakes if m.name == mistake_name)


def test_dropout_mask_drawn_with_the_other_comparison_fails_on_the_kept_fraction():
    message = assert_fails(nb09.check_dropout_forward,
                           _mistake("dropout_forward", "mask drawn with probability 1 − keep_prob").fn, hidden=False)
    assert "19.80% of the 200,000 units kept" in message and "keep_prob = 80%" in message


def test_dropout_forward_is_judged_with_the_students_own_mask():
    """Any way of drawing the mask passes, so long as out is computed from the mask returned."""

    def comparison_the_other_way(A, keep_prob, rng, training=True):
        if not training:
            return A, None
        mask = 1.0 - (rng.random(A.shape) >= keep_prob)  # floats 0.0 and 1.0
        return A * mask / keep_prob, mask

    def mask_from_another_draw(A, keep_prob, rng, training=True):
        if not training:
            return A, None
        out, _ = regularization.dropout_forward(A, keep_prob, rng)
        _, mask = regularization.dropout_forward(A, keep_prob, rng)
        return out, mask

    assert_passes(nb09.check_dropout_forward, comparison_the_other_way)
    message = assert_fails(nb09.check_dropout_forward, mask_from_another_draw, hidden=False)
    assert "entries are not A masked by your mask and rescaled by keep_prob" in " ".join(message.split())


def test_dropout_forward_that_keeps_exactly_keep_prob_of_the_units_in_a_fixed_pattern_fails():
    def scattered_pattern(A, keep_prob, rng, training=True):
        if not training:
            return A, None
        mask = ((np.arange(A.size) * 7919) % 1000 < keep_prob * 1000).reshape(A.shape)
        return A * mask / keep_prob, mask

    assert_fails(nb09.check_dropout_forward, scattered_pattern, must_mention=["nothing was drawn from it"],
                 hidden=False)


def test_dropout_forward_that_returns_a_copy_of_A_at_evaluation_passes():
    def copies(A, keep_prob, rng, training=True):
        if not training:
            return np.array(A, copy=True), None
        return regularization.dropout_forward(A, keep_prob, rng)

    assert_passes(nb09.check_dropout_forward, copies)


def test_l2_grads_returning_the_same_dict_mutated_is_told_it_changed_grads():
    message = assert_fails(nb09.check_l2_grads, _mistake("l2_grads", "grads updated in place").fn, hidden=False)
    assert "changed its argument `grads` in place" in message


def test_l2_grads_storing_new_arrays_in_the_callers_dict_is_refused_too():
    def new_arrays_same_dict(params, grads, lam):
        for name in grads:
            if name.startswith("W"):
                grads[name] = grads[name] + lam * params[name]
        return grads

    assert_fails(nb09.check_l2_grads, new_arrays_same_dict, must_mention=["changed its argument `grads`"],
                 hidden=False)


@pytest.mark.parametrize(("check", "fn", "phrase"), [
    (nb09.check_l2_penalty,  # counts only layers named W1 and W2
     lambda params, lam: float(0.5 * lam * sum(np.sum(params[k] ** 2) for k in ("W1", "W2") if k in params)),
     "W3 (5, 3)"),
    (nb09.check_l2_grads,
     lambda params, grads, lam: regularization.l2_grads(params, grads, lam) if lam else {}, "lam = 0.0"),
    (nb09.check_dropout_forward,  # only works for 2-D activations
     lambda A, keep_prob, rng, training=True: regularization.dropout_forward(A, keep_prob, rng, training)
     if A.ndim == 2 else (A, None), "(50, 40, 60)"),
    (nb09.check_dropout_backward,
     lambda dout, mask, keep_prob: regularization.dropout_backward(dout, mask, keep_prob) if keep_prob < 1
     else dout * 0, "keep_prob = 1.0"),
], ids=["penalty three layers", "grads lam 0", "dropout 3-D", "dropout backward keep 1"])
def test_hidden_cases_catch_what_visible_cases_miss(check, fn, phrase):
    assert_passes(check, fn, hidden=False)
    assert_fails(check, fn, must_mention=[phrase])
