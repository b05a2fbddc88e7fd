"""What every check shares: run a student's function on a case, judge the outcome, explain a failure.

A check raises `CheckFailed` (an `AssertionError`) whose message gives, in this order: the case, what
came back, what was expected, and the likely cause; when the student's output matches the output of a
known mistake from `autograde_tests.mistakes`, the message names that mistake.

Nothing here writes to stderr, leaves warnings filters or NumPy error settings changed, or returns a
value for a notebook cell to display: nbgrader gives a grade cell 0 for any stderr output and full
credit for some displayed values.
"""

import contextlib
import copy
import inspect
import io
import signal
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Tolerances used unless a case says otherwise; float32 cases use FLOAT32_TOLERANCE.
FLOAT64_TOLERANCE = {"rtol": 1e-6, "atol": 1e-9}
FLOAT32_TOLERANCE = {"rtol": 1e-4, "atol": 1e-6}
# Seconds one call of a student's function may take before the check gives up on it.
CALL_TIME_LIMIT = 5.0

_PACKAGE_DIR = str(Path(__file__).resolve().parent)


class CheckFailed(AssertionError):
    """A check's verdict that the student's code is not right yet; the message says why."""


class _TimeLimitExceeded(BaseException):
    """Raised inside the student's code when a call runs too long (BaseException: `except Exception` in
    student code cannot swallow it)."""


@dataclass(frozen=True)
class Case:
    """One call of the function under test.

    args/kwargs: the arguments, never handed to the student's code itself (it gets deep copies).
    label: how the failure message shows the inputs; by default each argument's name and value.
    hint: the likely cause to report when this case fails and no known mistake explains it.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    hint: str = ""
    rtol: float | None = None
    atol: float | None = None


@dataclass(frozen=True)
class Mistake:
    """A realistic wrong implementation, named and explained, that checks recognise by its output."""

    name: str
    explanation: str
    fn: Callable


@dataclass
class Outcome:
    """Everything observed while calling a function once."""

    value: object = None
    error: BaseException | None = None
    error_line: str = ""
    warnings: tuple[str, ...] = ()
    stderr: str = ""
    mutated: tuple[str, ...] = ()
    timed_out: bool = False


@dataclass(frozen=True)
class Problem:
    """What is wrong with one outcome. `kind` groups problems so that mistakes can be matched."""

    kind: str
    lines: tuple[str, ...]
    cause: str = ""


# ---------------------------------------------------------------------------------------------
# Formatting


def format_value(value, precision=4, threshold=24):
    """A short, readable rendering of a number, an array or anything else."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        array = np.asarray(value)
        if array.ndim == 0:
            return _format_scalar(array.item(), precision)
        text = np.array2string(
            array, precision=precision, threshold=threshold, edgeitems=3, separator=", ", suppress_small=False
        )
        shape_note = f"  (shape {array.shape}, {array.dtype})" if array.size > threshold else ""
        return text.replace("\n", "\n           ") + shape_note
    if isinstance(value, float | int | bool):
        return _format_scalar(value, precision)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {format_value(v, precision, threshold)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v, precision, threshold) for v in value) + ")"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def _format_scalar(value, precision):
    if isinstance(value, bool | np.bool_):
        return repr(bool(value))
    if isinstance(value, float) and abs(value) < 1e6:
        return np.format_float_positional(value, precision=precision, trim="-")
    if isinstance(value, float):
        return f"{value:.{precision}g}"
    return repr(value)


def describe_case(case, parameter_names):
    """The case's label, or `name = value` for each argument."""
    if case.label:
        return case.label
    parts = [f"{name} = {format_value(value)}" for name, value in zip(parameter_names, case.args)]
    parts += [f"{name} = {format_value(value)}" for name, value in case.kwargs.items()]
    return ", ".join(parts)


def failure_message(function_name, case_text, problem, known_mistake=None):
    """The text a student reads: the case, got/expected (or what went wrong), the likely cause."""
    lines = [f"{function_name} failed on {case_text}:"]
    lines += [f"  {line}" for line in problem.lines]
    if known_mistake is not None:
        lines.append(f"  Known mistake, {known_mistake.name}: {known_mistake.explanation}")
    elif problem.cause:
        lines.append(f"  Likely cause: {problem.cause}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Running


@contextlib.contextmanager
def _time_limit(seconds):
    """Interrupt the block after `seconds` (where a SIGALRM timer can be used: the main thread on Unix)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def interrupt(signum, frame):
        raise _TimeLimitExceeded

    previous_handler = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)


def same_value(a, b):
    """Exact equality of arguments before and after a call (arrays, dicts, lists, scalars; nan == nan)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return a is b


def _student_line(error):
    """The innermost line of the traceback that is not in this package: where the student's code broke."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith(_PACKAGE_DIR)]
    if not frames:
        return ""
    frame = frames[-1]
    place = "your code" if frame.filename.startswith("<") or "ipykernel" in frame.filename else frame.filename
    return f"line {frame.lineno} of {place}: {(frame.line or '').strip()}"


def run(fn, case, parameter_names):
    """Call `fn` on deep copies of the case's arguments and record everything that happened.

    Warnings are recorded (NumPy overflow, division by zero and invalid results become warnings for the
    call, as by default, whatever the student set with np.seterr; underflow to 0 stays ignored), text
    written to stderr is captured, and the copies are compared with the originals afterwards.
    """
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    outcome = Outcome()
    stderr = io.StringIO()
    numpy_errors = np.errstate(over="warn", divide="warn", invalid="warn", under="ignore")
    with warnings.catch_warnings(record=True) as caught, numpy_errors:
        warnings.simplefilter("always")
        with contextlib.redirect_stderr(stderr):
            try:
                with _time_limit(CALL_TIME_LIMIT):
                    outcome.value = fn(*args, **kwargs)
            except _TimeLimitExceeded:
                outcome.timed_out = True
            except (Exception, SystemExit) as error:  # the student's error is the verdict, not a crash
                outcome.error = error
                outcome.error_line = _student_line(error)
    outcome.warnings = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
    outcome.stderr = stderr.getvalue()
    names = list(parameter_names) + list(case.kwargs)
    before = list(case.args) + list(case.kwargs.values())
    after = list(args) + list(kwargs.values())
    outcome.mutated = tuple(n for n, b, a in zip(names, before, after) if not same_value(b, a))
    return outcome


# ---------------------------------------------------------------------------------------------
# Judging


def _is_numeric_array(array):
    return array.dtype.kind in "biuf"


def compare_values(got, expected, rtol, atol):
    """A Problem when `got` differs from `expected` (type, shape, non-finite entries, values), else None.

    A scalar expected value accepts Python numbers, NumPy scalars and 0-d arrays; an array expected value
    accepts any array-like of the same shape. Booleans count as 0 and 1.
    """
    expected_array = np.asarray(expected)
    shown = ("got      " + format_value(got), "expected " + format_value(expected))
    if got is None:
        return Problem("none", ("got      None", "expected " + format_value(expected)),
                       "the function returns None: is a `return` statement missing?")
    try:
        got_array = np.asarray(got)
    except Exception:
        got_array = np.asarray(None)
    if not _is_numeric_array(got_array):
        return Problem("type", (f"got      {format_value(got)} (type {type(got).__name__})",
                                "expected " + format_value(expected)),
                       "the result should be numbers (a NumPy array or a float).")
    if expected_array.ndim == 0 and got_array.ndim != 0:
        return Problem("shape", (f"got      an array of shape {got_array.shape}: {format_value(got_array)}",
                                 "expected a single number: " + format_value(expected)),
                       "return one number, not an array: check the shapes going into the dot product.")
    if got_array.shape != expected_array.shape:
        return Problem("shape", (f"got      shape {got_array.shape}: {format_value(got_array)}",
                                 f"expected shape {expected_array.shape}: {format_value(expected)}"),
                       "the output has the wrong shape: check which axes your product or sum runs over.")
    got_float = got_array.astype(np.float64)
    expected_float = expected_array.astype(np.float64)
    bad = ~np.isfinite(got_float) & np.isfinite(expected_float)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0]) if got_array.ndim else ()
        return Problem("nonfinite", shown + (f"first non-finite entry at index {where}",),
                       "nan or inf where the answer is finite: an overflow (exp of a large number) or 0/0.")
    close = np.isclose(got_float, expected_float, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        detail = ()
        if got_array.ndim and got_array.size > 1:
            index = tuple(int(i) for i in np.argwhere(~close)[0])
            detail = (f"first difference at index {index}: got {format_value(got_float[index])}, "
                      f"expected {format_value(expected_float[index])} ({int((~close).sum())} of "
                      f"{close.size} entries differ)",)
        return Problem("value", shown + detail)
    return None


def judge(outcome, expected, case, tolerance):
    """The first Problem with an outcome, in the order a student should fix them, or None."""
    return behaviour_problem(outcome) or compare_values(outcome.value, expected, **tolerance)


def behaviour_problem(outcome):
    """The first Problem with how a call behaved (time limit, error, in-place change, warning, stderr), or None.

    `judge` starts with it; a check that judges the returned value its own way (by its statistics, say)
    calls it directly, so that these verdicts read the same in every check.
    """
    if outcome.timed_out:
        return Problem("timeout", (f"did not finish within {CALL_TIME_LIMIT:g} s",),
                       "an infinite loop, or a Python loop over a large array where one NumPy expression "
                       "would do.")
    if isinstance(outcome.error, NotImplementedError):
        return Problem("not_implemented", ("raised NotImplementedError",),
                       "this exercise is not done yet: replace `raise NotImplementedError()` with your code.")
    if outcome.error is not None:
        lines = (f"raised   {type(outcome.error).__name__}: {outcome.error}",)
        if outcome.error_line:
            lines += (f"at       {outcome.error_line}",)
        return Problem("error", lines, _error_cause(outcome.error))
    if outcome.mutated:
        names = ", ".join(f"`{n}`" for n in outcome.mutated)
        return Problem("mutated", (f"changed its argument {names} in place",),
                       "the caller's array must stay as it was: compute into a new array (np.where, "
                       "np.maximum, arithmetic) or work on a .copy().")
    if outcome.warnings:
        return Problem("warning", ("warned   " + "; ".join(dict.fromkeys(outcome.warnings)),),
                       "a correct solution computes this without warnings, and nbgrader scores a test cell "
                       "that prints a warning as 0. Rewrite the computation so nothing overflows or "
                       "divides by zero.")
    if outcome.stderr:
        return Problem("stderr", ("printed to stderr: " + outcome.stderr.strip()[:200],),
                       "nbgrader scores a test cell with stderr output as 0: remove prints to sys.stderr.")
    return None


def _error_cause(error):
    text = str(error)
    if isinstance(error, ValueError) and ("matmul" in text or "aligned" in text or "broadcast" in text):
        return "the shapes do not fit together: write each array's shape next to the product and check the order."
    if isinstance(error, NameError):
        return "a name is used before it is defined (a typo, or a cell above that was not run)."
    if isinstance(error, TypeError) and "argument" in text:
        return "the function's parameters differ from the exercise's signature."
    return "read the error and the line it points to."


def tolerance_for(case):
    """The case's tolerance; float32 arguments get the looser float32 one by default."""
    float32 = any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in case.args)
    base = FLOAT32_TOLERANCE if float32 else FLOAT64_TOLERANCE
    return {"rtol": case.rtol if case.rtol is not None else base["rtol"],
            "atol": case.atol if case.atol is not None else base["atol"]}


def _matches(problem, outcome, mistake_problem, mistake_outcome, tolerance):
    """Whether a mistake's behaviour on a case is the student's behaviour there."""
    if mistake_problem is None or mistake_problem.kind != problem.kind:
        return False
    if problem.kind == "error":
        return type(outcome.error) is type(mistake_outcome.error)
    if problem.kind == "mutated":
        return outcome.mutated == mistake_outcome.mutated
    if problem.kind == "warning":
        return set(outcome.warnings) == set(mistake_outcome.warnings)
    if problem.kind in ("value", "nonfinite", "shape"):
        try:
            got, theirs = np.asarray(outcome.value, dtype=float), np.asarray(mistake_outcome.value, dtype=float)
        except (TypeError, ValueError):
            return False
        return got.shape == theirs.shape and bool(np.allclose(got, theirs, equal_nan=True, **tolerance))
    return True


def find_known_mistake(problem, outcome, case, mistakes, parameter_names, expected, passed=()):
    """The first catalogued mistake that behaves like the student's code, if any.

    It must fail `case` the way the student's code does and pass every case in `passed` (as the student's
    code did): a mistake that would have failed earlier is not the student's mistake, even when the two
    outputs happen to agree here (0/1 outputs often do).
    """
    tolerance = tolerance_for(case)
    for mistake in mistakes:
        mistake_outcome = run(mistake.fn, case, parameter_names)
        mistake_problem = judge(mistake_outcome, expected, case, tolerance)
        if _matches(problem, outcome, mistake_problem, mistake_outcome, tolerance) and all(
            _passes(mistake.fn, earlier, parameter_names, earlier_expected) for earlier, earlier_expected in passed
        ):
            return mistake
    return None


def _passes(fn, case, parameter_names, expected):
    return judge(run(fn, case, parameter_names), expected, case, tolerance_for(case)) is None


# ---------------------------------------------------------------------------------------------
# Checks


def require_function(fn, function_name):
    """Fail clearly when the student's name is not bound to a function."""
    if not callable(fn):
        raise CheckFailed(f"{function_name} should be a function, but it is {format_value(fn)} "
                          f"(type {type(fn).__name__}). Run the cell that defines it, and keep its name.")


def check_cases(fn, function_name, reference, cases: Sequence[Case], mistakes=()):
    """Compare `fn` with `reference` on every case; raise CheckFailed at the first case that fails.

    Each case is run on copies of its arguments, with warnings, stderr, in-place changes and a time limit
    watched. On success one line is printed (stdout) saying how many cases passed.
    """
    require_function(fn, function_name)
    parameter_names = list(inspect.signature(reference).parameters)
    passed = []
    for case in cases:
        expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        outcome = run(fn, case, parameter_names)
        problem = judge(outcome, expected, case, tolerance_for(case))
        if problem is None:
            passed.append((case, expected))
            continue
        mistake = find_known_mistake(problem, outcome, case, mistakes, parameter_names, expected, passed)
        if mistake is None and case.hint and problem.kind in ("value", "nonfinite", "warning", "shape"):
            problem = Problem(problem.kind, problem.lines, case.hint)
        raise CheckFailed(failure_message(function_name, describe_case(case, parameter_names), problem, mistake))
    print(f"✓ {function_name}: {len(cases)} cases passed")


def check_everything(checks, namespace):
    """Self-check for learners working alone: run every check thoroughly and print a summary.

    checks: {function name: check function}; namespace: usually the notebook's `globals()`.
    """
    passed = 0
    for name, check in checks.items():
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):
                check(namespace.get(name), hidden=True)
        except CheckFailed as failure:
            print(f"✗ {name}\n{_indent(str(failure))}\n")
        else:
            passed += 1
            print(f"✓ {name}")
    print(f"\n{passed} of {len(checks)} functions pass every check, hidden ones included.")


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


def passing_or_reference(fn, check, reference):
    """`fn` when it passes `check`, else `reference` (with a note), so plots and widgets always work."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(fn)
    except CheckFailed:
        print(f"(Your {reference.__name__} does not pass its check yet, so this uses the course's reference.)")
        return reference
    return fn
