"""Judging what a call returned, and how it behaved.

One comparison for each kind of thing compared, with tolerances from `cases.tolerance_for`:

| compared                                  | function             | answer                              |
|-------------------------------------------|----------------------|-------------------------------------|
| a student's result with the reference's   | `compare`            | the Problem a message explains      |
| an argument before and after a call       | `calling.same_value` | exact equality (nan equals nan)     |
| two results of the same code (a mistake's | `same_structure`     | equal up to tolerance, same kinds   |
| and the student's)                        |                      | of things on both sides             |
| two calls' behaviour                      | `same_outcome`       | same errors, warnings, results      |
| two symptoms (outcomes, measured numbers) | `same_symptom`       | alike enough to name the mistake    |

`behaviour_problem` says how a call misbehaved (time limit, error, argument changed, NumPy's global
random state, warning, stderr), before any result is looked at."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from autograde_tests.calling import Outcome, same_value
from autograde_tests.messages import (
    describe,
    dtype_words,
    expected_line,
    first_difference_line,
    format_pair,
    format_value,
    got_line,
    key_path,
    labelled,
    labelled_within,
    pair_lines,
    room_after,
    scale_line,
)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one outcome. `kind` groups problems so that mistakes can be matched.

    differs: for a wrong array, where it differs (a boolean array), so that a case's hint can tell
    whether it is about these entries.
    """

    kind: str
    lines: tuple[str, ...]
    cause: str = ""
    differs: object = None




def _is_number(value):
    return (isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf")


def _is_integer(value):
    return (isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu")


def compare(got, expected, rtol, atol, path=""):
    """A Problem when `got` is not what `expected` is (kind, parts, dtype, shape, finiteness, values).

    The demands come from the reference's result: a tuple needs a tuple (or list) with as many parts, a
    dict the same keys, an array a NumPy array (floats where the reference gives floats), an int an
    integer, a float any number. `path` names the part being compared ("dW", "params['W1']").
    """
    if got is None and expected is not None:
        return Problem("none", (got_line(path, "None"), expected_line(path, describe(expected))),
                       "the function returns None: is a `return` statement missing?")
    if isinstance(expected, tuple):
        if not (isinstance(got, tuple | list) and len(got) == len(expected)):
            return Problem("parts", (got_line(path, describe(got)),
                                     expected_line(path, f"a tuple of {len(expected)} items")),
                           f"return the {len(expected)} results together, in the exercise's order.")
        names = getattr(expected, "_part_names", None) or [f"part {i + 1}" for i in range(len(expected))]
        paths = [f"{path}[{i}] ({name})" if path else name for i, name in enumerate(names)]
        return _compare_parts(list(zip(paths, got, expected)), rtol, atol)
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return Problem("type", (got_line(path, describe(got)), expected_line(path, "a dict")),
                           "the exercise asks for a dict keyed like the parameters.")
        if set(got) != set(expected):
            missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
            return Problem("keys", (got_line(path, f"keys {sorted(map(str, got))}"),
                                    expected_line(path, f"keys {sorted(map(str, expected))}")),
                           (f"missing {missing}" if missing else "") + ("; " if missing and extra else "")
                           + (f"unexpected {extra}" if extra else "") + ".")
        base = path or getattr(expected, "result_name", "result")
        return _compare_parts([(key_path(base, key), got[key], expected[key]) for key in expected], rtol, atol)
    if isinstance(expected, list):
        if not (isinstance(got, list | tuple) and len(got) == len(expected)):
            return Problem("parts", (got_line(path, describe(got)), expected_line(path, f"{len(expected)} items")),
                           "return one item for each one the exercise asks for.")
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = compare(g, e, rtol, atol, key_path(path, i) if path else f"item {i}")
            if problem is not None:
                return problem
        return None
    if isinstance(expected, np.ndarray):
        return _compare_arrays(got, expected, rtol, atol, path)
    if _is_number(expected) or isinstance(expected, float):
        return _compare_numbers(got, expected, rtol, atol, path)
    if not same_value(got, expected):
        return Problem("value", pair_lines(path, got, expected))
    return None


def _compare_parts(parts, rtol, atol):
    """The first part (path, got, expected) that differs, as a Problem; when what it holds is an array
    that another part should hold, a "misplaced" Problem that says so instead of judging its values
    (numbers and booleans are left alone: two parts may hold the same one by chance)."""
    for path, got, expected in parts:
        problem = compare(got, expected, rtol, atol, path)
        if problem is None:
            continue
        if problem.kind in ("value", "shape") and isinstance(got, np.ndarray) and got.size > 1:
            owner = next((other for other, _, wanted in parts
                          if other != path and same_structure(got, wanted, rtol, atol)), None)
            if owner is not None:
                return Problem("misplaced", (got_line(path, f"what {owner} should hold"),
                                             expected_line(path, describe(expected))),
                               f"each result belongs under its own name, and {path} holds the one of {owner}: "
                               "check the key or position each result is stored at.")
        return problem
    return None


def _compare_numbers(got, expected, rtol, atol, path):
    want_int = _is_integer(expected)
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return Problem("shape", (got_line(path, labelled(f"{describe(got)}: ", format_value(got))),
                                 expected_line(path, "a single number: " + format_value(expected))),
                       "return one number, not an array: check which axes your sums or products run over.")
    if isinstance(got, bool | np.bool_) or (isinstance(got, np.ndarray) and got.dtype.kind == "b"):
        return Problem("dtype", (got_line(path, f"the boolean {format_value(got)}"),
                                 expected_line(path, f"the {'integer' if want_int else 'number'} "
                                                 f"{format_value(expected)}")),
                       "a comparison gives a boolean; the exercise asks for a number, so convert it.")
    if want_int and not _is_integer(got):
        if _is_number(got):
            return Problem("dtype", (got_line(path, describe(got)), expected_line(path, f"the integer {expected}")),
                           "the exercise asks for an integer (int), not a float: convert the result.")
    if not _is_number(got):
        return Problem("type", (got_line(path, describe(got)),
                                expected_line(path, "a number: " + format_value(expected))),
                       "the result should be one number (a Python or NumPy number).")
    got_float, expected_float = float(got), float(expected)
    if not np.isfinite(got_float) and np.isfinite(expected_float):
        return Problem("nonfinite", pair_lines(path, got, expected, differs=True),
                       "nan or inf where the answer is finite: an overflow (exp of a large number) or 0/0.")
    if not np.isclose(got_float, expected_float, rtol=rtol, atol=atol, equal_nan=True):
        scale = _scale_note(path, got_float, expected_float, rtol, atol) if expected_float and got_float else ()
        return Problem("value", pair_lines(path, got, expected, differs=True, extra=scale))
    return None


def _compare_arrays(got, expected, rtol, atol, path):
    if not isinstance(got, np.ndarray):
        return Problem("type", (got_line(path, describe(got)),
                                expected_line(path, f"a NumPy array of shape {expected.shape}")),
                       "the exercise asks for a NumPy array: a list has no .shape and no elementwise "
                       "arithmetic (list * 2 repeats it). Build the result from NumPy operations, or "
                       "turn it into an array before returning it.")
    if got.dtype.kind not in "biuf":
        return Problem("type", (got_line(path, describe(got)), expected_line(path, dtype_words(expected.dtype))),
                       "the result should be numbers.")
    room = room_after(path)
    got_text, expected_text = format_pair(got, expected, width=room)
    if expected.dtype.kind in "iuf" and got.dtype.kind == "b":
        return Problem("dtype", (got_line(path, labelled_within(f"{dtype_words(got.dtype)}: ", got_text, room)),
                                 expected_line(path, labelled_within(f"{dtype_words(expected.dtype)}: ",
                                                                     expected_text, room))),
                       "a boolean array breaks later arithmetic (True - False raises a TypeError in NumPy): "
                       f"the exercise asks for {dtype_words(expected.dtype)}, so convert the booleans.")
    if expected.dtype.kind == "f" and got.dtype.kind in "iu":
        return Problem("dtype", (got_line(path, labelled_within(f"{dtype_words(got.dtype)}: ", got_text, room)),
                                 expected_line(path, labelled_within("floats: ", expected_text, room))),
                       "the exercise asks for floats; an integer array cannot hold fractions (storing 0.5 "
                       "in it stores 0), so later steps go wrong silently.")
    if got.shape != expected.shape:
        return Problem("shape", (got_line(path, labelled_within(f"shape {got.shape}: ", got_text, room)),
                                 expected_line(path, labelled_within(f"shape {expected.shape}: ", expected_text,
                                                                     room))),
                       "the output has the wrong shape: check which axes your products and sums run over.")
    got_float, expected_float = got.astype(np.float64), expected.astype(np.float64)
    bad = ~np.isfinite(got_float) & np.isfinite(expected_float)
    if bad.any():
        index = [str(int(i)) for i in np.argwhere(bad)[0]]
        where = index[0] if len(index) == 1 else f"({', '.join(index)})"
        extra = (f"{path + ': ' if path else ''}first non-finite entry at index {where}, counted from 0",)
        return Problem("nonfinite", pair_lines(path, got, expected, extra=extra if got.ndim else ()),
                       "nan or inf where the answer is finite: an overflow (exp of a large number) or 0/0.",
                       differs=bad)
    close = np.isclose(got_float, expected_float, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    detail = (first_difference_line(path, got, expected, ~close),) if got.ndim and got.size > 1 else ()
    detail += _scale_note(path, got_float, expected_float, rtol, atol)
    return Problem("value", pair_lines(path, got, expected, differs=~close, extra=detail), differs=~close)


def _scale_note(path, got, expected, rtol, atol):
    """A line saying that every entry of `got` is the same multiple of `expected` (a factor of 1/N too
    many, a sign flipped), when it is; else nothing."""
    entries = np.size(got) > 1
    got, expected = np.ravel(got), np.ravel(expected)
    if not (np.isfinite(got).all() and np.isfinite(expected).all()) or not expected.any():
        return ()
    factor = float(got @ expected / (expected @ expected))
    if factor == 0 or np.isclose(factor, 1.0) or not np.allclose(got, factor * expected, rtol=rtol, atol=atol):
        return ()
    line = scale_line(path, factor, entries)
    return (line,) if line else ()


class Parts(tuple):
    """A reference's tuple result whose parts have names, so that messages say "dW differs"."""

    def __new__(cls, values, names):
        parts = super().__new__(cls, values)
        parts._part_names = tuple(names)
        return parts


class NamedDict(dict):
    """A reference's dict result with the name the exercise gives it, so that messages say grads["W3"]."""

    result_name = "result"


def named_result(reference, name):
    """`reference` with its dict result named (see NamedDict), for checks of functions such as l2_grads
    that return `grads`."""

    @functools.wraps(reference)
    def named(*args, **kwargs):
        result = NamedDict(reference(*args, **kwargs))
        result.result_name = name
        return result

    return named


def named_parts(reference, names):
    """`reference` with its tuple result's parts named (see Parts), for checks of functions such as
    dense_backward that return (dX, dW, db)."""

    @functools.wraps(reference)
    def named(*args, **kwargs):
        return Parts(reference(*args, **kwargs), names)

    return named


def behaviour_problem(outcome):
    """The first Problem with how a call behaved (time limit, error, in-place change, NumPy's global random
    state, warning, stderr), or None. Every inspector starts with it, so these verdicts read the same in
    every check."""
    if outcome.timed_out:
        return timeout_problem(outcome)
    if outcome.error_type == "NotImplementedError":
        return Problem("not_implemented", ("raised NotImplementedError",),
                       "this exercise is not done yet: replace `raise NotImplementedError()` with your code.")
    if outcome.error_type:
        lines = (f"raised   {outcome.error_type}: {outcome.error_message}",)
        if outcome.error_line:
            lines += (f"at       {outcome.error_line}",)
        return Problem("error", lines, _error_cause(outcome.error_type, outcome.error_message))
    if outcome.mutated:
        names = ", ".join(f"`{n}`" for n in outcome.mutated)
        return Problem("mutated", (f"changed its argument {names} in place",),
                       "the caller's data must stay as it was: compute the result into a new array (or "
                       "work on a copy) instead of assigning into the argument.")
    if outcome.used_global_random:
        return Problem("global_random", ("drew random numbers from NumPy's global random state (np.random.*)",),
                       "take every random number from the rng argument: np.random's functions share one "
                       "hidden state, so the result depends on whatever ran before.")
    if outcome.warnings:
        return Problem("warning", ("warned   " + "; ".join(outcome.warnings),),
                       "a correct solution computes this without warnings, and nbgrader scores a test cell "
                       "that prints a warning as 0. Find the operation that overflows or divides by zero.")
    if outcome.stderr:
        return Problem("stderr", ("printed to stderr: " + outcome.stderr.strip()[:200],),
                       "nbgrader scores a test cell with stderr output as 0: remove prints to sys.stderr.")
    if outcome.called_reference:
        return Problem("reference", (f"ran the course's own {outcome.called_reference}",),
                       "the exercise asks for your own implementation; calling the course's reference of the "
                       "function being graded earns no points for it.")
    return None


def timeout_problem(outcome, cause=None):
    """The Problem of a call stopped by a time limit: too much work ("cpu"), or waiting ("idle", "wall")."""
    used = f"{outcome.cpu_seconds:.1f} s of CPU time"
    if outcome.timed_out == "cpu":
        return Problem("timeout", (f"did not finish within its budget of {used}",),
                       cause or "an infinite loop, or a Python loop over a large array where one NumPy "
                       "expression would do. The budget counts the work your code does, not the time on "
                       "the clock, so a busy machine does not change it.")
    return Problem("timeout", (f"was stopped after {outcome.wall_seconds:.0f} s on the clock, having used "
                               f"only {used}",),
                   "it seems to wait rather than work (time.sleep, input(), a lock), or the machine was "
                   "very busy: if your code does not wait, run the check again (a class grader retries "
                   "it once by itself).")


def _error_cause(error_type, text):
    if error_type == "ValueError" and "truth value of an array" in text:
        return ("Python's `if`, `and`, `or`, `max` and `min` look at one value at a time and cannot decide for "
                "a whole array: use NumPy's elementwise functions and comparisons instead.")
    if error_type == "ValueError" and ("matmul" in text or "aligned" in text or "broadcast" in text):
        return "the shapes do not fit together: write each array's shape next to the product and check the order."
    if error_type == "NameError":
        return "a name is used before it is defined (a typo, or a cell above that was not run)."
    if error_type == "TypeError" and "argument" in text:
        return "the function's parameters differ from the exercise's signature."
    if error_type == "UnboundLocalError":
        return "a variable is read before the line that assigns it runs (check every branch)."
    if error_type == "RecursionError":
        return "the function calls itself without end: is a name shadowing the one you meant?"
    return "read the error and the line it points to."


def same_structure(a, b, rtol=1e-6, atol=1e-9):
    """Whether two results are the same up to tolerance: the same kinds of things with close numbers."""
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return (isinstance(a, Mapping) and isinstance(b, Mapping) and set(a) == set(b)
                and all(same_structure(a[k], b[k], rtol, atol) for k in a))
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (type(a) is type(b) and len(a) == len(b)
                and all(same_structure(x, y, rtol, atol) for x, y in zip(a, b)))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        if a.dtype.kind != b.dtype.kind and not (a.dtype.kind in "iu" and b.dtype.kind in "iu"):
            return False
        if a.dtype.kind not in "biufc":
            return bool(np.array_equal(a, b))
        return bool(np.allclose(a.astype(float), b.astype(float), rtol=rtol, atol=atol, equal_nan=True))
    if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
        return isinstance(a, bool | np.bool_) and isinstance(b, bool | np.bool_) and bool(a) == bool(b)
    if _is_number(a) and _is_number(b):
        return _is_integer(a) == _is_integer(b) and bool(np.isclose(float(a), float(b), rtol=rtol, atol=atol,
                                                                    equal_nan=True))
    return same_value(a, b)


def same_outcome(a, b):
    """Whether two calls behaved alike: the same error, warnings, in-place changes and results."""
    return (a.error_type == b.error_type and a.timed_out == b.timed_out and set(a.warnings) == set(b.warnings)
            and a.mutated == b.mutated and a.used_global_random == b.used_global_random
            and a.generators_used == b.generators_used and a.called_reference == b.called_reference
            and bool(a.stderr) == bool(b.stderr) and same_structure(a.value, b.value)
            and same_structure(a.updated, b.updated))


def same_symptom(a, b):
    """Whether a mistake's symptom is the student's: outcomes alike, floats within 3%, else equal.

    Measured symptoms (a ratio of standard deviations, a fraction of weights) of two random draws of the
    sizes the checks use differ by far less than 3%, while distinct mistakes differ by more.
    """
    if isinstance(a, Outcome) and isinstance(b, Outcome):
        return same_outcome(a, b)
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, rtol=0.03, atol=0.0))
    return same_structure(a, b) if isinstance(a, np.ndarray | tuple | list | dict) else a == b


