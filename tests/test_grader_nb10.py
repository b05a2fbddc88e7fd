"""Notebook 10's checks beyond what tests/test_grader.py asks of every check: batchnorm_forward is judged on
`out` and on the caller's bn_state in the same call, its cache must be data; batchnorm_backward is judged
on the cache of the student's own batchnorm_forward, in the notebook's kernel and across the trusted
grader's process boundary."""

import types

import nbformat
import numpy as np
import pytest

from autograde_tests import nb10
from autograde_tests.trusted.grading import grade_notebook
from course_lib import batchnorm
from tests.grader_testing import REPO_ROOT, assert_fails, assert_passes

pytestmark = pytest.mark.nb10

SOLUTION = REPO_ROOT / "solutions" / "10_batch_norm" / "10_batch_norm.ipynb"


def _in_notebook(forward, backward):
    """backward as a notebook defines it: beside `forward`, under the exercise's names."""
    namespace = {"np": np}
    namespace["batchnorm_forward"] = types.FunctionType(forward.__code__, namespace, "batchnorm_forward",
                                                        forward.__defaults__)
    namespace["batchnorm_backward"] = types.FunctionType(backward.__code__, namespace, "batchnorm_backward",
                                                         backward.__defaults__)
    return namespace["batchnorm_backward"]


# ---------------------------------------------------------------------------------------------
# batchnorm_forward


def test_forward_with_the_right_statistics_but_an_unnormalised_out_fails_on_out():
    def returns_Z(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        _, cache = batchnorm.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)
        return Z.copy(), cache

    message = assert_fails(nb10.check_batchnorm_forward, returns_Z, hidden=False)
    assert "out: got" in message and "out: expected" in message


def test_forward_with_the_right_out_but_a_new_dict_for_the_statistics_is_told_to_update_in_place():
    def new_dict(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        bn_state = {k: v.copy() for k, v in bn_state.items()}  # the caller's dict is left behind
        return batchnorm.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)

    message = assert_fails(nb10.check_batchnorm_forward, new_dict, hidden=False)
    assert "`bn_state` still holds what it held before the call" in message
    assert "Known mistake, running statistics not stored:" in message


def test_forward_returning_out_alone_is_asked_for_the_pair():
    def out_only(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        return batchnorm.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)[0]

    assert_fails(nb10.check_batchnorm_forward, out_only, hidden=False,
                 must_mention=["expected a tuple (out, cache)"])


def test_a_cache_that_is_not_data_is_refused_with_the_reason():
    def closure_cache(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        out, cache = batchnorm.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)
        return out, (lambda dout: batchnorm.batchnorm_backward(dout, cache))

    assert_fails(nb10.check_batchnorm_forward, closure_cache, hidden=False,
                 must_mention=["a cache holding something other than arrays and numbers",
                               "only arrays and numbers (in tuples, lists or dicts) can travel"])


def test_forward_hidden_cases_catch_an_eps_fixed_in_evaluation():
    def eval_eps_fixed(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        return batchnorm.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps if training else 1e-5)

    assert_passes(nb10.check_batchnorm_forward, eval_eps_fixed, hidden=False)
    assert_fails(nb10.check_batchnorm_forward, eval_eps_fixed, must_mention=["eps = 1e-3"])


# ---------------------------------------------------------------------------------------------
# batchnorm_backward


def test_backward_is_judged_on_the_cache_of_the_forward_beside_it():
    staged = next(alt for alt in nb10.BATCHNORM_BACKWARD.alternatives if alt.__globals__ is not vars(nb10))
    assert_passes(nb10.check_batchnorm_backward, staged)
    # The same backward beside the course's forward cannot read that cache, and fails on its own.
    alone = types.FunctionType(staged.__code__, {"np": np, "batchnorm_forward": batchnorm.batchnorm_forward})
    assert_fails(nb10.check_batchnorm_backward, alone, hidden=False, must_mention=["raised   ValueError"])


def test_backward_beside_a_broken_forward_points_at_the_forward_and_names_no_mistake():
    unbiased = next(m.fn for m in nb10.NOTEBOOK.exercise("batchnorm_forward").mistakes if m.name == "unbiased variance")
    backward = _in_notebook(unbiased, batchnorm.batchnorm_backward)
    message = assert_fails(nb10.check_batchnorm_backward, backward, hidden=False,
                           must_mention=["your batchnorm_forward, called on this case to make the cache:",
                                         "fix it first (batchnorm_backward itself may well be right)"])
    assert "Known mistake" not in message


def test_backward_beside_an_unwritten_forward_says_the_forward_is_not_done():
    def not_written(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        raise NotImplementedError()

    assert_fails(nb10.check_batchnorm_backward, _in_notebook(not_written, batchnorm.batchnorm_backward),
                 hidden=False, must_mention=["raised NotImplementedError", "fix it first"])


def test_backward_hidden_cases_catch_a_backward_wrong_for_float32():
    def float64_only(dout, cache):
        dZ, dgamma, dbeta = batchnorm.batchnorm_backward(dout, cache)
        return (dZ if dout.dtype == np.float64 else dZ * 1.01), dgamma, dbeta

    assert_passes(nb10.check_batchnorm_backward, float64_only, hidden=False)
    assert_fails(nb10.check_batchnorm_backward, float64_only, must_mention=["as float32"])


# ---------------------------------------------------------------------------------------------
# Across the trusted grader's process boundary: the student's functions live in a worker process, the
# forward's cache comes back as data and goes out again to the student's backward.


def _answers_and_grades(replace=None):
    """A notebook of the solution's imports, answer cells (one replaced if asked) and grade cells."""
    solution = nbformat.read(SOLUTION, as_version=4)
    keep = [c for c in solution.cells if c.cell_type == "code" and (
        c.metadata["nbgrader"]["grade_id"] == "imports" or c.metadata["nbgrader"].get("solution")
        or c.metadata["nbgrader"].get("grade"))]
    for cell in keep:
        if replace and cell.metadata["nbgrader"]["grade_id"] in replace:
            cell.source = replace[cell.metadata["nbgrader"]["grade_id"]]
    solution.cells = keep
    return solution


def _verdicts(nb):
    verdicts = grade_notebook(nb, cwd=str(REPO_ROOT), thorough=True).verdicts
    return {nb.cells[i].metadata["nbgrader"]["grade_id"]: v for i, v in verdicts.items()}


@pytest.mark.pipeline
def test_the_solution_passes_when_graded_in_another_process():
    verdicts = _verdicts(_answers_and_grades())
    assert verdicts["batchnorm_forward_tests"].passed, verdicts["batchnorm_forward_tests"].text
    assert verdicts["batchnorm_backward_tests"].passed, verdicts["batchnorm_backward_tests"].text


@pytest.mark.pipeline
def test_a_cache_holding_an_object_fails_both_checks_in_another_process():
    solution = _answers_and_grades()
    forward_source = next(c.source for c in solution.cells
                          if c.metadata["nbgrader"]["grade_id"] == "batchnorm_forward_answer")
    holding_object = forward_source.replace("return out, (Z_hat, gamma, inv_std, training)",
                                            "return out, (Z_hat, gamma, inv_std, training, object())")
    assert holding_object != forward_source
    verdicts = _verdicts(_answers_and_grades({"batchnorm_forward_answer": holding_object}))
    assert not verdicts["batchnorm_forward_tests"].passed
    assert "something other than arrays and numbers" in verdicts["batchnorm_forward_tests"].text
    assert not verdicts["batchnorm_backward_tests"].passed
    assert "fix it first" in " ".join(verdicts["batchnorm_backward_tests"].text.split())
