"""The shared check machinery (autograde_tests.core): verdicts for every kind of result, the one call
point, mistake matching, blame on a failing dependency, and a process left as it was."""

import signal
import warnings

import numpy as np
import pytest

from autograde_tests import nb03
from autograde_tests.calling import Outcome, call_student, same_value
from autograde_tests.cases import Case, Shared, Step, case_rng, seed_text, set_grading_secret
from autograde_tests.core import CheckFailed, Exercise, Mistake, check_everything, passing_or_reference
from autograde_tests.judging import Parts, named_result
from course_lib import activations
from tests.grader_testing import assert_fails, assert_passes, bad_submissions, run_check

pytestmark = pytest.mark.nb03


def _check(reference, cases, mistakes=(), name="f"):
    exercise = Exercise(name, reference, lambda hidden: cases)
    exercise.mistakes.extend(mistakes)
    return exercise.check


# ---------------------------------------------------------------------------------------------
# The one call point


def test_call_student_records_plain_data_only():
    def student(x, rng):
        warnings.warn("careful", RuntimeWarning, stacklevel=1)
        rng.random()
        x[0] = 99.0
        return x.sum()

    outcome = call_student(student, Case((np.zeros(3), np.random.default_rng(0))), ["x", "rng"])
    assert outcome.value == 99.0
    assert outcome.mutated == ("x",)
    assert outcome.generators_used == ("rng",)
    assert outcome.warnings == ("RuntimeWarning: careful",)
    assert outcome.error_type == "" and not outcome.timed_out


def test_call_student_reports_errors_by_name_and_message():
    outcome = call_student(lambda z: z @ np.ones((7, 7)), Case((np.ones(3),)), ["z"])
    assert outcome.error_type == "ValueError" and "matmul" in outcome.error_message
    assert "z @ np.ones((7, 7))" in outcome.error_line


def test_call_student_restores_numpys_global_random_state_and_says_it_was_used():
    np.random.seed(5)
    before = np.random.get_state()
    outcome = call_student(lambda: np.random.randn(), Case(()), [])
    assert outcome.used_global_random
    assert same_value(np.random.get_state(), before)


def test_call_student_reads_a_generator_and_applies_steps():
    def batches(n):
        yield from range(n)

    outcome = call_student(batches, Case((3,), consume=True), ["n"])
    assert outcome.value == [0, 1, 2]

    def make_adder(k):
        return lambda x: x + k

    outcome = call_student(make_adder, Case((2,), steps=(Step.call(1), Step.call(5))), ["k"])
    assert outcome.value == (3, 7)


def test_steps_can_share_an_object_that_changes_in_place_between_them():
    class Keeper:
        def keep(self, params):
            self.kept = params

    case = Case((), shared={"params": {"W": np.zeros(2)}}, steps=(
        Step.call_method("keep", Shared("params")), Step.assign("params", "W", np.ones(2)), Step.read("kept")))
    outcome = call_student(Keeper, case, [])
    assert np.array_equal(outcome.value[2]["W"], np.ones(2))  # a reference sees the change; a copy would not
    assert np.array_equal(case.shared["params"]["W"], np.zeros(2))


def test_call_student_hands_the_call_to_a_remote_function_when_there_is_one():
    class Remote:
        def call_student_remotely(self, case, names):
            return Outcome(value=42)

        def __call__(self, *args):
            raise AssertionError("a remote function is never called here")

    assert call_student(Remote(), Case(()), []).value == 42


# ---------------------------------------------------------------------------------------------
# Results of every kind


def test_tuple_parts_are_compared_one_by_one_and_named():
    reference = lambda a: Parts((a * 2, a.sum(axis=0)), ("dW", "db"))  # noqa: E731
    check = _check(reference, [Case((np.arange(6.0).reshape(3, 2),))], name="backward")
    assert_passes(check, lambda a: (a * 2, a.sum(axis=0)))
    message = assert_fails(check, lambda a: (a * 2, a.sum(axis=1)))
    assert "db: got      shape (3,)" in message
    message = assert_fails(check, lambda a: (a * 3, a.sum(axis=0)))
    assert "dW: first difference at index (0, 1), counted from 0" in message
    assert_fails(check, lambda a: a * 2, must_mention=["expected a tuple of 2 items"])


def test_a_part_that_holds_another_parts_result_is_said_to_be_misplaced():
    reference = named_result(lambda a: {"W1": a * 2, "W2": a[:2] * 3}, "grads")
    check = _check(reference, [Case((np.arange(6.0).reshape(3, 2),))], name="backward")
    message = assert_fails(check, lambda a: {"W1": a[:2] * 3, "W2": a * 2})
    assert 'grads["W1"]: got      what grads["W2"] should hold' in message
    assert "check the key or position each result is stored at" in " ".join(message.split())
    assert "products and sums" not in message
    # Numbers are not said to be misplaced: two parts may hold the same one by chance.
    numbers = _check(lambda a: Parts((1.0, 2.0), ("first", "second")), [Case((0.0,))], name="pair")
    assert "should hold" not in assert_fails(numbers, lambda a: (2.0, 2.0))


def test_a_result_that_is_a_multiple_of_the_expected_one_is_said_to_be():
    check = _check(lambda X: X.sum(axis=0), [Case((np.arange(12.0).reshape(4, 3),))], name="db")
    assert "every entry is 1/4 of the expected one" in assert_fails(check, lambda X: X.mean(axis=0))
    assert "every entry is -1 times the expected one" in assert_fails(check, lambda X: -X.sum(axis=0))
    assert "every entry is" not in assert_fails(check, lambda X: X.sum(axis=0) + 1)
    total = _check(lambda x: float(x.mean()), [Case((np.array([1.0, 2.0, 4.0]),))], name="mean")
    assert "that is 3 times the expected value" in assert_fails(total, lambda x: float(x.sum()))


def test_dicts_are_compared_key_by_key():
    reference = lambda p: {k: v * 2 for k, v in p.items()}  # noqa: E731
    check = _check(reference, [Case(({"W1": np.ones((2, 2)), "b1": np.zeros(2)},))], name="grads")
    assert_passes(check, lambda p: {"b1": p["b1"] * 2, "W1": p["W1"] + p["W1"]})
    assert_fails(check, lambda p: {"W1": p["W1"] * 2}, must_mention=["missing ['b1']"])
    assert_fails(check, lambda p: {"W1": p["W1"] * 3, "b1": p["b1"]},
                 must_mention=['result["W1"]: first difference at index (0, 0)'])


def test_documented_in_place_updates_are_judged_after_the_call():
    def reference(params, grads, lr):
        for key in params:
            params[key] -= lr * grads[key]

    case = Case(({"W": np.ones(3)}, {"W": np.arange(3.0)}, 0.5), updates=("params",))
    check = _check(reference, [case], name="sgd_update")
    assert_passes(check, reference)

    def new_arrays_under_the_same_keys(params, grads, lr):
        for key in params:
            params[key] = params[key] - lr * grads[key]

    assert_passes(check, new_arrays_under_the_same_keys)

    def returns_a_new_dict(params, grads, lr):
        return {key: params[key] - lr * grads[key] for key in params}

    assert_fails(check, returns_a_new_dict, must_mention=["`params` still holds the values it had", "in place"])

    def changes_grads_too(params, grads, lr):
        reference(params, grads, lr)
        grads["W"] *= 0

    assert_fails(check, changes_grads_too, must_mention=["changed its argument `grads` in place"])


@pytest.mark.parametrize(
    ("fn", "phrase"),
    [
        (lambda z: [max(v, 0.0) for v in z.ravel()], "expected a NumPy array"),
        (lambda z: np.maximum(z, 0).astype(str), "should be numbers"),
        (lambda z: z > 0, "boolean array breaks later arithmetic"),
    ],
)
def test_results_of_the_wrong_kind_fail_with_a_clear_reason(fn, phrase):
    assert_fails(nb03.check_relu_grad if "boolean" in phrase else nb03.check_relu, fn, must_mention=[phrase])


def test_scalar_results_accept_python_and_numpy_numbers_but_not_arrays_or_booleans():
    reference = lambda x: float(x.sum())  # noqa: E731
    check = _check(reference, [Case((np.array([1.0, 2.0]),))], name="total")
    for fn in (lambda x: x.sum(), lambda x: float(x.sum()), lambda x: np.array(x.sum()), lambda x: int(x.sum())):
        assert_passes(check, fn)
    assert_fails(check, lambda x: x.sum(keepdims=True), must_mention=["expected a single number"])
    assert_fails(check, lambda x: x.sum() > 0, must_mention=["boolean"])


def test_integer_results_refuse_floats_and_booleans():
    reference = lambda x: int(x > 0)  # noqa: E731
    check = _check(reference, [Case((1.0,))], name="fires")
    assert_passes(check, lambda x: np.int64(1))
    assert_fails(check, lambda x: 1.0, must_mention=["expected the integer 1"])
    assert_fails(check, lambda x: True, must_mention=["boolean"])


# ---------------------------------------------------------------------------------------------
# Naming mistakes, hints, blame


def test_a_mistake_is_named_only_when_it_behaves_exactly_like_the_students_code():
    reference = lambda z: z + 1  # noqa: E731
    mistakes = [Mistake("plus two", "adds 2", lambda z: z + 2), Mistake("times one", "no-op", lambda z: z * 1)]
    check = _check(reference, [Case((np.array([1.0, 2.0]),))], mistakes, name="inc")
    assert "Known mistake, plus two: adds 2" in assert_fails(check, lambda z: z + 2)
    assert "Known mistake" not in assert_fails(check, lambda z: z + 5)

    def right_values_other_warnings(z):
        warnings.warn("odd", RuntimeWarning, stacklevel=1)
        return z + 2

    assert "Known mistake" not in assert_fails(check, right_values_other_warnings)


def test_a_case_hint_applies_only_where_its_failures_are():
    z = np.array([-1.0, 0.0, 1.0])
    case = Case((z,), hint="look at zero", hint_where=z == 0)
    check = _check(activations.relu_grad, [case], name="relu_grad")
    assert "Likely cause: look at zero" in assert_fails(check, lambda z: (z >= 0).astype(float))
    assert "look at zero" not in assert_fails(check, lambda z: -(z > 0).astype(float))


def test_an_error_points_at_the_students_line_with_a_cause_for_arrays_in_if():
    message = assert_fails(nb03.check_relu, lambda z: z if z > 0 else 0 * z)
    assert "truth value of an array" in message and "elementwise" in message


def test_a_function_that_calls_a_failing_function_of_the_student_blames_that_one():
    namespace = {"np": np}
    exec(
        "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
        "def sigmoid_grad(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n",
        namespace,
    )
    message = assert_fails(nb03.check_sigmoid_grad, namespace["sigmoid_grad"])
    assert "sigmoid_grad calls your sigmoid, which does not pass its own check yet" in " ".join(message.split())
    assert "Known mistake" not in message
    namespace["sigmoid"] = activations.sigmoid
    assert_passes(nb03.check_sigmoid_grad, namespace["sigmoid_grad"])


# ---------------------------------------------------------------------------------------------
# What a notebook shows


def test_a_failed_check_shows_only_its_message_in_ipython():
    failure = CheckFailed("f failed on x = 1:\n  got      2")
    assert failure._render_traceback_() == ["f failed on x = 1:", "  got      2"]


def test_checks_leave_warning_filters_numpy_errors_and_signal_handlers_as_they_were():
    filters_before = list(warnings.filters)
    numpy_errors_before = np.geterr()
    handler_before = signal.getsignal(signal.SIGALRM)
    submissions = [fn for fn, _ in bad_submissions(activations.relu)] + [lambda z: 1 / (1 + np.exp(-z))]
    for fn in submissions:
        run_check(nb03.check_relu, fn)
        run_check(nb03.check_sigmoid, fn)
    assert warnings.filters == filters_before
    assert np.geterr() == numpy_errors_before
    assert signal.getsignal(signal.SIGALRM) == handler_before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_overflow_is_reported_even_if_the_student_silenced_numpy():
    old = np.seterr(all="ignore")
    try:
        message = assert_fails(nb03.check_sigmoid, lambda z: 1 / (1 + np.exp(-z)))
    finally:
        np.seterr(**old)
    assert "overflow encountered in exp" in message


def test_large_arrays_are_summarised_in_messages():
    check = _check(lambda X: X * 2, [Case((np.arange(1000.0).reshape(40, 25),))], name="double")
    message = assert_fails(check, lambda X: X * 3)
    assert "..." in message and "shape (40, 25)" in message
    assert "first difference at index (0, 1)" in message
    assert len(message) < 2000


def test_a_grading_secret_changes_the_random_hidden_cases_and_hides_the_seed():
    plain = case_rng(3).standard_normal(4)
    set_grading_secret(123456789)
    try:
        secret = case_rng(3).standard_normal(4)
        assert seed_text(3) == "the grader's secret seed"
    finally:
        set_grading_secret(None)
    assert not np.allclose(plain, secret)
    assert np.array_equal(case_rng(3).standard_normal(4), plain)


def test_check_everything_summarises_without_raising(capsys):
    namespace = {name: getattr(activations, name) for name in nb03.CHECKS}
    namespace["relu"] = lambda z: np.abs(z)
    del namespace["step"]
    check_everything(nb03.CHECKS, namespace)
    out = capsys.readouterr()
    assert out.err == ""
    assert "✗ relu" in out.out and "Known mistake, absolute value" in out.out
    assert "✗ step" in out.out and "should be a function" in out.out
    assert "✓ sigmoid" in out.out
    assert f"{len(nb03.CHECKS) - 2} of {len(nb03.CHECKS)} functions pass" in out.out


def test_passing_or_reference_picks_the_students_function_only_when_it_passes(capsys):
    mine = lambda z: np.maximum(z, 0.0)  # noqa: E731
    assert passing_or_reference(mine, nb03.check_relu, activations.relu) is mine
    assert passing_or_reference(np.abs, nb03.check_relu, activations.relu) is activations.relu
    out = capsys.readouterr()
    assert "uses the course's reference" in out.out and out.err == ""
