"""Notebook 12's check beyond what tests/test_grader.py asks of every check: how the property check of
train_spiral_classifier reads the predictions it gets back, its shared time budget, its hidden seeds
under a grading secret, and the reproducibility run."""

import itertools
import time

import numpy as np
import pytest

from autograde_tests import core, nb12
from autograde_tests.mistakes import nb12 as catalogue
from course_lib import datasets
from tests.grader_testing import assert_fails, assert_passes, run_check

pytestmark = pytest.mark.nb12


def _voting_classifier(X, y, rng):
    """A correct, instant classifier (the catalogue's stand-in) that draws from rng."""
    return catalogue._labels_from(X, y, rng)


def test_the_stand_in_classifier_passes_so_the_mistakes_differ_from_it_only_by_their_mistake():
    assert_passes(nb12.check_train_spiral_classifier, _voting_classifier)


def test_the_references_held_out_accuracy_clears_the_bar_with_room_on_every_case():
    for hidden in (False, True):
        for case in nb12._spiral_cases(hidden):
            X, y = case.training_data()
            predict = nb12.NOTEBOOK.exercise("train_spiral_classifier").reference(
                X, y, np.random.default_rng(case.rng_seed))
            X_test, y_test = case.held_out()
            assert np.mean(predict(X_test) == y_test) >= 0.96, case.label


def test_every_mistake_trains_in_a_moment_so_naming_one_costs_no_training_run():
    for mistake in nb12.NOTEBOOK.exercise("train_spiral_classifier").mistakes:
        start = time.perf_counter()
        run_check(nb12.check_train_spiral_classifier, mistake.fn, hidden=False)
        assert time.perf_counter() - start < 2.0, mistake.name


def test_a_result_that_is_not_a_function_is_told_to_return_predict_itself():
    def returns_the_labels(X, y, rng):
        return _voting_classifier(X, y, rng)(X)

    assert_fails(nb12.check_train_spiral_classifier, returns_the_labels, hidden=False, must_mention=[
        "got      an object of type numpy.ndarray, not a function",
        "return the prediction function itself, without calling it"])


def test_integer_labels_of_any_width_pass_and_booleans_are_refused():
    def uint8_labels(X, y, rng):
        predict = _voting_classifier(X, y, rng)
        return lambda X_new: predict(X_new).astype(np.uint8)

    def boolean_labels(X, y, rng):
        predict = _voting_classifier(X, y, rng)
        return lambda X_new: predict(X_new) == 1

    assert_passes(nb12.check_train_spiral_classifier, uint8_labels)
    assert_fails(nb12.check_train_spiral_classifier, boolean_labels, hidden=False,
                 must_mention=["got      an array of booleans"])


def test_labels_other_than_0_and_1_are_refused():
    def plus_minus_one(X, y, rng):
        predict = _voting_classifier(X, y, rng)
        return lambda X_new: 2 * predict(X_new) - 1

    assert_fails(nb12.check_train_spiral_classifier, plus_minus_one, hidden=False,
                 must_mention=["got      the labels -1, 1", "the two classes of make_two_spirals are 0 and 1"])


def test_a_classifier_that_learns_but_not_enough_gets_the_hint_and_no_mistakes_name():
    def noisy_training_labels(X, y, rng):
        flipped = np.where(rng.random(len(y)) < 0.3, 1 - y, y)
        return catalogue._labels_from(X, flipped, rng)

    message = assert_fails(nb12.check_train_spiral_classifier, noisy_training_labels, hidden=False,
                           must_mention=["expected at least 0.95", "the network learns, but not enough"])
    assert "Known mistake" not in message


def test_a_second_training_with_the_same_seed_must_predict_the_same():
    trainings = itertools.count()

    def drifts_from_run_to_run(X, y, rng):
        predict = _voting_classifier(X, y, rng)
        run = next(trainings)
        return lambda X_new: np.where(np.arange(len(X_new)) == 0, run % 2, predict(X_new))

    message = assert_fails(nb12.check_train_spiral_classifier, drifts_from_run_to_run, hidden=False,
                           must_mention=["other held-out labels from a second training",
                                         "make_two_spirals(n=100, seed=1)", "trained twice"])
    assert "Known mistake" not in message


def test_the_trainings_of_one_check_share_a_budget(monkeypatch):
    # With a plain call's limit of 0.5 s: one training may take 0.6 s, all visible ones 0.9 s.
    monkeypatch.setattr(core, "CALL_TIME_LIMIT", 0.5)

    def slow(X, y, rng):
        time.sleep(0.5)
        return _voting_classifier(X, y, rng)

    message = assert_fails(nb12.check_train_spiral_classifier, slow, hidden=False,
                           must_mention=["this check's 0.9 s for all its trainings ran out",
                                         "one training must take a few seconds at most"])
    assert "make_two_spirals(n=100, seed=1)" in message  # the first case passed within its share


def test_hidden_seeds_come_from_the_grading_secret():
    shipped = [(c.data_seed, c.rng_seed, c.test_seed) for c in nb12._spiral_cases(hidden=True)]
    core.set_grading_secret(424242)
    try:
        secret_cases = nb12._spiral_cases(hidden=True)
        assert all("the grader's secret seed" in c.label for c in secret_cases)
        assert [(c.data_seed, c.rng_seed, c.test_seed) for c in secret_cases] != shipped
        assert_passes(nb12.check_train_spiral_classifier, _voting_classifier)
    finally:
        core.set_grading_secret(None)
    assert len({seeds[0] for seeds in shipped}) == len(shipped) == 3
    assert [(c.data_seed, c.rng_seed, c.test_seed) for c in nb12._spiral_cases(hidden=False)] == [
        (0, 0, 1000), (1, 1, 1001)]


def test_predict_is_judged_on_points_that_training_never_saw():
    for case in nb12._spiral_cases(hidden=False) + nb12._spiral_cases(hidden=True):
        X, _ = case.training_data()
        X_test, _ = case.held_out()
        assert len(X_test) != len(X)
        distances = np.min(np.sum((X_test[:, None, :] - X[None, :, :]) ** 2, axis=2), axis=1)
        assert distances.min() > 0.0, case.label
    assert datasets.make_two_spirals(n=200, seed=1000)[0].shape == (400, 2)
