"""Checks for notebook 00 (welcome): the ungraded practice exercise `celsius_to_fahrenheit`.

The exercise exists to show how exercises, test cells and failure messages work, so its check is built
with the same machinery as every graded check (`autograde_tests.core.Exercise`)."""

import numpy as np

from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook

SEED = 0

FORMULA_HINT = "the formula is F = C × 9/5 + 32: multiply first, then add 32."


def celsius_to_fahrenheit(c):
    """The course's reference: degrees Celsius to degrees Fahrenheit, elementwise.

    c: a number or an array of any shape. Returns the same shape (a float for a number).
    """
    return c * 9 / 5 + 32


def _celsius_to_fahrenheit_cases(hidden):
    """celsius_to_fahrenheit converts numbers and arrays of any shape, leaving its argument untouched."""
    cases = [
        Case((100.0,), hint=FORMULA_HINT),
        Case((np.array([-40.0, 0.0, 37.0, 100.0]),), hint=FORMULA_HINT),
    ]
    if hidden:
        temperatures = case_rng(SEED).uniform(-30.0, 45.0, size=(3, 4))
        cases += [
            Case((0,), hint="an int argument works the same way as a float."),
            Case((temperatures,), label=f"c = uniform(-30, 45) of shape (3, 4) from {seed_text(SEED)}",
                 hint="every entry is converted: the result has the shape of c."),
            Case((temperatures.astype(np.float32),), label="the same c as float32"),
            Case((np.array([-17, 0, 21, 37]),), hint="an int array works too: use / (true division), not //."),
        ]
    return cases


CELSIUS_TO_FAHRENHEIT = Exercise("celsius_to_fahrenheit", celsius_to_fahrenheit, _celsius_to_fahrenheit_cases)
check_celsius_to_fahrenheit = CELSIUS_TO_FAHRENHEIT.check


# ---------------------------------------------------------------------------------------------
# celsius_to_fahrenheit: known mistakes, the more specific first


CELSIUS_TO_FAHRENHEIT.mistake("fraction upside down", "Fahrenheit degrees are smaller than Celsius degrees, so the "
                              "factor is 9 / 5 = 1.8, not 5 / 9.")(lambda c: c * 5 / 9 + 32)

CELSIUS_TO_FAHRENHEIT.mistake("offset forgotten", "water freezes at 0 °C = 32 °F: after scaling, add 32.")(
    lambda c: c * 9 / 5)

CELSIUS_TO_FAHRENHEIT.mistake("offset added before scaling", "this adds 32 before multiplying by 9 / 5; the formula "
                              "scales first, then adds 32.")(lambda c: (c + 32) * 9 / 5)

CELSIUS_TO_FAHRENHEIT.mistake("converts the other way", "subtracting 32 and multiplying by 5 / 9 turns Fahrenheit "
                              "into Celsius; this exercise goes from Celsius to Fahrenheit.")(
    lambda c: (c - 32) * 5 / 9)


@CELSIUS_TO_FAHRENHEIT.mistake("changes c in place", "*= and += on c write into the caller's array, so their data is "
                               "gone after the call: compute the result as a new value.")
def _in_place(c):
    c *= 9 / 5
    c += 32
    return c


CELSIUS_TO_FAHRENHEIT.mistake("floor division", "// rounds down to a whole number (37 * 9 // 5 is 66, not 66.6): use "
                              "/.")(lambda c: c * 9 // 5 + 32)


@CELSIUS_TO_FAHRENHEIT.mistake("no return", "the function computes the value but never returns it, so the caller gets "
                               "None: a function hands its result back with a return statement.")
def _no_return(c):
    fahrenheit = c * 9 / 5 + 32  # noqa: F841 -- the mistake is exactly that this is never returned


CELSIUS_TO_FAHRENHEIT.alternative(lambda c: c * 1.8 + 32)
CELSIUS_TO_FAHRENHEIT.alternative(lambda c: 32 + 9 * c / 5)
CELSIUS_TO_FAHRENHEIT.alternative(lambda c: np.add(np.multiply(c, 9 / 5), 32))
CELSIUS_TO_FAHRENHEIT.alternative(lambda c: np.asarray(c, dtype=float) * 9 / 5 + 32)


NOTEBOOK = Notebook("00_welcome", [CELSIUS_TO_FAHRENHEIT])
CHECKS = NOTEBOOK.checks
