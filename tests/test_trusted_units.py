"""The pieces of trusted grading: the codec lets only data through, a submission is rebuilt on its
release, a worker that dies or hangs costs only itself, and the self-check command answers honestly."""

import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from autograde_tests import core, nb03
from autograde_tests.trusted import codec
from autograde_tests.trusted.preprocessors import repair
from autograde_tests.trusted.session import RemoteFunction, Session
from tests.grader_testing import REPO_ROOT, assert_fails, assert_passes

pytestmark = pytest.mark.nb03

RELEASE = REPO_ROOT / "notebooks" / "03_activations" / "03_activations.ipynb"
SOLUTION = REPO_ROOT / "solutions" / "03_activations" / "03_activations.ipynb"


# ---------------------------------------------------------------------------------------------
# codec


def test_the_codec_round_trips_data():
    value = {"a": (np.arange(6.0).reshape(2, 3), np.float32(2.5), np.array(3)), "b": [1, True, None, "x", 1e308],
             7: np.array([True, False]), "numpy scalars": (np.float64(0.1), np.int64(7), np.bool_(True))}
    back = codec.loads(codec.dumps(value))
    assert back.keys() == value.keys()
    assert np.array_equal(back["a"][0], value["a"][0]) and back["a"][1].dtype == np.float32
    assert back["b"] == value["b"] and back[7].dtype == bool
    assert [type(v) for v in back["numpy scalars"]] == [np.float64, np.int64, np.bool_]


def test_the_codec_turns_code_and_objects_into_inert_placeholders():
    back = codec.loads(codec.dumps({"f": len, "o": object(), "strings": np.array(["a"])}))
    assert all(isinstance(v, codec.Opaque) for v in back.values())


@pytest.mark.parametrize("line", [
    '{"array": {"dtype": "|O", "shape": [1], "data": ""}}',
    '{"pickle": "gASVAAAAAAAAAAA="}',
    '{"a": 1, "b": 2}',
    "not json",
])
def test_the_codec_refuses_anything_but_its_own_data(line):
    with pytest.raises(ValueError):
        codec.loads(line)


# ---------------------------------------------------------------------------------------------
# repair


def _release_and_filled():
    release = nbformat.read(RELEASE, as_version=4)
    filled = nbformat.read(RELEASE, as_version=4)
    solution = nbformat.read(SOLUTION, as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return release, filled


def _answer(nb, name):
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{name}_answer")


def test_an_untouched_submission_needs_no_repair():
    release, filled = _release_and_filled()
    repaired, repairs = repair(filled, release)
    assert repairs == [] and [c.source for c in repaired.cells] == [c.source for c in filled.cells]


def test_stripped_metadata_deleted_and_duplicated_cells_are_repaired_and_reported():
    release, filled = _release_and_filled()
    relu = _answer(filled, "relu")
    for cell in filled.cells:
        cell.metadata.pop("nbgrader", None)
    del filled.cells[1]
    filled.cells.insert(5, nbformat.v4.new_code_cell("def helper():\n    return 1"))
    repaired, repairs = repair(filled, release)
    assert len(repaired.cells) == len(release.cells) + 1
    assert _answer(repaired, "relu") == relu
    assert any("defining relu had lost its nbgrader metadata" in r for r in repairs)
    assert any("imports was missing" in r for r in repairs)
    assert any(c.source.startswith("def helper") for c in repaired.cells)


# ---------------------------------------------------------------------------------------------
# the worker and the session


def test_a_cell_that_kills_or_hangs_the_worker_costs_only_itself():
    cells = [(0, "import numpy as np"), (1, "def relu(z):\n    return np.maximum(z, 0)"), (2, "import os; os._exit(1)"),
             (3, "while True: pass"), (4, "def step(z):\n    return np.where(z >= 0, 1.0, 0.0)")]
    session = Session(cells, cell_time_limit=2)
    try:
        runs = session.run_until(5)
        assert runs[2].lost == "ended the Python process" and runs[3].lost == "ran longer than the cell time limit"
        assert_passes(nb03.check_relu, session.student_function("relu"))
        assert_passes(nb03.check_step, session.student_function("step"))
    finally:
        session.close()


def test_a_call_that_hangs_or_exits_fails_its_check_and_the_session_goes_on(monkeypatch):
    monkeypatch.setattr(core, "CALL_TIME_LIMIT", 0.5)
    monkeypatch.setattr("autograde_tests.trusted.session.CALL_MARGIN", 0.5)
    cells = [(0, "import numpy as np\nimport os\n"
                 "def relu(z):\n    while True: pass\n"
                 "def step(z):\n    os._exit(0)\n"
                 "def sigmoid(z):\n    return np.exp(-np.logaddexp(0, -z))")]
    session = Session(cells)
    try:
        session.run_until(1)
        assert_fails(nb03.check_relu, session.student_function("relu"), must_mention=["did not finish"])
        assert_fails(nb03.check_step, session.student_function("step"), must_mention=["ProcessEnded"])
        assert_passes(nb03.check_sigmoid, session.student_function("sigmoid"))
    finally:
        session.close()


def test_a_name_that_is_not_a_function_gets_the_usual_verdict():
    session = Session([(0, "relu = 5")])
    try:
        session.run_until(1)
        student = session.student_function("relu")
        assert not isinstance(student, RemoteFunction)
        assert_fails(nb03.check_relu, student, must_mention=["should be a function"])
        assert session.student_function("step") is None
    finally:
        session.close()


# ---------------------------------------------------------------------------------------------
# python -m autograde_tests check


def _check(path, *flags):
    return subprocess.run([sys.executable, "-m", "autograde_tests", "check", str(path), *flags], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_the_self_check_passes_the_solution_and_fails_the_release():
    passed = _check(SOLUTION)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "7 of 7 exercises pass: 9 of 9 points." in passed.stdout
    failed = _check(RELEASE, "--json")
    assert failed.returncode == 1
    result = json.loads(failed.stdout)
    assert len(result["exercises"]) == 7 and not any(e["passed"] for e in result["exercises"])
    assert "NotImplementedError" in result["exercises"][0]["message"]


def test_the_self_check_says_when_a_file_is_not_a_notebook(tmp_path):
    broken = tmp_path / "03_activations.ipynb"
    broken.write_text('{"cells": [')
    result = _check(broken)
    assert result.returncode == 2 and "not a readable notebook" in result.stdout
