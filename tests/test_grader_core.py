"""The shared check machinery: bad submissions give clear verdicts and leave the process as it was."""

import signal
import warnings

import numpy as np
import pytest

from autograde_tests import nb03
from autograde_tests.core import Case, CheckFailed, Mistake, check_cases, check_everything, passing_or_reference
from course_lib import activations
from tests.grader_testing import assert_fails, assert_passes, bad_submissions, run_check

pytestmark = pytest.mark.nb03


def _raises(z):
    return z @ np.ones((7, 7))


def _returns_list(z):
    return [max(v, 0.0) for v in z.ravel()]


def _returns_strings(z):
    return np.maximum(z, 0).astype(str)


@pytest.mark.parametrize(
    ("fn", "phrase"),
    [(_returns_list, "wrong shape"), (_returns_strings, "should be numbers")],
)
def test_results_of_the_wrong_kind_fail_with_a_clear_reason(fn, phrase):
    assert_fails(nb03.check_relu, fn, must_mention=[phrase])


def test_an_error_points_at_the_students_line():
    message = assert_fails(nb03.check_relu, _raises)
    assert "return z @ np.ones((7, 7))" in message


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


def test_the_same_submission_always_gets_the_same_message():
    wrong = lambda z: np.where(z > 0, 1.0, 0.5)  # noqa: E731
    first, _, _ = run_check(nb03.check_step, wrong)
    second, _, _ = run_check(nb03.check_step, wrong)
    assert first is not None and first == second


def test_check_failed_is_an_assertion_error():
    assert issubclass(CheckFailed, AssertionError)


def test_a_student_error_does_not_escape_as_its_own_exception():
    with pytest.raises(CheckFailed):
        nb03.check_relu(_raises)


def test_large_arrays_are_summarised_in_messages():
    reference = lambda X: X * 2  # noqa: E731
    case = Case((np.arange(1000.0).reshape(40, 25),))
    with pytest.raises(CheckFailed) as failure:
        check_cases(lambda X: X * 3, "double", reference, [case])
    message = str(failure.value)
    assert "..." in message and "shape (40, 25)" in message
    assert "first difference at index (0, 1)" in message
    assert len(message) < 2000


def test_a_mistake_is_named_only_when_its_output_matches():
    reference = lambda z: z + 1  # noqa: E731
    mistakes = [Mistake("plus two", "adds 2", lambda z: z + 2), Mistake("times one", "no-op", lambda z: z * 1)]
    case = Case((np.array([1.0, 2.0]),))
    with pytest.raises(CheckFailed) as failure:
        check_cases(lambda z: z + 2, "inc", reference, [case], mistakes)
    assert "Known mistake, plus two: adds 2" in str(failure.value)
    with pytest.raises(CheckFailed) as failure:
        check_cases(lambda z: z + 5, "inc", reference, [case], mistakes)
    assert "Known mistake" not in str(failure.value)


def test_scalar_results_accept_python_and_numpy_scalars_but_not_arrays():
    reference = lambda x: float(x.sum())  # noqa: E731
    case = [Case((np.array([1.0, 2.0]),))]
    for fn in (lambda x: x.sum(), lambda x: float(x.sum()), lambda x: np.array(x.sum()), lambda x: int(x.sum())):
        assert_passes(lambda f, hidden=False: check_cases(f, "total", reference, case), fn)
    assert_fails(lambda f, hidden=False: check_cases(f, "total", reference, case), lambda x: x.sum(keepdims=True),
                 must_mention=["expected a single number"])


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
    assert passing_or_reference(_raises, nb03.check_relu, activations.relu) is activations.relu
    out = capsys.readouterr()
    assert "uses the course's reference" in out.out and out.err == ""
