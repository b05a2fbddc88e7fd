"""Checks for notebook 00 (welcome): the ungraded practice exercise `celsius_to_fahrenheit`.

The exercise exists to show how exercises, test cells and failure messages work, so its checks are built
with the same machinery as every graded check (`autograde_tests.core.check_cases`).
"""

import numpy as np

from autograde_tests.core import Case, Notebook, case_rng, check_cases, seed_text
from autograde_tests.mistakes import nb00 as catalogue

SEED = 0

FORMULA_HINT = "the formula is F = C × 9/5 + 32: multiply first, then add 32."


def celsius_to_fahrenheit(c):
    """The course's reference: degrees Celsius to degrees Fahrenheit, elementwise.

    c: a number or an array of any shape. Returns the same shape (a float for a number).
    """
    return c * 9 / 5 + 32


def _visible_cases():
    return [
        Case((100.0,), hint=FORMULA_HINT),
        Case((np.array([-40.0, 0.0, 37.0, 100.0]),), hint=FORMULA_HINT),
    ]


def _hidden_cases():
    rng = case_rng(SEED)
    temperatures = rng.uniform(-30.0, 45.0, size=(3, 4))
    return [
        Case((0,), hint="an int argument works the same way as a float."),
        Case((temperatures,), label=f"c = uniform(-30, 45) of shape (3, 4) from {seed_text(SEED)}",
             hint="every entry is converted: the result has the shape of c."),
        Case((temperatures.astype(np.float32),), label="the same c as float32"),
        Case((np.array([-17, 0, 21, 37]),), hint="an int array works too: use / (true division), not //."),
    ]


def check_celsius_to_fahrenheit(fn, hidden=False):
    """celsius_to_fahrenheit converts numbers and arrays of any shape, leaving its argument untouched."""
    cases = _visible_cases()
    if hidden:
        cases += _hidden_cases()
    check_cases(fn, "celsius_to_fahrenheit", celsius_to_fahrenheit, cases)


NOTEBOOK = Notebook("00_welcome", [
    ("celsius_to_fahrenheit", check_celsius_to_fahrenheit, celsius_to_fahrenheit),
], catalogue)
CHECKS = NOTEBOOK.checks
