"""Calling a student's function: `call_student` is the one place that does, and what it observed is
an `Outcome`, plain data, so that grading can make the call in another process."""

import contextlib
import copy
import io
import itertools
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograde_tests import limits

# A generator is read to at most this many items: one that never ends must not hang the check.
MAX_YIELDED_ITEMS = 10_000

_PACKAGE_DIR = str(Path(__file__).resolve().parent)


@dataclass
class Outcome:
    """Everything observed while calling a function once: plain data, whichever process made the call.

    updated: the arguments named in the case's `updates`, as they were after the call.
    generators_used: the Generator arguments the call drew from.
    called_reference: set by the grader's worker when the call ran the course's own reference of the
        function being graded (its name), which earns nothing.
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
    called_reference: str = ""




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


def referenced_names(fn):
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

