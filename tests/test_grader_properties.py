"""Properties the grader states, checked on inputs hypothesis draws rather than on chosen examples.

The engine: a result equal to the reference's passes whatever its shape and float dtype, a result of the
wrong kind (a list, booleans, another shape) is refused with the reason, and one entry changed beyond the
tolerance is caught and located. The exercises: a check passes its reference on any batch size and float
dtype, elementwise references work entry by entry, and batch references treat each row on its own, so a
student's function that mixes rows is caught.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograde_tests import nb02, nb03, nb04, nb05
from autograde_tests.cases import FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, Case
from autograde_tests.judging import compare
from tests.grader_testing import assert_fails, assert_passes
from tests.strategies import FAST, FLOAT_DTYPES, batches, float_arrays

TOLERANCE = {np.float32: FLOAT32_TOLERANCE, np.float64: FLOAT64_TOLERANCE}


def _arrays_and_dtype():
    return FLOAT_DTYPES.flatmap(lambda dtype: st.tuples(float_arrays(dtype), st.just(dtype)))


# ---------------------------------------------------------------------------------------------
# compare


@FAST
@given(_arrays_and_dtype())
def test_a_result_equal_to_the_reference_passes_whatever_its_shape_and_float_dtype(array_and_dtype):
    array, dtype = array_and_dtype
    assert compare(array.copy(), array, **TOLERANCE[dtype]) is None


@FAST
@given(_arrays_and_dtype(), st.data())
def test_one_entry_changed_beyond_the_tolerance_is_caught_at_its_index(array_and_dtype, data):
    array, dtype = array_and_dtype
    index = tuple(data.draw(st.integers(0, side - 1)) for side in array.shape)
    changed = array.copy()
    changed[index] += dtype(1.0 + 2 * abs(float(array[index])))
    problem = compare(changed, array, **TOLERANCE[dtype])
    assert problem is not None and problem.kind == "value"
    if array.size > 1:
        where = str(index[0]) if len(index) == 1 else f"({', '.join(map(str, index))})"
        assert any(f"first difference at index {where}," in line for line in problem.lines), problem.lines


@FAST
@given(float_arrays(np.float64))
def test_a_result_of_the_wrong_kind_is_refused_with_the_reason(array):
    assert compare(array.tolist(), array, **FLOAT64_TOLERANCE).kind == "type"
    assert compare(array >= 0, array, **FLOAT64_TOLERANCE).kind == "dtype"
    assert compare(np.round(array).astype(np.int64), array, **FLOAT64_TOLERANCE).kind == "dtype"
    assert compare(array.reshape(-1, 1) if array.ndim == 1 else array.T[..., None], array,
                   **FLOAT64_TOLERANCE).kind == "shape"


# ---------------------------------------------------------------------------------------------
# exercises


ELEMENTWISE = [nb03.STEP, nb03.SIGMOID, nb03.RELU, nb03.LEAKY_RELU, nb03.SIGMOID_GRAD, nb03.RELU_GRAD,
               nb03.LEAKY_RELU_GRAD]


@pytest.mark.nb03
@pytest.mark.parametrize("exercise", ELEMENTWISE, ids=lambda e: e.name)
@FAST
@given(_arrays_and_dtype())
def test_an_elementwise_check_passes_its_reference_on_any_shape_and_float_dtype(exercise, array_and_dtype):
    z, _ = array_and_dtype
    exercise.judge(exercise.reference, [Case((z,))])
    flat = exercise.reference(z).ravel()
    assert all(exercise.reference(z.ravel()[i : i + 1])[0] == flat[i] for i in range(z.size))


def _rows_mixed(reference):
    """reference, but each row of its result depends on the batch's first row too."""
    def mixed(X, *rest):
        out = reference(X, *rest)
        return out + 1e-3 * out[:1] if len(out) > 1 else out
    return mixed


BATCHWISE = [
    (nb04.SOFTMAX, lambda X: (X,)),
    (nb02.DENSE_FORWARD, lambda X: (X, np.linspace(-1, 1, 12).reshape(4, 3), np.array([0.5, -0.5, 0.0]))),
    (nb05.RELU_BACKWARD, lambda X: (X, X - 1.0)),
]


@pytest.mark.parametrize(("exercise", "arguments"), BATCHWISE, ids=lambda v: getattr(v, "name", ""))
@FAST
@given(batches())
def test_a_batch_check_passes_its_reference_on_any_batch_size_and_each_row_is_its_own(exercise, arguments, X):
    exercise.judge(exercise.reference, [Case(arguments(X))])
    whole = exercise.reference(*arguments(X))
    for i in range(len(X)):
        np.testing.assert_allclose(exercise.reference(*arguments(X[i : i + 1]))[0], whole[i], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("exercise", "arguments"), BATCHWISE, ids=lambda v: getattr(v, "name", ""))
def test_a_function_that_mixes_the_rows_of_a_batch_fails_the_check(exercise, arguments):
    assert_passes(exercise.check, exercise.reference)
    assert_fails(exercise.check, _rows_mixed(exercise.reference))
