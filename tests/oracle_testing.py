"""What the PyTorch oracle modules share: a case returns (function, what, course_lib's array, torch's)
comparisons; every one must agree within TOLERANCE, and the largest error per function is reported."""

import numpy as np

from course_lib.gradcheck import relative_error

TOLERANCE = 1e-7


def assert_agrees(comparisons):
    assert comparisons, "a case compared nothing"
    for function, what, ours, theirs in comparisons:
        assert np.shape(ours) == np.shape(theirs), f"{function} {what}: shape {np.shape(ours)} vs {np.shape(theirs)}"
        error = relative_error(ours, theirs)
        assert error < TOLERANCE, f"{function} {what}: relative error {error:.2e} against torch"


def report_largest_errors(all_comparisons, functions, title, capsys):
    """Print the largest relative error per function over every comparison; every function is covered."""
    largest = {}
    for function, _, ours, theirs in all_comparisons:
        largest[function] = max(largest.get(function, 0.0), relative_error(ours, theirs))
    assert set(largest) == set(functions)
    with capsys.disabled():
        print(f"\nlargest relative error against torch, per function ({title}):")
        for function in sorted(largest):
            print(f"  {function:<28}{largest[function]:.2e}")
    assert max(largest.values()) < TOLERANCE
