"""Notebook 02's checks beyond what tests/test_grader.py asks of every check: dense_forward's messages and
hidden cases, and init_dense's statistical check, reproducible and leaving NumPy's global random state
alone."""

import numpy as np
import pytest

from autograde_tests import core, nb02
from autograde_tests.calling import same_value
from autograde_tests.cases import Case
from course_lib import layers
from tests.grader_testing import assert_fails, assert_passes, run_check

pytestmark = pytest.mark.nb02

# dense_forward: what the messages say, and what only the hidden cases catch.


def test_failure_message_gives_case_got_expected_and_cause_in_order():
    message = assert_fails(nb02.check_dense_forward, lambda X, W, b: X @ W, hidden=False)
    lines = message.splitlines()
    assert lines[0] == "dense_forward failed on the inputs"
    assert lines[1].startswith("    X = [[1.0, 2.0, 0.0],")
    assert "got      [[ 3.50, -1.00,  1.00]," in message
    assert "expected [[ 3.60, -1.20,  1.30]," in message
    assert any(line.startswith("  Known mistake, bias forgotten:") for line in lines)


def test_a_transposed_product_on_non_square_shapes_fails_as_a_shape_error():
    # The visible square case names this mistake; on its own, a non-square case must still fail it.
    cases = [Case((np.ones((4, 2)), np.ones((2, 3)), np.zeros(3)))]
    with pytest.raises(core.CheckFailed, match="raised   ValueError"):
        nb02.DENSE_FORWARD.judge(nb02.DENSE_FORWARD.mistakes[0].fn, cases)


@pytest.mark.parametrize(
    ("fn", "phrase"),
    [
        (lambda X, W, b: X @ W + b if X.dtype == np.float64 else X, "as float32"),
        (lambda X, W, b: (X @ W + b).squeeze(), "shape (1, 5)"),
        (lambda X, W, b: np.array([X[i] @ W + b for i in range(min(len(X), 4))]), "X (7, 5)"),
    ],
    ids=["float64 only", "squeezes a batch of one", "at most four samples"],
)
def test_hidden_cases_catch_what_visible_cases_miss(fn, phrase):
    assert_passes(nb02.check_dense_forward, fn, hidden=False)
    assert_fails(nb02.check_dense_forward, fn, must_mention=[phrase])


# ---------------------------------------------------------------------------------------------
# init_dense: the statistical check's messages, its use of NumPy's random state, and its hidden cases.


def test_init_dense_message_gives_the_case_the_measured_std_the_target_and_the_mistake():
    message = assert_fails(nb02.check_init_dense, nb02.NOTEBOOK.exercise("init_dense").mistakes[1].fn, hidden=False)
    assert message.splitlines() == [
        "init_dense failed on n_in = 250, n_out = 160, rng = np.random.default_rng(0),",
        '    scheme = "he":',
        "  got      W with standard deviation 0.06336 (0.708 × the target)",
        '  expected standard deviation 0.08944 = sqrt(2 / n_in) = sqrt(2 / 250) for "he"',
        "           (within 3%)",
        "  Known mistake, he with sqrt(1 / n_in): that is xavier's standard deviation; he",
        "    doubles the variance, to 2 / n_in.",
    ]


def test_a_wrong_spread_outside_the_catalogue_gets_the_likely_cause():
    too_wide = lambda n_in, n_out, rng, scheme="he": (  # noqa: E731
        1.5 * layers.init_dense(n_in, n_out, rng, scheme)[0], np.zeros(n_out))
    message = assert_fails(nb02.check_init_dense, too_wide)
    assert "(1.5 × the target)" in message
    assert "Known mistake" not in message
    assert "Likely cause: scale a standard normal draw by the scheme's standard deviation" in message


def test_the_check_leaves_numpys_global_random_state_as_it_found_it():
    np.random.seed(1234)
    before = np.random.get_state()
    global_state_user = next(m for m in nb02.INIT_DENSE.mistakes if m.name == "np.random instead of rng")
    for fn in (layers.init_dense, global_state_user.fn):
        run_check(nb02.check_init_dense, fn)
    assert same_value(np.random.get_state(), before)


def test_a_student_who_reseeds_the_global_state_is_caught_too():
    def reseeds(n_in, n_out, rng, scheme="he"):
        np.random.seed(0)
        return layers.init_dense(n_in, n_out, rng, scheme)

    assert_fails(nb02.check_init_dense, reseeds, must_mention=["global random state"], hidden=False)


def test_randomness_that_ignores_the_seed_is_caught():
    # rng is used (its state moves on), but W comes from elsewhere: only the second seed reveals it.
    def ignores_seed(n_in, n_out, rng, scheme="he"):
        rng.random()
        return layers.init_dense(n_in, n_out, np.random.default_rng(7), scheme)

    assert_fails(nb02.check_init_dense, ignores_seed, must_mention=[
        "the same W from np.random.default_rng(0) and np.random.default_rng(1)"], hidden=False)


def test_randomness_that_does_not_repeat_for_the_same_seed_is_caught():
    def unseeded(n_in, n_out, rng, scheme="he"):
        rng.random()
        return layers.init_dense(n_in, n_out, np.random.default_rng(), scheme)

    assert_fails(nb02.check_init_dense, unseeded, must_mention=["different W from two calls"], hidden=False)


@pytest.mark.parametrize(
    ("fn", "phrase"),
    [
        (lambda n_in, n_out, rng, scheme="he": layers.init_dense(n_in, n_out, rng, scheme if n_in < 1000 else "he"),
         '"xavier" passed by position'),
        (lambda n_in, n_out, rng, scheme="he": layers.init_dense(n_in, n_out, rng, scheme)
         if n_in * n_out > 50 else (np.ones((n_in, n_out)), np.zeros(n_out)), "n_in = 3, n_out = 2"),
        (lambda n_in, n_out, rng, scheme="he": layers.init_dense(n_in, n_out, rng, scheme)
         if type(n_in) is int else (np.zeros((n_in, n_out)), np.zeros(n_out)), "np.int64(160)"),
    ],
    ids=["wrong for many inputs", "wrong for small layers", "wrong for NumPy integers"],
)
def test_init_dense_hidden_cases_catch_what_visible_cases_miss(fn, phrase):
    assert_passes(nb02.check_init_dense, fn, hidden=False)
    assert_fails(nb02.check_init_dense, fn, must_mention=[phrase])


@pytest.mark.parametrize(
    ("fn", "phrase"),
    [
        (lambda n_in, n_out, rng, scheme="he": (np.full((n_in, n_out), np.nan), np.zeros(n_out)), "nan or inf"),
        (lambda n_in, n_out, rng, scheme="he": ("W", "b"), "expected NumPy arrays of floats"),
        (lambda n_in, n_out, rng, scheme="he": (*layers.init_dense(n_in, n_out, rng, scheme), None),
         "got      a tuple of 3 items"),
    ],
)
def test_init_dense_rejects_results_that_are_not_a_usable_pair(fn, phrase):
    assert_fails(nb02.check_init_dense, fn, must_mention=[phrase], hidden=False)


@pytest.mark.parametrize(
    "fn",
    [
        lambda n_in, n_out, rng, scheme="he": (np.full((n_in, n_out), rng.random()), np.zeros(n_out)),
        lambda n_in, n_out, rng, scheme="he": (rng.standard_normal((n_in, n_out)) * 1e307, np.zeros(n_out)),
    ],
    ids=["constant W", "W so large that its mean overflows"],
)
def test_degenerate_weights_fail_without_the_check_warning_or_crashing(fn):
    assert_fails(nb02.check_init_dense, fn, must_mention=["expected a mean close to 0"], hidden=False)


def test_integer_division_in_the_scale_is_named_not_blamed_on_the_seed():
    # 2 // n_in is 0: every W is all zeros, which must not read as "W does not come from rng".
    message = assert_fails(nb02.check_init_dense, lambda n_in, n_out, rng, scheme="he": (
        rng.standard_normal((n_in, n_out)) * np.sqrt(2 // n_in), np.zeros(n_out)), hidden=False)
    assert "W all zeros" in message and "from rng's draws" not in message
