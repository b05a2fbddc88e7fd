"""The layout of failure messages (autograde_tests.messages): numbers of a got/expected pair in one format
that shows their difference, aligned rows, dicts laid out by key, keys and indices written as in code,
and lines that fit nbgrader's Validate without a lone fragment of a value."""

import re

import numpy as np
import pytest

from autograde_tests import messages
from autograde_tests.cases import Case
from autograde_tests.core import Exercise
from autograde_tests.judging import Problem, named_result
from tests.grader_testing import assert_fails

pytestmark = pytest.mark.nb03


def _columns(line):
    """The column where each entry of a row ends (entries are right-aligned), to compare two rows."""
    return [m.end() for m in re.finditer(r"-?[\d.]+(?:e[+-]\d+)?|nan|-?inf", line)]


def _rows(message, marker):
    """The lines of the array after `marker` (its first line, then its continuation rows)."""
    lines = message.splitlines()
    start = next(i for i, line in enumerate(lines) if marker in line)
    rows = [lines[start]]
    for line in lines[start + 1:]:
        if not line.lstrip().startswith("["):
            break
        rows.append(line)
    return rows


# ---------------------------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(("got", "expected"), [
    (2.53, 2.5300001),       # equal in 4 digits
    (1e-5, 0.0),             # both "0" in 4 decimals
    (0.30000001, 0.3),
    (-1e-7, 1e-7),           # "-0" and "0"
    (123456.7, 123456.8),
    (3e7, 3.0000001e7),
])
def test_two_numbers_that_differ_are_written_differently_in_one_format(got, expected):
    got_text, expected_text = messages.format_pair(got, expected, differs=True)
    assert got_text != expected_text
    decimals = [len(t.split("e")[0].partition(".")[2]) for t in (got_text, expected_text) if "." in t]
    assert len(set(decimals)) <= 1, (got_text, expected_text)
    assert ("e" in got_text) == ("e" in expected_text) or "0" in (got_text, expected_text)


def test_entries_that_differ_are_written_differently_and_equal_ones_alike():
    got = np.array([[1.0, 2.00001], [0.5, -3.0]])
    expected = np.array([[1.0, 2.0], [0.5, -3.0]])
    got_text, expected_text = messages.format_pair(got, expected, differs=~np.isclose(got, expected, rtol=1e-7))
    got_cells, expected_cells = re.findall(r"-?[\d.]+", got_text), re.findall(r"-?[\d.]+", expected_text)
    assert got_cells[1] != expected_cells[1]
    assert [g == e for g, e in zip(got_cells, expected_cells)] == [True, False, True, True]


def test_there_is_no_minus_zero_and_no_bare_point():
    text = messages.format_value(np.array([-1e-12, 1.0, -0.0, 98.0]))
    assert "-0" not in text and not re.search(r"\d\.(?!\d)", text), text
    assert messages.format_value(-0.0) == "0.0"
    assert messages.format_value(98.0) == "98.0" and messages.format_value(3) == "3"


def test_a_nonzero_value_never_reads_as_zero_next_to_larger_ones():
    text = messages.format_value(np.array([1.5, 0.0001, -0.4]))
    assert "0.0001" in text, text


def test_whole_numbers_integers_and_booleans_are_written_as_such():
    assert messages.format_value(np.array([1, 2, 3])) == "[1, 2, 3]"
    assert messages.format_value(np.array([True, False])) == "[True, False]"
    assert messages.format_value(np.array([2.0, 3.0])) == "[2.0, 3.0]"


# ---------------------------------------------------------------------------------------------
# Arrays and dicts


def test_got_and_expected_rows_line_up_column_by_column():
    got = np.array([[-0.12, -0.85, 1.0], [1.6374, -0.45, 3.449], [-1.876, 0.35, -1.449]])
    expected = np.array([[-0.154, -0.935, 1.0], [1.875, -0.473, 3.828], [-2.182, 0.451, -1.828]])
    lines = messages.pair_lines("out", got, expected, differs=~np.isclose(got, expected))
    got_rows, expected_rows = lines[0].split("\n"), lines[1].split("\n")
    assert len(got_rows) == len(expected_rows) == 3
    columns = [_columns(row) for row in got_rows + expected_rows]
    assert all(c == columns[0] for c in columns), "\n".join(got_rows + expected_rows)
    # Continuation rows start under the first row's entries.
    first = got_rows[0].index("[[") + 1
    assert all(row.index("[") == first for row in got_rows[1:] + expected_rows[1:])


def test_a_dict_of_arrays_takes_one_line_per_key_with_its_rows_aligned():
    value = {"W1": np.arange(12.0).reshape(3, 4) / 7, "b1": np.array([0.1, -0.2, 0.3, 0.4])}
    text = messages.format_value(value, width=60)
    lines = text.split("\n")
    assert lines[0].startswith('{"W1": [[') and lines[3].startswith(' "b1": [')
    assert [line.index("[") for line in lines[1:3]] == [lines[0].index("[[") + 1] * 2
    assert lines[-1].endswith("]}")


def test_keys_and_indices_are_written_as_in_code():
    assert messages.key_path("grads", "W3") == 'grads["W3"]'
    assert messages.key_path('state["m"]', "W") == 'state["m"]["W"]'
    assert messages.key_path("cache", 0) == "cache[0]"
    line = messages.first_difference_line('grads["W3"]', np.zeros((2, 2)), np.eye(2), np.eye(2, dtype=bool))
    assert line.startswith('grads["W3"]: first difference at index (0, 0), counted from 0: got 0.0, expected 1.0')
    assert "(2 of 4 entries differ)" in line
    line = messages.first_difference_line("db", np.zeros(3), np.ones(3), np.ones(3, dtype=bool))
    assert "at index 0, counted from 0" in line


def test_a_check_names_the_part_of_a_dict_result_by_the_exercises_name_for_it():
    reference = named_result(lambda p: {k: v * 2 for k, v in p.items()}, "grads")
    check = Exercise("f", reference, lambda hidden: [Case(({"W1": np.ones((2, 2))},))]).check
    message = assert_fails(check, lambda p: {"W1": p["W1"] * 3})
    assert 'grads["W1"]: got      [[3.0, 3.0],' in message
    assert 'grads["W1"]: first difference at index (0, 0)' in message


def test_a_large_array_is_summarised_with_its_shape():
    large = np.arange(1000.0).reshape(40, 25)
    rows, _ = messages.format_pair(large, large)
    assert "..." in rows and rows.split("\n")[-1] == "(shape (40, 25), float64)"
    assert len(rows.split("\n")) == 8
    # Inside a sentence, on one line.
    assert messages.format_value(large).count("\n") == 0


# ---------------------------------------------------------------------------------------------
# Lines


def test_lines_fit_the_width_and_a_bracketed_value_is_never_split_when_it_fits():
    case = "outputs = [0.9, 0.5, 0.2, 0.7, 0.4, 0.6], y = [1, 1, 0, 1, 0, 0]"
    lines = messages.failure_message("accuracy", case, Problem("value", ("got      0.5",)), note="x").split("\n")
    assert all(len(line) <= messages.MESSAGE_WIDTH for line in lines)
    assert "y = [1, 1, 0, 1, 0, 0]:" in lines[1] or "y = [1, 1, 0, 1, 0, 0]:" in lines[0]
    assert not any(re.fullmatch(r"\s*[\d.\-]*\]+:?", line) for line in lines), lines


def test_inputs_that_take_several_lines_go_one_argument_per_line_after_the_header():
    X = np.arange(12.0).reshape(3, 4) / 7
    case_text = messages.arguments_text([("X", X), ("W", np.ones((4, 2))), ("lr", 0.1)])
    message = messages.failure_message("dense_backward", case_text, Problem("value", ("got      1",)))
    lines = message.split("\n")
    assert lines[0] == "dense_backward failed on the inputs"
    assert lines[1].startswith("    X = [[") and lines[-2].endswith("lr = 0.1:")
    assert all(len(line) <= messages.MESSAGE_WIDTH for line in lines)
    # The first line that ends with ":" closes the inputs (tests/test_grader.py reads the case that way).
    assert next(line for line in lines if line.endswith(":")) == "    lr = 0.1:"


def test_every_line_of_a_real_message_fits_and_rows_stay_aligned():
    reference = lambda X: X * 2  # noqa: E731
    check = Exercise("double", reference, lambda hidden: [Case((np.arange(60.0).reshape(6, 10) / 3,))]).check
    message = assert_fails(check, lambda X: X * 2 + (X > 15))
    assert all(len(line) <= messages.MESSAGE_WIDTH for line in message.splitlines()), message
    got_rows, expected_rows = _rows(message, "got      "), _rows(message, "expected ")
    assert len(got_rows) == len(expected_rows) == 6
    assert [_columns(r) for r in got_rows[1:]] == [_columns(r) for r in expected_rows[1:]]


def test_a_multiple_is_written_as_the_fraction_or_the_whole_number_it_is():
    assert messages.scale_line("dW", 1 / 3) == "dW: every entry is 1/3 of the expected one"
    assert messages.scale_line("", 5.0, entries=False) == "that is 5 times the expected value"
    assert messages.scale_line("db", -0.5) == "db: every entry is -1/2 of the expected one"
    assert messages.scale_line("out", 0.8765) == "out: every entry is 0.8765 times the expected one"
