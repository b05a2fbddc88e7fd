"""The data a check is made of: the cases it calls a function on, the seeds of its random cases, and
the tolerances numbers are compared with."""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from autograde_tests import limits

# Tolerances used unless a case says otherwise; float32 cases use FLOAT32_TOLERANCE. Every check of
# the course compares numbers with these.
FLOAT64_TOLERANCE = {"rtol": 1e-6, "atol": 1e-9}
FLOAT32_TOLERANCE = {"rtol": 1e-4, "atol": 1e-6}

# Set by a grader (never by a notebook) so that the random hidden cases are drawn from a seed students
# have never seen; None means the seeds printed in the messages.
_grading_secret = None


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

