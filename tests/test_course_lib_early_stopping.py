"""course_lib.early_stopping: the validation split and EarlyStopping's patience, min_delta and best copy."""

import math

import numpy as np
import pytest

from course_lib.early_stopping import EarlyStopping, train_val_split

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]


def numbered_data(N):
    """X whose first column numbers the rows, and y that repeats the number, so rows can be traced."""
    X = np.column_stack([np.arange(N), -np.arange(N)]).astype(np.float64)
    return X, np.arange(N) * 10


# N * fraction = 2.5 rounds to 2 (Python's round), 0.3 * 10 = 3.0000000000000004 rounds to 3.
SPLIT_SIZES = [(100, 0.2, 20), (10, 0.3, 3), (5, 0.5, 2), (7, 0.0, 0), (7, 1.0, 7)]


@pytest.mark.parametrize(("N", "fraction", "n_val"), SPLIT_SIZES)
def test_split_sizes(N, fraction, n_val):
    X_train, y_train, X_val, y_val = train_val_split(*numbered_data(N), fraction, np.random.default_rng(0))
    assert len(X_val) == len(y_val) == n_val == round(N * fraction)
    assert len(X_train) == len(y_train) == N - n_val


def test_split_is_disjoint_complete_and_keeps_pairs_together():
    X, y = numbered_data(50)
    X_train, y_train, X_val, y_val = train_val_split(X, y, 0.3, np.random.default_rng(1))
    rows = np.concatenate([X_train[:, 0], X_val[:, 0]]).astype(int)
    assert sorted(rows) == list(range(50))
    np.testing.assert_array_equal(np.concatenate([y_train, y_val]), rows * 10)
    np.testing.assert_array_equal(np.concatenate([X_train[:, 1], X_val[:, 1]]), -rows)


def test_split_is_shuffled_and_follows_the_generator():
    X, y = numbered_data(60)
    first = train_val_split(X, y, 0.25, np.random.default_rng(2))
    again = train_val_split(X, y, 0.25, np.random.default_rng(2))
    other = train_val_split(X, y, 0.25, np.random.default_rng(3))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[2], other[2])
    val_rows = first[2][:, 0]
    # Neither the first nor the last 15 rows: a sorted data set would give a one-class validation set.
    assert not np.array_equal(np.sort(val_rows), np.arange(15))
    assert not np.array_equal(np.sort(val_rows), np.arange(45, 60))


def test_split_leaves_its_inputs_alone():
    X, y = numbered_data(20)
    saved_X, saved_y = X.copy(), y.copy()
    train_val_split(X, y, 0.5, np.random.default_rng(4))
    np.testing.assert_array_equal(X, saved_X)
    np.testing.assert_array_equal(y, saved_y)


def test_early_stopping_waits_patience_updates_without_improvement():
    stopper = EarlyStopping(patience=3)
    params = {"W1": np.zeros(2)}
    decisions = [stopper.update(loss, params) for loss in [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.8, 0.7, 0.9]]
    # 0.7 at index 4 is the best; 0.7 again at index 7 is equal, not better.
    assert decisions == [False, False, False, False, False, False, False, True, True]
    assert stopper.best_loss == 0.7
    assert stopper.best_epoch == 4


def test_early_stopping_best_epoch_is_the_zero_based_update_index():
    stopper = EarlyStopping(patience=5)
    for loss in [3.0, 2.0, 1.0]:
        stopper.update(loss, {})
    assert stopper.best_epoch == 2
    fresh = EarlyStopping(patience=1)
    assert fresh.best_epoch is None and fresh.best_loss == math.inf and fresh.best_params is None
    fresh.update(5.0, {})
    assert fresh.best_epoch == 0


def test_min_delta_ignores_tiny_improvements():
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    assert not stopper.update(1.0, {})
    assert not stopper.update(0.95, {})  # better by less than min_delta
    assert stopper.update(0.91, {})
    assert stopper.best_loss == 1.0 and stopper.best_epoch == 0
    assert not EarlyStopping(patience=1, min_delta=0.1).update(0.5, {})


def test_best_params_is_a_deep_copy_taken_at_the_best_update():
    params = {"W1": np.array([1.0, 2.0]), "bn": {"running_mean": np.array([0.5])}}
    stopper = EarlyStopping(patience=2)
    stopper.update(1.0, params)
    params["W1"] -= 10.0  # training keeps changing the same arrays in place
    params["bn"]["running_mean"][:] = 7.0
    stopper.update(2.0, params)
    np.testing.assert_array_equal(stopper.best_params["W1"], [1.0, 2.0])
    np.testing.assert_array_equal(stopper.best_params["bn"]["running_mean"], [0.5])
    assert stopper.best_params["W1"] is not params["W1"]


def test_patience_must_be_positive():
    with pytest.raises(ValueError):
        EarlyStopping(patience=0)
