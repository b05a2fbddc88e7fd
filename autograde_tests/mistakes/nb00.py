"""Known mistakes and accepted alternatives for notebook 00 (the practice exercise), keyed by function name."""

import numpy as np

from autograde_tests.core import Mistake


def _fraction_upside_down(c):
    return c * 5 / 9 + 32


def _offset_forgotten(c):
    return c * 9 / 5


def _offset_added_first(c):
    return (c + 32) * 9 / 5


def _inverse_conversion(c):
    return (c - 32) * 5 / 9


def _in_place(c):
    c *= 9 / 5
    c += 32
    return c


def _floor_division(c):
    return c * 9 // 5 + 32


def _no_return(c):
    fahrenheit = c * 9 / 5 + 32  # noqa: F841 -- the mistake is exactly that this is never returned


MISTAKES = {
    "celsius_to_fahrenheit": [
        Mistake("fraction upside down", "Fahrenheit degrees are smaller than Celsius degrees, so the "
                "factor is 9 / 5 = 1.8, not 5 / 9.", _fraction_upside_down),
        Mistake("offset forgotten", "water freezes at 0 °C = 32 °F: after scaling, add 32.", _offset_forgotten),
        Mistake("offset added before scaling", "this adds 32 before multiplying by 9 / 5; the formula scales "
                "first, then adds 32.", _offset_added_first),
        Mistake("converts the other way", "subtracting 32 and multiplying by 5 / 9 turns Fahrenheit into "
                "Celsius; this exercise goes from Celsius to Fahrenheit.", _inverse_conversion),
        Mistake("changes c in place", "*= and += on c write into the caller's array, so their data is gone "
                "after the call: compute the result as a new value.", _in_place),
        Mistake("floor division", "// rounds down to a whole number (37 * 9 // 5 is 66, not 66.6): use /.",
                _floor_division),
        Mistake("no return", "the function computes the value but never returns it, so the caller gets "
                "None: a function hands its result back with a return statement.", _no_return),
    ],
}

ALTERNATIVES = {
    "celsius_to_fahrenheit": [
        lambda c: c * 1.8 + 32,
        lambda c: 32 + 9 * c / 5,
        lambda c: np.add(np.multiply(c, 9 / 5), 32),
        lambda c: np.asarray(c, dtype=float) * 9 / 5 + 32,
    ],
}
