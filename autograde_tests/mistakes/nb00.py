"""Known mistakes for notebook 00 (the practice exercise), keyed by function name."""

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
        Mistake("offset added before scaling", "(c + 32) * 9 / 5 adds 32 first; the formula scales first, "
                "then adds: c * 9 / 5 + 32.", _offset_added_first),
        Mistake("converts the other way", "(c - 32) * 5 / 9 turns Fahrenheit into Celsius; this exercise "
                "goes from Celsius to Fahrenheit.", _inverse_conversion),
        Mistake("changes c in place", "c *= ... and c += ... write into the caller's array, so their data "
                "is gone after the call. Build a new value: return c * 9 / 5 + 32.", _in_place),
        Mistake("floor division", "// rounds down to a whole number (37 * 9 // 5 is 66, not 66.6): use /.",
                _floor_division),
        Mistake("no return", "the function computes the value but never returns it, so the caller gets "
                "None: end with `return ...`.", _no_return),
    ],
}
