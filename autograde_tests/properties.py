"""What checks of random and training functions share, declared once: the behaviour verdict every
inspector starts with, and the rules for randomness (draw from the `rng` argument; the same seed gives the
same result, another seed another one). NumPy's global random state, in-place changes, generators and
time limits are judged for every call by `calling.call_student` and `judging.behaviour_problem`.

A case of such a check has a `seed` and a `call(seed)` that gives the `cases.Case` calling the function
with `np.random.default_rng(seed)` as its Generator.
"""

from autograde_tests.calling import call_student, same_value
from autograde_tests.core import Verdict
from autograde_tests.judging import Problem, behaviour_problem


def behaviour_symptom(outcome):
    """What a catalogued mistake must share with the student's call when the call itself misbehaved."""
    return outcome.error_type, frozenset(outcome.warnings), outcome.used_global_random, outcome.mutated


def behaviour_verdict(outcome):
    """The Verdict on a call that misbehaved (error, warning, global random state, ...), else None."""
    problem = behaviour_problem(outcome)
    return None if problem is None else Verdict(problem, behaviour_symptom(outcome))


def rng_unused(outcome, what, rng="rng", cause=""):
    """The Verdict when the call drew nothing from its Generator argument `rng`, else None."""
    if rng in outcome.generators_used:
        return None
    return Verdict(Problem("rng_unused", (f"got      {rng}'s state unchanged: nothing was drawn from it",
                                          f"expected {what} drawn from {rng}"),
                           cause or f"draw {what} from the {rng} argument, not from a Generator made inside the "
                           "function or from np.random."), "rng_unused")


def reproducibility(fn, case, parameter_names, fingerprint, first, what, *, other_seed=True, causes=None):
    """The Verdict when calling `fn` again with the case's seed does not give the same result, or (with
    `other_seed`) the next seed gives the same one; None when both hold.

    fingerprint(value) gives what is compared (arrays, lists; None when the value cannot be read);
    first: the fingerprint of the first call's result; what: how messages name it ("W", "the order").
    causes: {"not_reproducible": ..., "same_for_every_seed": ...} to replace the standard causes.
    """
    causes = {"not_reproducible": "take every random number from rng, and nothing from elsewhere (the clock, "
                                  "np.random, a new Generator).",
              "same_for_every_seed": f"{what} must come from rng's draws, so that another seed gives another "
                                     "result."} | (causes or {})
    seeds = ((case.seed, True), (case.seed + 1, False)) if other_seed else ((case.seed, True),)
    for seed, same in seeds:
        other = call_student(fn, case.call(seed), parameter_names)
        verdict = behaviour_verdict(other)
        if verdict is not None:
            return verdict
        again = fingerprint(other.value)
        if (again is not None and first is not None and same_value(again, first)) == same:
            continue
        if same:
            lines = (f"got      different {what} from two calls, each with a new np.random.default_rng({seed})",
                     f"expected the same {what} for the same seed")
            kind = "not_reproducible"
        else:
            lines = (f"got      the same {what} from np.random.default_rng({case.seed}) and "
                     f"np.random.default_rng({seed})", f"expected different {what} for different seeds")
            kind = "same_for_every_seed"
        return Verdict(Problem(kind, lines, causes[kind]), kind)
    return None

