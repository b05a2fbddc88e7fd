"""Notebook 12's check beyond what tests/test_grader.py asks of every check: how the property check of
train_spiral_classifier reads the predictions it gets back, its CPU budget relative to the reference,
its hidden seeds under a grading secret, and the reproducibility run."""

import itertools
import time

import numpy as np
import pytest

from autograde_tests import limits, nb12
from autograde_tests.cases import set_grading_secret
from course_lib import datasets
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb12


def _voting_classifier(X, y, rng):
    """A correct, instant classifier (the catalogue's stand-in) that draws from rng."""
    return nb12._labels_from(X, y, rng)


def test_the_stand_in_classifier_passes_so_the_mistakes_differ_from_it_only_by_their_mistake():
    assert_passes(nb12.check_train_spiral_classifier, _voting_classifier)


def test_the_references_held_out_accuracy_clears_the_bar_with_room_on_every_case():
    for hidden in (False, True):
        for case in nb12._spiral_cases(hidden):
            X, y = case.training_data()
            predict = nb12.NOTEBOOK.exercise("train_spiral_classifier").reference(
                X, y, np.random.default_rng(case.rng_seed))
            for X_test, y_test in case.held_out():
                assert np.mean(predict(X_test) == y_test) >= 0.96, case.label


def test_each_check_trains_the_students_function_once_on_full_size_data():
    full_size_trainings = []

    def counting(X, y, rng):
        full_size_trainings.extend([len(X)] if len(X) == 600 else [])
        return _voting_classifier(X, y, rng)

    for hidden in (False, True):
        full_size_trainings.clear()
        assert_passes(nb12.check_train_spiral_classifier, counting, hidden=hidden)
        assert full_size_trainings == [600]
    assert [len(case.test_seeds) for case in nb12._spiral_cases(hidden=True)] == [3]


def _spends_cpu(seconds):
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def test_a_training_25_times_slower_than_the_reference_fails_on_cpu_time_with_the_time_message(monkeypatch):
    # The budget is ten times the reference's CPU time, measured on this machine: here a stand-in reference
    # that works 0.02 s, so that the test stays short; the student's training works 25 times as long.
    monkeypatch.setattr(limits, "_calibrations", {})
    monkeypatch.setattr(limits, "MIN_TRAINING_CPU_SECONDS", 0.0)
    monkeypatch.setattr(nb12.capstone, "train_spiral_classifier", lambda X, y, rng: _spends_cpu(0.02))
    budget = nb12.training_budget()
    assert 0.2 <= budget.cpu_seconds < 0.5

    def slow(X, y, rng):
        _spends_cpu(25 * 0.02)
        return _voting_classifier(X, y, rng)

    def three_times_slower(X, y, rng):
        _spends_cpu(3 * 0.02)
        return _voting_classifier(X, y, rng)

    assert_fails(nb12.check_train_spiral_classifier, slow, hidden=False,
                 must_mention=["did not finish within its budget of", "s of CPU time",
                               "ten times the CPU time that the course's own answer needs",
                               "a busy machine changes nothing"])
    assert_passes(nb12.check_train_spiral_classifier, three_times_slower, hidden=False)


def test_a_training_that_waits_is_stopped_on_the_clock_and_told_so(monkeypatch):
    monkeypatch.setattr(limits, "IDLE_SECONDS", 0.3)

    def sleeps(X, y, rng):
        time.sleep(10**6)

    assert_fails(nb12.check_train_spiral_classifier, sleeps, hidden=False,
                 must_mention=["was stopped after", "seems to wait rather than work", "run the check again"])


def test_a_generator_made_without_a_seed_is_told_apart_from_a_fixed_seed():
    message = assert_fails(nb12.check_train_spiral_classifier, nb12._unseeded_generator_instead_of_rng,
                           hidden=False, must_mention=["rng's state unchanged, and other held-out labels"])
    assert "a Generator without a seed instead of rng" in message and "a fixed seed" not in message
    message = assert_fails(nb12.check_train_spiral_classifier, nb12._fixed_seed_instead_of_rng,
                           hidden=False, must_mention=["rng's state unchanged: nothing was drawn from it"])
    assert "a fixed seed instead of rng" in message


def test_probabilities_in_a_column_are_told_as_probabilities():
    def probabilities_in_a_column(X, y, rng):
        return lambda X_new: nb12._probabilities(X, y, rng)(X_new)[:, None]

    assert_fails(nb12.check_train_spiral_classifier, probabilities_in_a_column, hidden=False,
                 must_mention=["got      shape (400, 1), floats from", "look like the network's probabilities"])


def test_an_under_trained_network_is_told_first_that_it_has_not_learned():
    def barely_trained(X, y, rng):
        flipped = np.where(rng.random(len(y)) < 0.45, 1 - y, y)
        return nb12._labels_from(X, flipped, rng)

    message = assert_fails(nb12.check_train_spiral_classifier, barely_trained, hidden=False,
                           must_mention=["the network has not learned the spirals"])
    words = " ".join(message.split())
    assert words.index("has not learned") < words.index("without hidden layers")


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
        return nb12._labels_from(X, flipped, rng)

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


def test_hidden_seeds_come_from_the_grading_secret():
    shipped = [(c.data_seed, c.rng_seed, c.test_seeds) for c in nb12._spiral_cases(hidden=True)]
    set_grading_secret(424242)
    try:
        secret_cases = nb12._spiral_cases(hidden=True)
        assert all("the grader's secret seed" in c.label for c in secret_cases)
        assert [(c.data_seed, c.rng_seed, c.test_seeds) for c in secret_cases] != shipped
        assert_passes(nb12.check_train_spiral_classifier, _voting_classifier)
    finally:
        set_grading_secret(None)
    assert len(shipped) == 1 and len({shipped[0][0], *shipped[0][2]}) == 4
    assert [(c.data_seed, c.rng_seed, c.test_seeds) for c in nb12._spiral_cases(hidden=False)] == [
        (0, 0, (1000, 1001)), (1, 1, (1002,))]


def test_predict_is_judged_on_points_that_training_never_saw():
    for case in nb12._spiral_cases(hidden=False) + nb12._spiral_cases(hidden=True):
        X, _ = case.training_data()
        for X_test, _ in case.held_out():
            assert len(X_test) != len(X)
            distances = np.min(np.sum((X_test[:, None, :] - X[None, :, :]) ** 2, axis=2), axis=1)
            assert distances.min() > 0.0, case.label
    assert datasets.make_two_spirals(n=200, seed=1000)[0].shape == (400, 2)
