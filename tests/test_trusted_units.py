"""The pieces of trusted grading: the codec lets only data through, a submission is rebuilt on its
release, a worker that dies or hangs costs only itself, and the self-check command answers honestly."""

import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from autograde_tests import limits, nb03
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


def test_a_cell_that_kills_or_hangs_the_worker_costs_only_itself_and_keeps_what_it_defined_before(monkeypatch):
    monkeypatch.setattr(limits, "IDLE_SECONDS", 0.5)
    cells = [(0, "import numpy as np"),
             (1, "def relu(z):\n    return np.maximum(z, 0)\nimport os; os._exit(1)\nrelu = None"),
             (2, "def step(z):\n    return np.where(z >= 0, 1.0, 0.0)\nwhile True: pass"),
             (3, "def sigmoid(z):\n    return np.exp(-np.logaddexp(0, -z))\nimport time; time.sleep(10**6)"),
             (4, "def leaky_relu(z, alpha=0.01):\n    return np.where(z > 0, z, alpha * z)")]
    session = Session(cells, cell_cpu_seconds=0.5)
    try:
        runs = session.run_until(5)
        assert runs[1].lost == "ended the Python process"
        assert runs[2].stopped == "cpu" and "used more than its 0.5 s of CPU time" in runs[2].lost
        assert runs[3].stopped == "idle" and "it waited, or the machine was very busy" in runs[3].lost
        # Waiting may be the machine's load: it is reported for a regrade; too much work is not.
        assert [line.split()[1] for line in session.timed_out] == ["3"]
        for check, name in ((nb03.check_relu, "relu"), (nb03.check_step, "step"), (nb03.check_sigmoid, "sigmoid"),
                            (nb03.check_leaky_relu, "leaky_relu")):
            assert_passes(check, session.student_function(name))
    finally:
        session.close()


def test_a_call_that_loops_sleeps_or_exits_fails_its_check_with_the_reason_and_the_session_goes_on(monkeypatch):
    monkeypatch.setattr(limits, "CALL_CPU_SECONDS", 0.5)
    monkeypatch.setattr(limits, "IDLE_SECONDS", 0.5)
    cells = [(0, "import numpy as np\nimport os\nimport time\n"
                 "def relu(z):\n    while True: pass\n"
                 "def leaky_relu(z, alpha=0.01):\n    time.sleep(10**6)\n"
                 "def step(z):\n    os._exit(0)\n"
                 "def sigmoid(z):\n    return np.exp(-np.logaddexp(0, -z))")]
    session = Session(cells)
    try:
        session.run_until(1)
        assert_fails(nb03.check_relu, session.student_function("relu"),
                     must_mention=["did not finish within its budget of", "s of CPU time",
                                   "not the time on the clock"])
        assert_fails(nb03.check_leaky_relu, session.student_function("leaky_relu"),
                     must_mention=["was stopped after", "seems to wait rather than work", "run the check again"])
        assert_fails(nb03.check_step, session.student_function("step"), must_mention=["ProcessEnded"])
        assert_passes(nb03.check_sigmoid, session.student_function("sigmoid"))
        assert [line.split(" was stopped")[0] for line in session.timed_out] == ["a call of leaky_relu"]
    finally:
        session.close()


def test_a_cell_that_replaces_the_graders_functions_in_its_process_changes_no_verdict():
    patches = ("import autograde_tests.calling, autograde_tests.limits, autograde_tests.trusted.codec\n"
               "autograde_tests.calling.call_student = lambda *a, **k: None\n"
               "autograde_tests.limits.enforced = None\n"
               "autograde_tests.trusted.codec.dumps = lambda value: 'not an answer'\n")
    cells = [(0, "import numpy as np\ndef relu(z):\n    return np.maximum(z, 0)"),
             (1, patches + "def step(z):\n    return np.where(z > 0, 1.0, 0.0)")]
    session = Session(cells)
    try:
        runs = session.run_until(2)
        assert runs[1].error is None and not runs[1].lost
        assert_passes(nb03.check_relu, session.student_function("relu"))
        assert_fails(nb03.check_step, session.student_function("step"), hidden=False,
                     must_mention=["Known mistake, strict inequality:"])
    finally:
        session.close()


def test_a_cell_that_breaks_numpy_for_the_grader_gets_a_message_that_says_so():
    session = Session([(0, "import numpy as np\ndef relu(z):\n    return np.maximum(z, 0)\n"
                           "np.random.get_state = None")])
    try:
        session.run_until(1)
        assert_fails(nb03.check_relu, session.student_function("relu"), hidden=False,
                     must_mention=["the grader's code could not call your function", "replace a function of NumPy"])
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
