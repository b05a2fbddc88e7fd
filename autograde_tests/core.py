"""What every check shares: call a student's function, judge what happened, explain a failure.

A check raises `CheckFailed` (an `AssertionError`) whose message gives, in this order: the case, what
came back, what was expected, and the likely cause; when the student's code behaves like a known mistake
from the notebook's catalogue (`autograde_tests.mistakes`), the message names that mistake, and when it
fails because another graded function of the student's that it calls is wrong, it says that instead.

Three rules hold everything together:

- `call_student` is the one place where a student's function is called. It returns an `Outcome`, plain
  data (values, error names and messages, warnings, stderr, which arguments changed), so that grading
  can run the call in another process without anything else changing.
- `check_with` is the one engine every check runs on: it walks the cases, asks an *inspector* for a
  `Verdict` on each, and on the first failure matches the catalogue. `by_value` is the inspector that
  compares with the course's reference; checks that judge a result by its properties (random draws,
  training runs) write their own inspector and get the same mistake matching.
- A result must be what the exercise asks for: an array where the reference returns an array, floats
  where it returns floats, a tuple or dict with the same parts; `compare` says which part differs.

Nothing here writes to stderr, leaves warnings filters or NumPy error settings changed, or returns a
value for a notebook cell to display: nbgrader gives a grade cell 0 for any stderr output and full
credit for some displayed values.
"""

import contextlib
import copy
import functools
import hashlib
import inspect as inspection
import io
import itertools
import pickle
import time
import traceback
import types
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from autograde_tests import limits

# The text of every message is made in autograde_tests.messages; checks import these names from here too.
from autograde_tests.messages import (
    describe,
    describe_case,
    dtype_words,
    expected_line,
    failure_message,
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

# Tolerances used unless a case says otherwise; float32 cases use FLOAT32_TOLERANCE. Every check of
# the course compares numbers with these.
FLOAT64_TOLERANCE = {"rtol": 1e-6, "atol": 1e-9}
FLOAT32_TOLERANCE = {"rtol": 1e-4, "atol": 1e-6}
# nbgrader's Validate cuts every line at 90 characters, 4 of them its indent: messages wrap before that,
# with room for the self-check's own indent.
MESSAGE_WIDTH = 80
# A generator is read to at most this many items: one that never ends must not hang the check.
MAX_YIELDED_ITEMS = 10_000

_PACKAGE_DIR = str(Path(__file__).resolve().parent)

# Set by a grader (never by a notebook) so that the random hidden cases are drawn from a seed students
# have never seen; None means the seeds printed in the messages.
_grading_secret = None


class CheckFailed(AssertionError):
    """A check's verdict that the student's code is not right yet; the message says why.

    The same verdict as data, for class reports (never parsed back from the message):
    kind: "mistake" (a catalogued mistake is named), "helper" (another graded function of the student's
        that it calls fails its own check), "blank" (it still raises NotImplementedError) or "other";
    mistake_id, mistake_title: the named mistake's stable id (`mistake_id`) and its one-line title, else None;
    case: the failing case as the message names it, None when no case ran (not a function, say).
    """

    def __init__(self, message="", kind="other", mistake_id=None, mistake_title=None, case=None):
        super().__init__(message)
        self.kind, self.mistake_id, self.mistake_title, self.case = kind, mistake_id, mistake_title, case

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: the student reads the message, not the grader's code.
        return str(self).splitlines()


@dataclass(frozen=True)
class Shared:
    """In a step's arguments, one object that lives through all the steps of a call, the way a `params`
    dict lives through training while its arrays change in place. `Case.shared` gives its initial value;
    `Step.assign` changes it between steps."""

    name: str


@dataclass(frozen=True)
class Step:
    """Something to do with what a call returned: call it, call one of its methods, or read an attribute
    (or, with `assign`, change a Shared object in place between two steps; its result is None).

    A case with steps judges the tuple of the steps' results instead of the returned object, which may
    be a function or an object (a `predict` closure, an `EarlyStopping`) that is not data. Arguments are
    deep copies, except Shared ones.
    """

    method: str | None = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    attribute: str | None = None
    assignment: tuple | None = None

    @classmethod
    def call(cls, *args, **kwargs):
        return cls(None, args, kwargs)

    @classmethod
    def call_method(cls, name, *args, **kwargs):
        return cls(name, args, kwargs)

    @classmethod
    def read(cls, name):
        return cls(attribute=name)

    @classmethod
    def assign(cls, shared, key, value):
        """Overwrite the array shared[key] in place with value (as a training step would)."""
        return cls(assignment=(shared, key, value))

    def apply(self, target, shared):
        if self.assignment is not None:
            name, key, value = self.assignment
            shared[name][key][...] = value
            return None
        if self.attribute is not None:
            return getattr(target, self.attribute)
        function = target if self.method is None else getattr(target, self.method)
        resolve = lambda v: shared[v.name] if isinstance(v, Shared) else copy.deepcopy(v)  # noqa: E731
        return function(*map(resolve, self.args), **{k: resolve(v) for k, v in self.kwargs.items()})


@dataclass(frozen=True)
class Case:
    """One call of the function under test.

    args/kwargs: the arguments, never handed to the student's code itself (it gets deep copies).
    label: how the failure message shows the inputs; by default each argument's name and value.
    hint: the likely cause to report when this case fails with a wrong value and no known mistake
        explains it; `hint_where` (a boolean array shaped like the result) narrows it to wrong values
        that all lie where it is True, such as the entries where z == 0.
    updates: names of arguments the function documents updating in place: they are judged after the
        call against the reference's update of copies, and the return value is not judged.
    steps, shared: see `Step` and `Shared`. consume: the result is an iterator; judge the list of what it
        yields.
    budget: the call's time limits (autograde_tests.limits.Budget), when a plain call's are not enough
        (a training).
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    hint: str = ""
    hint_where: object = None
    rtol: float | None = None
    atol: float | None = None
    updates: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    shared: dict = field(default_factory=dict)
    consume: bool = False
    budget: limits.Budget | None = None


@dataclass(frozen=True)
class Mistake:
    """A realistic wrong implementation, named and explained, that checks recognise by its behaviour."""

    name: str
    explanation: str
    fn: Callable


@dataclass
class Outcome:
    """Everything observed while calling a function once: plain data, whichever process made the call.

    updated: the arguments named in the case's `updates`, as they were after the call.
    generators_used: the Generator arguments the call drew from.
    called_reference: set by the grader's worker when the call ran the course's own reference of the
        function being graded (its name), which earns nothing.
    lazy: the function returned an iterator (a generator), which `consume` read into `value`.
    timed_out: the kind of time limit that stopped the call ("cpu": too much work; "idle" or "wall":
        waiting, or a very busy machine; see autograde_tests.limits), "" if none did.
    cpu_seconds, wall_seconds: the CPU time the call used, and (when stopped) its time on the clock.
    """

    value: object = None
    error_type: str = ""
    error_message: str = ""
    error_line: str = ""
    warnings: tuple[str, ...] = ()
    stderr: str = ""
    mutated: tuple[str, ...] = ()
    updated: dict = field(default_factory=dict)
    timed_out: str = ""
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    used_global_random: bool = False
    generators_used: tuple[str, ...] = ()
    lazy: bool = False
    called_reference: str = ""


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


@dataclass(frozen=True)
class Verdict:
    """An inspector's judgement of one case: the problem (None when the case passes) and its symptom,
    what a catalogued mistake must share with the student's code to be named (an Outcome, a number,
    anything comparable with `same_symptom`)."""

    problem: Problem | None
    symptom: object = None


# ---------------------------------------------------------------------------------------------
# Seeds of the random hidden cases


def set_grading_secret(secret):
    """Draw every random hidden case from `secret` as well as the check's own seed (None: printed seeds)."""
    global _grading_secret
    _grading_secret = secret


def case_rng(seed):
    """The Generator a check draws its random cases from."""
    return np.random.default_rng(seed if _grading_secret is None else [int(_grading_secret), seed])


def seed_text(seed):
    """How a message names the Generator of `case_rng(seed)`."""
    return f"default_rng({seed})" if _grading_secret is None else "the grader's secret seed"


# ---------------------------------------------------------------------------------------------
# Calling the student's code: call_student is the only place that does


def same_value(a, b):
    """Exact equality of arguments before and after a call (arrays, dicts, lists, scalars; nan == nan).

    A Generator counts as unchanged: drawing from the `rng` it is given is what a function should do.
    """
    if isinstance(a, np.random.Generator) and isinstance(b, np.random.Generator):
        return True
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
    if type(a) is type(b) and type(a).__eq__ is object.__eq__ and hasattr(a, "__dict__") and a is not b:
        # An object without its own equality (a callable f, say) is unchanged when its attributes are.
        return same_value(vars(a), vars(b))
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
    in_notebook = frame.filename.startswith("<") or "ipykernel" in frame.filename
    place = "your code" if in_notebook else Path(frame.filename).name
    text = (frame.line or "").strip()
    return f"line {frame.lineno} of {place}" + (f": {text}" if text else "")


def _global_random_fingerprint():
    state = np.random.get_state(legacy=False)
    return state["state"]["key"].tobytes(), state["state"]["pos"], state["has_gauss"], state["gauss"]


def call_student(fn, case, parameter_names):
    """Call the student's `fn` on deep copies of the case's arguments and record everything that happened.

    Warnings are recorded (NumPy overflow, division by zero and invalid results become warnings for the
    call, as by default, whatever the student set with np.seterr; underflow to 0 stays ignored), text
    written to stderr is captured, NumPy's global random state is restored if the call used it, and the
    copies are compared with the originals afterwards. A student function that lives elsewhere (another
    process) provides `call_student_remotely(case, parameter_names)` with the same result.
    """
    remote = getattr(fn, "call_student_remotely", None)
    if remote is not None:
        return remote(case, parameter_names)
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    outcome = Outcome()
    stderr = io.StringIO()
    numpy_errors = np.errstate(over="warn", divide="warn", invalid="warn", under="ignore")
    global_state = np.random.get_state()
    before = _global_random_fingerprint()
    cpu_start = time.process_time()
    with warnings.catch_warnings(record=True) as caught, numpy_errors:
        warnings.simplefilter("always")
        with contextlib.redirect_stderr(stderr):
            try:
                with limits.enforced(case.budget or limits.call_budget()):
                    value = fn(*args, **kwargs)
                    if case.consume and isinstance(value, Iterator):
                        outcome.lazy = True
                        value = list(itertools.islice(value, MAX_YIELDED_ITEMS))
                    elif case.consume and isinstance(value, list | tuple):
                        value = list(value)
                    if case.steps:
                        shared = copy.deepcopy(case.shared)
                        value = tuple(step.apply(value, shared) for step in case.steps)
                    outcome.value = value
            except limits.TimeLimitExceeded as stopped:
                outcome.timed_out = stopped.kind
                outcome.cpu_seconds, outcome.wall_seconds = stopped.cpu_seconds, stopped.wall_seconds
            except (Exception, SystemExit) as error:  # the student's error is the verdict, not a crash
                outcome.error_type = type(error).__name__
                outcome.error_message = str(error)
                outcome.error_line = _student_line(error)
    outcome.cpu_seconds = time.process_time() - cpu_start
    outcome.used_global_random = _global_random_fingerprint() != before
    np.random.set_state(global_state)
    outcome.warnings = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    outcome.stderr = stderr.getvalue()
    names = list(parameter_names)[: len(case.args)] + list(case.kwargs)
    originals = list(case.args) + list(case.kwargs.values())
    copies = list(args) + list(kwargs.values())
    outcome.mutated = tuple(n for n, b, a in zip(names, originals, copies)
                            if n not in case.updates and not same_value(b, a))
    outcome.updated = {n: a for n, a in zip(names, copies) if n in case.updates}
    outcome.generators_used = tuple(n for n, b, a in zip(names, originals, copies) if isinstance(b, np.random.Generator)
                                    and b.bit_generator.state != a.bit_generator.state)
    return outcome


def call_reference(reference, case, parameter_names):
    """The course's answer for a case: (returned value or step results, {updated argument: value after})."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        value = reference(*args, **kwargs)
        if case.consume:
            value = list(value)
        if case.steps:
            shared = copy.deepcopy(case.shared)
            value = tuple(step.apply(value, shared) for step in case.steps)
    names = list(parameter_names)[: len(case.args)] + list(case.kwargs)
    updated = {n: a for n, a in zip(names, list(args) + list(kwargs.values())) if n in case.updates}
    return value, updated


def _referenced_names(fn):
    """Global names the student's function (and the student's own helper functions it uses) refer to."""
    remote = getattr(fn, "referenced_names", None)
    if remote is not None:
        return set(remote())
    names, seen, pending = set(), set(), [fn]
    while pending:
        function = pending.pop()
        code = getattr(function, "__code__", None)
        if code is None or code in seen:
            continue
        seen.add(code)
        codes = [code]
        while codes:
            current = codes.pop()
            names.update(current.co_names)
            codes += [c for c in current.co_consts if isinstance(c, types.CodeType)]
        namespace = getattr(function, "__globals__", {})
        pending += [namespace[n] for n in code.co_names if isinstance(namespace.get(n), types.FunctionType)
                    and namespace[n].__module__ == function.__module__]
    return names


def student_sibling(fn, name):
    """The student's function called `name`, from the same notebook as `fn`, or None."""
    remote = getattr(fn, "sibling", None)
    if remote is not None:
        return remote(name)
    candidate = getattr(fn, "__globals__", {}).get(name)
    return candidate if callable(candidate) else None


# ---------------------------------------------------------------------------------------------
# Judging results


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


def _holds_float32(value):
    if isinstance(value, np.ndarray | np.floating):
        return value.dtype == np.float32
    if isinstance(value, Mapping):
        return any(_holds_float32(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_float32(v) for v in value)
    return False


def tolerance_for(case):
    """The case's tolerance; float32 arguments (also inside dicts and tuples) get the looser float32 one."""
    float32 = _holds_float32(case.args) or _holds_float32(case.kwargs)
    base = FLOAT32_TOLERANCE if float32 else FLOAT64_TOLERANCE
    return {"rtol": case.rtol if case.rtol is not None else base["rtol"],
            "atol": case.atol if case.atol is not None else base["atol"]}


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


def _judge_value(outcome, expected, expected_updates, case):
    tolerance = tolerance_for(case)
    problem = behaviour_problem(outcome)
    if problem is not None:
        return problem
    for name, want in expected_updates.items():
        problem = compare(outcome.updated[name], want, path=name, **tolerance)
        if problem is not None:
            return problem
    if case.updates:
        return None
    return compare(outcome.value, expected, **tolerance)


def by_value(reference, parameter_names=None):
    """The inspector of checks that compare with the reference: it calls both on copies of the case.

    Behaviour first (errors, warnings, in-place changes), then the updated arguments (for a case with
    `updates`) or the result, part by part. The symptom is the whole Outcome, so that a mistake is named
    only when it behaves exactly like the student's code.
    """
    names = list(parameter_names or inspection.signature(reference).parameters)

    def inspect(fn, case):
        expected, expected_updates = call_reference(reference, case, names)
        outcome = call_student(fn, case, names)
        problem = _judge_value(outcome, expected, expected_updates, case)
        if problem is not None and case.updates and problem.kind == "value":
            problem = _not_updated(problem, outcome, case, names) or problem
        return Verdict(problem, outcome)

    inspect.parameter_names = names
    return inspect


def _not_updated(problem, outcome, case, names):
    """A clearer Problem when an argument that should have been updated in place still holds its old values."""
    originals = dict(zip(names, case.args)) | case.kwargs
    stale = [n for n in case.updates if same_value(outcome.updated[n], originals[n])]
    if not stale:
        return None
    returned = " (the function returned None)" if outcome.value is None else ""
    return Problem("not_updated", problem.lines + (f"`{stale[0]}` still holds the values it had before the "
                                                   f"call{returned}",),
                   f"the exercise updates the caller's `{stale[0]}` in place: change its arrays, or store new "
                   "arrays under its keys. A new dict made inside the function is lost when it returns.")


# ---------------------------------------------------------------------------------------------
# The engine every check runs on


_NOTEBOOK_OF = {}
_checking_dependency = set()


def require_function(fn, function_name):
    """Fail clearly when the student's name is not bound to a function."""
    if not callable(fn):
        raise CheckFailed(failure_message(
            function_name, "its definition", Problem("not_function", (f"{function_name} is {describe(fn)}",)),
            note=f"{function_name} should be a function: run the cell that defines it, and keep its name."))


def _hint_applies(case, problem):
    # A property check's own case type may have no hint at all.
    hint, where = getattr(case, "hint", ""), getattr(case, "hint_where", None)
    if not hint or problem.kind not in ("value", "nonfinite"):
        return False
    if where is None:
        return True
    return problem.differs is not None and np.shape(problem.differs) == np.shape(where) and bool(
        np.all(np.asarray(where)[np.asarray(problem.differs)]))


def _failing_dependency(fn, function_name):
    """((name, its failure message), ...) for every graded function of the same notebook that the
    student's `fn` calls and that fails its own visible check; empty when there is none."""
    notebook = _NOTEBOOK_OF.get(function_name)
    if notebook is None or function_name in _checking_dependency:
        return ()
    candidates = sorted((_referenced_names(fn) & set(notebook.checks)) - {function_name} - _checking_dependency)
    failing = []
    for name in candidates:
        sibling = student_sibling(fn, name)
        if sibling is None or sibling is fn:
            continue
        _checking_dependency.add(function_name)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                notebook.checks[name](sibling)
        except CheckFailed as failure:
            failing.append((name, str(failure)))
        finally:
            _checking_dependency.discard(function_name)
    return tuple(failing)


# Problems that a function's own code causes whatever the functions it calls return: they are judged
# (and a known mistake named) even when one of those functions fails its own check.
OWN_PROBLEMS = ("not_implemented", "mutated", "global_random", "stderr", "reference")


def _dependency_note(function_name, failing, own_problem=False):
    """What to say about the student's failing functions that `function_name` calls: fix them first (its
    own result may well be right), or, after a problem of its own (`own_problem`), fix them too."""
    names = [name for name, _ in failing]
    one = len(names) == 1
    listed = names[0] if one else ", ".join(names[:-1]) + " and " + names[-1]
    failures = "; ".join(failure.splitlines()[0].rstrip(":") for _, failure in failing)
    state = (f"{'does' if one else 'do'} not pass {'its' if one else 'their'} own check{'' if one else 's'} yet "
             f"({failures})")
    them = "it" if one else "them"
    if own_problem:
        return f"{function_name} also calls your {listed}, which {state}: fix {them} too."
    return (f"{function_name} calls your {listed}, which {state}. Fix {them} first: {function_name} itself may "
            "well be right.")


# While a student works, each function is judged once per version: the verdicts of checks run in this
# process, with the objects that made them (so that none of their ids can be reused). See check_with.
_verdicts = {}


def _verdict_key(fn, function_name, cases, inspect, mistakes):
    """(key, objects) under which a verdict on `fn` may be kept, or None: the check's data, the function,
    and every global its code (and its own helpers' code) reads, each object by identity. A function
    in the grader's worker is never judged from memory."""
    namespace = getattr(fn, "__globals__", None)
    if namespace is None or getattr(fn, "call_student_remotely", None) is not None:
        return None
    try:
        data = pickle.dumps((function_name, cases, [m.name for m in mistakes or ()]), protocol=5)
    except Exception:  # a check whose cases do not pickle is simply run every time
        return None
    names = sorted(_referenced_names(fn))
    inspector = getattr(inspect, "__qualname__", type(inspect).__qualname__)
    key = (hashlib.sha256(data).hexdigest(), inspector, tuple(names))
    return key, (fn, *(namespace.get(name) for name in names))


def check_with(fn, function_name, cases: Sequence[Case], inspect, mistakes=None, parameter_names=None, hint=""):
    """`judge` the function on the cases, or give the verdict it got before when neither the function,
    nor any global it reads, nor the check's cases changed since (the same message, or the same line)."""
    if mistakes is None:
        mistakes = catalogued_mistakes(function_name)
    keyed = _verdict_key(fn, function_name, cases, inspect, mistakes)
    if keyed is not None:
        key, objects = keyed
        kept = _verdicts.get(key)
        if kept is not None and len(kept[0]) == len(objects) and all(a is b for a, b in zip(kept[0], objects)):
            failure, printed = kept[1]
            if failure is not None:
                raise copy.copy(failure)
            print(printed, end="")
            return
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            judge(fn, function_name, cases, inspect, mistakes, parameter_names, hint)
    except CheckFailed as failure:
        if keyed is not None:
            _verdicts[key] = (objects, (failure, ""))
        raise
    finally:
        print(output.getvalue(), end="")
    if keyed is not None:
        _verdicts[key] = (objects, (None, output.getvalue()))


def judge(fn, function_name, cases: Sequence[Case], inspect, mistakes=None, parameter_names=None, hint=""):
    """Run `inspect(fn, case)` on every case; raise CheckFailed at the first case that fails.

    On a failure: if the student's function calls another graded function of theirs that fails its own
    check, the message says so and names no mistake; otherwise the first catalogued mistake whose
    inspection fails the same case with the same kind of problem and the same symptom, and passes every
    case the student passed, is named; otherwise the case's hint (if it applies), the check's `hint` (for
    a wrong value), or the problem's own cause. A case needs only a `label` (or args); `hint` and
    `hint_where` are read when it has them.
    On success one line is printed (stdout) saying how many cases passed. `mistakes` defaults to the
    catalogue of the notebook that declares `function_name`.
    """
    require_function(fn, function_name)
    if mistakes is None:
        mistakes = catalogued_mistakes(function_name)
    names = parameter_names or getattr(inspect, "parameter_names", [])
    passed = []
    for case in cases:
        verdict = inspect(fn, case)
        if verdict.problem is None:
            passed.append(case)
            continue
        case_text = describe_case(case, names)
        blamed = _failing_dependency(fn, function_name)
        if blamed and verdict.problem.kind not in OWN_PROBLEMS:
            raise CheckFailed(failure_message(function_name, case_text, verdict.problem,
                                              note=_dependency_note(function_name, blamed)),
                              kind="helper", case=case_text)
        mistake = _known_mistake(verdict, case, inspect, mistakes, passed)
        problem = verdict.problem
        if mistake is None and _hint_applies(case, problem):
            problem = replace(problem, cause=getattr(case, "hint", ""))
        elif mistake is None and hint and problem.kind in ("value", "nonfinite"):
            problem = replace(problem, cause=hint)
        raise CheckFailed(failure_message(function_name, case_text, problem, mistake,
                                          after=_dependency_note(function_name, blamed, True) if blamed else None),
                          kind="mistake" if mistake else "blank" if problem.kind == "not_implemented" else "other",
                          case=case_text,
                          mistake_id=None if mistake is None else mistake_id(function_name, mistake),
                          mistake_title=None if mistake is None else mistake.name)
    print(f"✓ {function_name}: {len(cases)} case{'' if len(cases) == 1 else 's'} passed")


def mistake_id(function_name, mistake):
    """A catalogued mistake's stable id: the graded function and its name, e.g. "relu:abs-instead-of-max"."""
    return f"{function_name}:" + "-".join("".join(c if c.isalnum() else " " for c in mistake.name.lower()).split())


def catalogued_mistakes(function_name):
    """The known mistakes of a graded function, from its notebook's catalogue."""
    notebook = _NOTEBOOK_OF.get(function_name)
    return notebook.exercise(function_name).mistakes if notebook is not None else ()


def _known_mistake(verdict, case, inspect, mistakes, passed):
    for mistake in mistakes:
        theirs = inspect(mistake.fn, case)
        if (theirs.problem is not None and theirs.problem.kind == verdict.problem.kind
                and same_symptom(verdict.symptom, theirs.symptom)
                and all(inspect(mistake.fn, earlier).problem is None for earlier in passed)):
            return mistake
    return None


def check_cases(fn, function_name, reference, cases: Sequence[Case], mistakes=None, hint=""):
    """Compare `fn` with `reference` on every case (see `by_value` and `check_with`)."""
    check_with(fn, function_name, cases, by_value(reference), mistakes, hint=hint)


# ---------------------------------------------------------------------------------------------
# Notebooks: each declares its exercises once


@dataclass(frozen=True)
class Exercise:
    """A graded function: its check, the course's reference, and its catalogue of known mistakes and
    correct alternatives (written differently from the reference, all of which must pass)."""

    name: str
    check: Callable
    reference: Callable
    mistakes: tuple = ()
    alternatives: tuple = ()


class Notebook:
    """The exercises of one notebook, in order. `checks` maps each graded name to its check.

    catalogue: the notebook's module in `autograde_tests.mistakes`, with MISTAKES and ALTERNATIVES dicts
    keyed by function name.
    """

    def __init__(self, notebook_id, exercises, catalogue):
        self.notebook_id = notebook_id
        self.exercises = tuple(
            Exercise(name, check, reference, tuple(catalogue.MISTAKES.get(name, ())),
                     tuple(catalogue.ALTERNATIVES.get(name, ())))
            for name, check, reference in exercises)
        self.checks = {e.name: e.check for e in self.exercises}
        self._by_name = {e.name: e for e in self.exercises}
        for exercise in self.exercises:
            _NOTEBOOK_OF[exercise.name] = self

    def exercise(self, name):
        return self._by_name[name]


# ---------------------------------------------------------------------------------------------
# For notebooks


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
