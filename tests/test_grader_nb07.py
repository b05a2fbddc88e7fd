"""Notebook 07's checks beyond what tests/test_grader.py asks of every check: how iterate_minibatches'
property check reads the batches, and what the optimizers' single steps from prepared states catch."""

import numpy as np
import pytest

from autograde_tests import nb07
from course_lib import optimizers
from tests.grader_testing import assert_fails, assert_passes

pytestmark = pytest.mark.nb07


def test_a_dropped_last_batch_is_reported_with_the_batch_sizes():
    def drops_last(X, y, batch_size, rng, shuffle=True):
        order = rng.permutation(len(X))
        for start in range(0, len(X) // batch_size * batch_size, batch_size):
            yield X[order[start:start + batch_size]], y[order[start:start + batch_size]]

    message = assert_fails(nb07.check_iterate_minibatches, drops_last, hidden=False)
    assert "got      batch sizes [5, 5, 5, 5]" in message
    assert "expected batch sizes [5, 5, 5, 5, 3]" in message
    assert "Known mistake, last partial batch dropped:" in message


def test_an_order_that_ignores_the_seed_is_caught():
    def ignores_seed(X, y, batch_size, rng, shuffle=True):
        rng.random()
        yield from optimizers.iterate_minibatches(X, y, batch_size, np.random.default_rng(5), shuffle)

    assert_fails(nb07.check_iterate_minibatches, ignores_seed, hidden=False, must_mention=[
        "the same order from np.random.default_rng(0) and np.random.default_rng(1)"])


def test_one_hot_labels_and_batches_larger_than_the_data_are_hidden_cases():
    def labels_only_1d(X, y, batch_size, rng, shuffle=True):
        if y.ndim == 2:
            y = y.argmax(axis=1)
        yield from optimizers.iterate_minibatches(X, y, batch_size, rng, shuffle)

    assert_passes(nb07.check_iterate_minibatches, labels_only_1d, hidden=False)
    assert_fails(nb07.check_iterate_minibatches, labels_only_1d, must_mention=["y (N, 4) one-hot"])

    def nothing_when_one_batch_holds_everything(X, y, batch_size, rng, shuffle=True):
        if batch_size < len(X):
            yield from optimizers.iterate_minibatches(X, y, batch_size, rng, shuffle)

    assert_passes(nb07.check_iterate_minibatches, nothing_when_one_batch_holds_everything, hidden=False)
    assert_fails(nb07.check_iterate_minibatches, nothing_when_one_batch_holds_everything,
                 must_mention=["batch_size = 10", "got      batch sizes []"])


def test_adams_t_and_moments_are_judged_from_a_prepared_state_already_on_the_first_case():
    # The first case starts at t = 2 with m and v given: using t before incrementing it, skipping the
    # bias correction or counting t per parameter all give wrong values there, not only after many steps.
    mistakes = {m.name: m for m in nb07.NOTEBOOK.exercise("adam_update").mistakes}
    for name in ("t incremented after use", "no bias correction", "t incremented once per parameter"):
        message = assert_fails(nb07.check_adam_update, mistakes[name].fn, hidden=False)
        assert 'state = {"t": 2' in message, message
        assert f"Known mistake, {name}:" in " ".join(message.split())


def test_an_update_that_returns_nothing_and_changes_nothing_is_told_so():
    message = assert_fails(nb07.check_momentum_update, lambda params, grads, velocities, lr, momentum=0.9: None,
                           hidden=False)
    assert "still holds the values it had before the call" in message
    assert "params and velocities are judged after the call" in " ".join(message.split())


def test_step_decay_hidden_cases_catch_a_rate_wrong_before_the_first_drop():
    def drops_from_the_start(lr0, drop, every, epoch):
        return lr0 * drop ** (epoch // every) if epoch != 9 else lr0 * drop

    assert_passes(nb07.check_step_decay, drops_from_the_start, hidden=False)
    assert_fails(nb07.check_step_decay, drops_from_the_start, must_mention=["epoch 9 has not completed"])
