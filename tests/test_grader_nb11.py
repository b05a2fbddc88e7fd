"""Notebook 11's checks beyond what tests/test_grader.py asks of every check: what train_val_split's
property check reports, how EarlyStopping's Steps name what differs, a kept reference instead of a copy
caught by training on in place between updates, and the class graded in another process."""

import nbformat
import numpy as np
import pytest

from autograde_tests import nb11
from autograde_tests.trusted.grading import grade_notebook
from course_lib import early_stopping
from tests.grader_testing import REPO_ROOT, assert_fails, assert_passes

pytestmark = pytest.mark.nb11

SOLUTION = REPO_ROOT / "solutions" / "11_early_stopping" / "11_early_stopping.ipynb"


def _mistake(function_name, mistake_name):
    return next(m for m in nb11.NOTEBOOK.exercise(function_name).mistakes if m.name == mistake_name)


# ---------------------------------------------------------------------------------------------
# train_val_split


def test_a_truncated_validation_size_is_shown_with_the_rounding():
    assert_fails(nb11.check_train_val_split, _mistake("train_val_split", "validation size truncated").fn,
                 hidden=False, must_mention=["N · val_fraction = 2.7", "expected 6 training and 3 validation rows: "
                                             "n_val = round(N · val_fraction) = round(2.7) = 3"])


def test_an_overlapping_split_reports_how_many_samples_are_in_both_parts():
    assert_fails(nb11.check_train_val_split, _mistake("train_val_split", "parts drawn independently (they overlap)").fn,
                 hidden=False, must_mention=["samples in both parts", "expected each of the 20 samples in exactly one"])


def test_split_hidden_cases_catch_a_validation_slice_that_breaks_at_zero():
    def from_the_end(X, y, val_fraction, rng):
        n_val = round(len(X) * val_fraction)
        order = rng.permutation(len(X))
        return X[order[:-n_val]], y[order[:-n_val]], X[order[-n_val:]], y[order[-n_val:]]

    assert_passes(nb11.check_train_val_split, from_the_end, hidden=False)
    assert_fails(nb11.check_train_val_split, from_the_end, must_mention=["(no validation samples)"])


def test_a_split_of_one_hot_labels_keeps_whole_rows():
    def flattens_labels(X, y, val_fraction, rng):
        parts = early_stopping.train_val_split(X, y, val_fraction, rng)
        return tuple(part.reshape(len(part), -1)[:, 0] if i % 2 else part for i, part in enumerate(parts))

    assert_passes(nb11.check_train_val_split, flattens_labels, hidden=False)
    assert_fails(nb11.check_train_val_split, flattens_labels, must_mention=["y (N, 3) one-hot", "y_train"])


# ---------------------------------------------------------------------------------------------
# EarlyStopping


def test_the_step_that_differs_is_named():
    assert_fails(nb11.check_EarlyStopping, _mistake("EarlyStopping", "stops one update late").fn, hidden=False,
                 must_mention=["update #0, #1, ...: numbered from 0, as best_epoch counts them",
                               "update #3 (val_loss 0.9) returned: got False"])
    assert_fails(nb11.check_EarlyStopping, _mistake("EarlyStopping", "best epoch counted from 1").fn, hidden=False,
                 must_mention=["best_epoch: got 2", "best_epoch: expected 1"])


def test_a_class_without_update_fails_with_the_missing_method():
    class NoUpdate:
        def __init__(self, patience, min_delta=0.0):
            self.patience = patience

    assert_fails(nb11.check_EarlyStopping, NoUpdate, hidden=False, must_mention=["AttributeError", "update"])


def test_a_kept_reference_is_caught_when_training_changes_params_in_place():
    class KeepsReference(early_stopping.EarlyStopping):
        def update(self, val_loss, params):
            stop = super().update(val_loss, params)
            if self.best_epoch == self.num_updates - 1:
                self.best_params = params
            return stop

    message = assert_fails(nb11.check_EarlyStopping, KeepsReference, hidden=False)
    assert "best_params" in message and "overwritten in place" in " ".join(message.split())
    assert "Known mistake, params kept without copying its arrays" in " ".join(message.split())


def test_a_shallow_copy_is_named_as_one_not_as_the_dict_itself():
    class ShallowCopy(early_stopping.EarlyStopping):
        def update(self, val_loss, params):
            stop = super().update(val_loss, params)
            if self.best_epoch == self.num_updates - 1:
                self.best_params = dict(params)
            return stop

    message = " ".join(assert_fails(nb11.check_EarlyStopping, ShallowCopy, hidden=False).split())
    assert "Known mistake, params kept without copying its arrays" in message
    assert "a shallow copy (a new dict, such as dict(params)" in message and "best_params = params" not in message


def test_a_numpy_bool_and_a_numpy_best_loss_are_accepted():
    class NumpyResults(early_stopping.EarlyStopping):
        def update(self, val_loss, params):
            stop = super().update(val_loss, params)
            self.best_loss = np.float64(self.best_loss)
            return np.bool_(stop)

    assert_passes(nb11.check_EarlyStopping, NumpyResults)


# ---------------------------------------------------------------------------------------------
# Across the trusted grader's process boundary: the class lives in a worker, the Steps run there, and
# best_params comes back as data.


@pytest.mark.pipeline
def test_the_solution_passes_when_graded_in_another_process():
    solution = nbformat.read(SOLUTION, as_version=4)
    solution.cells = [c for c in solution.cells if c.cell_type == "code" and (
        c.metadata["nbgrader"]["grade_id"] == "imports" or c.metadata["nbgrader"].get("solution")
        or c.metadata["nbgrader"].get("grade"))]
    verdicts = grade_notebook(solution, cwd=str(REPO_ROOT), thorough=True).verdicts
    texts = {solution.cells[i].metadata["nbgrader"]["grade_id"]: v for i, v in verdicts.items()}
    assert set(texts) == {"train_val_split_tests", "EarlyStopping_tests"}
    for grade_id, verdict in texts.items():
        assert verdict.passed, f"{grade_id}: {verdict.text}"
