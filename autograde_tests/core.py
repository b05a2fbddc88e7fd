"""The engine every check runs on: an `Exercise` declares one graded function once, and its check walks
the cases, asks an inspector for a `Verdict` on each, and explains the first failure.

A failure message gives, in this order: the case, what came back, what was expected, and the likely
cause; when the student's code behaves like one of the exercise's catalogued mistakes, the message names
that mistake, and when it fails because another graded function of the student's that it calls is wrong,
it says that instead. The jobs around the engine live in their own modules: `cases` (what a check calls a
function on, seeds, tolerances), `calling` (the one place a student's function is called), `judging`
(comparing results, behaviour problems, symptoms) and `messages` (the text). `properties` holds what
checks of random and training functions share.

Nothing here writes to stderr, leaves warnings filters or NumPy error settings changed, or returns a
value for a notebook cell to display: nbgrader gives a grade cell 0 for any stderr output and full
credit for some displayed values.
"""

import contextlib
import copy
import hashlib
import inspect as inspection
import io
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from autograde_tests.calling import call_reference, call_student, referenced_names, same_value, student_sibling
from autograde_tests.cases import tolerance_for
from autograde_tests.judging import Problem, behaviour_problem, compare, named_parts, named_result, same_symptom
from autograde_tests.messages import describe, describe_case, failure_message


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
class Mistake:
    """A realistic wrong implementation, named and explained, that checks recognise by its behaviour."""

    name: str
    explanation: str
    fn: Callable


@dataclass(frozen=True)
class Verdict:
    """An inspector's judgement of one case: the problem (None when the case passes) and its symptom,
    what a catalogued mistake must share with the student's code to be named (an Outcome, a number,
    anything comparable with `same_symptom`)."""

    problem: Problem | None
    symptom: object = None


# ---------------------------------------------------------------------------------------------
# Judging by value: the inspector of checks that compare with the reference


def by_value(reference, parameter_names=None):
    """The inspector that calls the reference and the student's function on copies of each case.

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
# Exercises and notebooks: each graded function is declared once


class Exercise:
    """One graded function: everything its check, the self-check, the grader and the grader's own tests
    read about it.

    name: the graded name; reference: the course's answer; cases: `cases(hidden)` gives the cases to
    check (`hidden=True` adds the thorough ones the autograder runs); hint: the likely cause of a wrong
    value that neither a case's hint nor a known mistake explains; inspect: how one case is judged (by
    default `by_value` against the reference, whose tuple parts or dict result take the names
    `result_names` gives: a tuple of part names, or the dict's name); parameter_names: when the
    inspector cannot read them from the reference; summary: what the check proves (default: the docstring
    of `cases`).
    Mistakes and correct alternatives are added right beside their code with the `mistake` and
    `alternative` decorators, in the order a check tries them: where two mistakes could look alike, the
    more specific one comes first. `check` is the function grade cells call, named `check_<name>`.
    """

    def __init__(self, name, reference, cases, *, hint="", inspect=None, result_names=None, parameter_names=None,
                 summary=""):
        self.name, self.reference, self.cases, self.hint = name, reference, cases, hint
        judged = (named_parts(reference, result_names) if isinstance(result_names, tuple)
                  else named_result(reference, result_names) if result_names else reference)
        self.inspect = inspect or by_value(judged, parameter_names)
        self.parameter_names = parameter_names or getattr(self.inspect, "parameter_names", [])
        self.mistakes, self.alternatives = [], []
        self.notebook = None

        def check(fn, hidden=False):
            self.judge(fn, self.cases(hidden))

        check.__name__ = check.__qualname__ = f"check_{name}"
        check.__doc__ = summary or cases.__doc__
        self.check = check

    def mistake(self, name, explanation):
        """Decorator: the function below is a catalogued mistake with this name and explanation."""

        def add(fn):
            self.mistakes.append(Mistake(name, explanation, fn))
            return fn

        return add

    def alternative(self, fn):
        """Decorator: the function below is a correct answer written differently, which must pass."""
        self.alternatives.append(fn)
        return fn

    def judge(self, fn, cases: Sequence):
        """This exercise's check on the given cases (or its earlier verdict: see `_remembered`)."""
        _remembered(fn, self, list(cases))


class Notebook:
    """The exercises of one notebook, in order; `checks` maps each graded name to its check."""

    def __init__(self, notebook_id, exercises):
        self.notebook_id = notebook_id
        self.exercises = tuple(exercises)
        self.checks = {e.name: e.check for e in self.exercises}
        self._by_name = {e.name: e for e in self.exercises}
        for exercise in self.exercises:
            exercise.notebook = self
            exercise.check.__module__ = f"autograde_tests.nb{notebook_id[:2]}"

    def exercise(self, name):
        return self._by_name[name]


# ---------------------------------------------------------------------------------------------
# The engine


# While a student works, each function is judged once per version: the verdicts of checks run in this
# process, with the objects that made them (so that none of their ids can be reused).
_verdicts = {}


def _verdict_key(fn, exercise, cases):
    """(key, objects) under which a verdict on `fn` may be kept, or None: the check's data, the function,
    and every global its code (and its own helpers' code) reads, each object by identity. A function
    in the grader's worker is never judged from memory."""
    namespace = getattr(fn, "__globals__", None)
    if namespace is None or getattr(fn, "call_student_remotely", None) is not None:
        return None
    try:
        data = pickle.dumps((exercise.name, cases, [m.name for m in exercise.mistakes]), protocol=5)
    except Exception:  # a check whose cases do not pickle is simply run every time
        return None
    names = sorted(referenced_names(fn))
    inspector = getattr(exercise.inspect, "__qualname__", type(exercise.inspect).__qualname__)
    key = (hashlib.sha256(data).hexdigest(), inspector, tuple(names))
    return key, (fn, *(namespace.get(name) for name in names))


def _remembered(fn, exercise, cases):
    """`_judge` the function on the cases, or give the verdict it got before when neither the function,
    nor any global it reads, nor the check's cases changed since (the same message, or the same line)."""
    keyed = _verdict_key(fn, exercise, cases)
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
            _judge(fn, exercise, cases)
    except CheckFailed as failure:
        if keyed is not None:
            _verdicts[key] = (objects, (failure, ""))
        raise
    finally:
        print(output.getvalue(), end="")
    if keyed is not None:
        _verdicts[key] = (objects, (None, output.getvalue()))


def _judge(fn, exercise, cases):
    """Inspect every case; raise CheckFailed at the first that fails.

    On a failure: if the student's function calls another graded function of theirs that fails its own
    check, the message says so and names no mistake (unless the problem is the function's own, such as
    changing its argument); otherwise the first catalogued mistake whose inspection fails the same case
    with the same kind of problem and the same symptom, and passes every case the student passed, is
    named; otherwise the case's hint (if it applies), the exercise's hint (for a wrong value), or the
    problem's own cause. On success one line is printed (stdout) saying how many cases passed.
    """
    name = exercise.name
    require_function(fn, name)
    passed = []
    for case in cases:
        verdict = exercise.inspect(fn, case)
        if verdict.problem is None:
            passed.append(case)
            continue
        case_text = describe_case(case, exercise.parameter_names)
        blamed = _failing_helpers(fn, exercise)
        if blamed and verdict.problem.kind not in OWN_PROBLEMS:
            raise CheckFailed(failure_message(name, case_text, verdict.problem, note=_helpers_note(name, blamed)),
                              kind="helper", case=case_text)
        mistake = _known_mistake(verdict, case, exercise, passed)
        problem = verdict.problem
        if mistake is None and _hint_applies(case, problem):
            problem = replace(problem, cause=case.hint)
        elif mistake is None and exercise.hint and problem.kind in ("value", "nonfinite"):
            problem = replace(problem, cause=exercise.hint)
        raise CheckFailed(failure_message(name, case_text, problem, mistake,
                                          after=_helpers_note(name, blamed, True) if blamed else None),
                          kind="mistake" if mistake else "blank" if problem.kind == "not_implemented" else "other",
                          case=case_text,
                          mistake_id=None if mistake is None else mistake_id(name, mistake),
                          mistake_title=None if mistake is None else mistake.name)
    print(f"✓ {name}: {len(cases)} case{'' if len(cases) == 1 else 's'} passed")


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


def _known_mistake(verdict, case, exercise, passed):
    for mistake in exercise.mistakes:
        theirs = exercise.inspect(mistake.fn, case)
        if (theirs.problem is not None and theirs.problem.kind == verdict.problem.kind
                and same_symptom(verdict.symptom, theirs.symptom)
                and all(exercise.inspect(mistake.fn, earlier).problem is None for earlier in passed)):
            return mistake
    return None


def mistake_id(function_name, mistake):
    """A catalogued mistake's stable id: the graded function and its name, e.g. "relu:abs-instead-of-max"."""
    return f"{function_name}:" + "-".join("".join(c if c.isalnum() else " " for c in mistake.name.lower()).split())


# Problems that a function's own code causes whatever the functions it calls return: they are judged
# (and a known mistake named) even when one of those functions fails its own check.
OWN_PROBLEMS = ("not_implemented", "mutated", "global_random", "stderr", "reference")
_checking_helpers_of = set()


def _failing_helpers(fn, exercise):
    """((name, its failure message), ...) for every graded function of the same notebook that the
    student's `fn` calls and that fails its own visible check; empty when there is none."""
    notebook, name = exercise.notebook, exercise.name
    if notebook is None or name in _checking_helpers_of:
        return ()
    candidates = sorted((referenced_names(fn) & set(notebook.checks)) - {name} - _checking_helpers_of)
    failing = []
    for helper in candidates:
        sibling = student_sibling(fn, helper)
        if sibling is None or sibling is fn:
            continue
        _checking_helpers_of.add(name)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                notebook.checks[helper](sibling)
        except CheckFailed as failure:
            failing.append((helper, str(failure)))
        finally:
            _checking_helpers_of.discard(name)
    return tuple(failing)


def _helpers_note(function_name, failing, own_problem=False):
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
            print(f"✗ {name}\n" + "\n".join("    " + line for line in str(failure).splitlines()) + "\n")
        else:
            passed += 1
            print(f"✓ {name}")
    print(f"\n{passed} of {len(checks)} functions pass every check, hidden ones included.")


def passing_or_reference(fn, check, reference):
    """`fn` when it passes `check`, else `reference` (with a note), so plots and widgets always work."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(fn)
    except CheckFailed:
        print(f"(Your {reference.__name__} does not pass its check yet, so this uses the course's reference.)")
        return reference
    return fn
