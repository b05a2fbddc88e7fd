"""A class that tries everything, graded by the real `nbgrader autograde` and by the parallel command.

The class hands in notebook 03 in every way issue 8 names: honest work (correct, partly wrong, blank,
correct but printing warnings), structural damage to honest work (a duplicated cell, a deleted or edited
test cell, all nbgrader metadata stripped, a renamed file, a cell that kills the kernel, invalid JSON),
and tampering with wrong answers (NumPy's comparisons replaced, the checks replaced, a custom exception
handler, an AST transformer that rewrites later cells, the course's own reference called, answers
hard-coded for the shipped cases). Each student's expected score per exercise is written next to the
submission; plain nbgrader and the grade command must give exactly those, and the grade command the same
grades again when it grades the class a second time, through a Dask cluster.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import nbformat
import numpy as np
import pytest
from course_testing import (
    BIN,
    bin_on_path,
    cell,
    copy_notebook,
    grade_command,
    gradebook_scores,
    hand_in,
    nbgrader,
    released_course,
)

from autograde_tests import nb03

# One worker runs the whole module, so its expensive course fixture is built once under `pytest -n 2`.
pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("trusted_grading_class")]

NOTEBOOK = "03_activations"
POINTS = {"step_tests": 1, "sigmoid_tests": 2, "relu_tests": 1, "leaky_relu_tests": 1, "sigmoid_grad_tests": 2,
          "relu_grad_tests": 1, "leaky_relu_grad_tests": 1}
SECRET = 20261201


def _full(**zeros):
    return {cell: 0 if cell in zeros else points for cell, points in POINTS.items()}


def _index(nb, grade_id):
    return nb.cells.index(cell(nb, grade_id))


def _append(nb, grade_id, code):
    cell(nb, grade_id).source += "\n" + code


def _replace(nb, grade_id, code):
    cell(nb, grade_id).source = code


def _hard_coded_relu():
    """A relu that only knows the answers of the shipped cases (visible and hidden, default seeds)."""
    table = {}
    cases = nb03._visible_cases() + nb03._hidden_cases()
    for case in cases:
        z = case.args[0]
        table[z.tobytes() + str(z.dtype).encode()] = np.maximum(z, 0).tolist()
    return ("import numpy as np\n_ANSWERS = " + repr({k: v for k, v in table.items()}) + "\n"
            "def relu(z):\n"
            "    key = z.tobytes() + str(z.dtype).encode()\n"
            "    return np.array(_ANSWERS[key], dtype=z.dtype) if key in _ANSWERS else np.zeros_like(z)\n")


def _class(release, correct):
    """{student: (notebook or raw text, file name, expected {grade cell: score} or None if not gradable)}."""
    def copy():
        return copy_notebook(correct)

    students = {"correct": (copy(), None, _full()), "blank": (release, None, _full(**POINTS))}

    nb = copy()
    _replace(nb, "relu_answer", "def relu(z):\n    return np.abs(z)")
    students["partly_wrong"] = (nb, None, _full(relu_tests=0))

    nb = copy()
    _append(nb, "step_answer",
            "import sys, warnings\nwarnings.warn('just so you know')\nprint('debug', file=sys.stderr)")
    students["correct_but_warning"] = (nb, None, _full())

    nb = copy()
    duplicate = nbformat.from_dict(json.loads(json.dumps(cell(nb, "relu_answer"))))
    duplicate["id"] = "relu-answer-copy"  # Jupyter gives a copied cell a new id; its nbgrader metadata stays
    nb.cells.insert(_index(nb, "relu_answer"), duplicate)
    students["duplicated_cell"] = (nb, None, _full())

    nb = copy()
    nb.cells.insert(_index(nb, "sigmoid_grad_tests") + 1, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    students["kernel_death"] = (nb, None, _full())

    nb = copy()
    del nb.cells[_index(nb, "relu_tests")]
    students["deleted_test_cell"] = (nb, None, _full())

    nb = copy()
    _replace(nb, "relu_tests", "pass")
    students["edited_test_cell"] = (nb, None, _full())

    nb = copy()
    for each in nb.cells:
        each.metadata.pop("nbgrader", None)
    students["metadata_stripped"] = (nb, None, _full())

    students["renamed_file"] = (copy(), "my_work.ipynb", _full())
    students["invalid_json"] = ('{"cells": [', None, None)

    nb = copy()
    _replace(nb, "step_answer", "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: "
             "np.ones(np.broadcast(a, b).shape, dtype=bool)\nnp.array_equal = lambda *a, **k: True\n"
             "def step(z):\n    return np.where(z > 0, 1.0, 0.0)")
    students["replaces_numpy_comparisons"] = (nb, None, _full(step_tests=0))

    nb = copy()
    _replace(nb, "sigmoid_answer", "import autograde_tests.nb03, autograde_tests.core\n"
             "autograde_tests.nb03.check_sigmoid = lambda *a, **k: print('✓ sigmoid')\n"
             "autograde_tests.core._judge = lambda *a, **k: None\n"
             "def sigmoid(z):\n    return z")
    students["replaces_the_checks"] = (nb, None, _full(sigmoid_tests=0, sigmoid_grad_tests=0))

    nb = copy()
    _replace(nb, "relu_answer", "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n"
             "def relu(z):\n    return z")
    students["custom_exception_handler"] = (nb, None, _full(relu_tests=0))

    nb = copy()
    _replace(nb, "relu_grad_answer", "import ast\n"
             "class Silence(ast.NodeTransformer):\n"
             "    def visit_Module(self, node):\n"
             "        return ast.Module(body=[] if 'check_' in ast.unparse(node) else node.body, type_ignores=[])\n"
             "get_ipython().ast_transformers.append(Silence())\n"
             "def relu_grad(z):\n    return z")
    students["ast_transformer"] = (nb, None, _full(relu_grad_tests=0))

    nb = copy()
    _replace(nb, "sigmoid_answer", "from course_lib.activations import sigmoid")
    students["calls_the_reference"] = (nb, None, _full(sigmoid_tests=0))

    nb = copy()
    _replace(nb, "relu_answer", _hard_coded_relu())
    students["hard_coded_answers"] = (nb, None, _full(relu_tests=0))
    return students


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    students = _class(*released_course(root, NOTEBOOK, SECRET))
    for student, (nb, name, _) in students.items():
        hand_in(root, NOTEBOOK, student, nb, name)
    return root, {s: expected for s, (_, _, expected) in students.items()}


def _scores(root, student):
    return gradebook_scores(root, NOTEBOOK, student)


def test_plain_nbgrader_autograde_grades_every_student_as_intended(course):
    root, expected = course
    # The renamed file is the parallel command's repair; plain nbgrader would grade an empty notebook.
    renamed = root / "submitted" / "renamed_file" / NOTEBOOK
    moved = renamed.parent / "set_aside"
    shutil.move(renamed, moved)
    try:
        result = subprocess.run([str(BIN / "nbgrader"), "autograde", NOTEBOOK], cwd=root, env=bin_on_path(),
                                capture_output=True, text=True, timeout=900)
    finally:
        shutil.move(moved, renamed)
    log = result.stdout + result.stderr
    assert result.returncode == 1, log  # nbgrader's exit status for "a submission could not be graded"
    assert "error processing assignment '03_activations' for student 'invalid_json'" in log  # reported by name
    for student, want in expected.items():
        if student == "renamed_file":
            continue
        got = _scores(root, student)
        if want is None:
            assert not got or not any(got.values()), f"{student}: {got}"
            continue
        assert got == want, f"{student}: got {got}, expected {want}\n{log[-3000:]}"


@pytest.fixture(scope="module")
def graded_in_parallel(course):
    """The class graded once by the grade command with two local grading processes (after plain nbgrader
    graded it, if that test ran first): {student: scores}, the integrity report, the rows of grades.csv
    by student, and the command's log."""
    root, expected = course
    result = grade_command(root, NOTEBOOK, "--workers", "2")
    log = result.stdout + result.stderr
    assert result.returncode == 1, log  # one submission is not gradable
    with open(root / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    return ({student: _scores(root, student) for student in expected},
            json.loads((root / "integrity_report.json").read_text()), rows, log)


def test_the_parallel_command_grades_every_student_as_intended(course, graded_in_parallel):
    _, expected = course
    scores, report, rows, log = graded_in_parallel
    for student, want in expected.items():
        if want is not None:
            assert scores[student] == want, f"{student}: {scores[student]} != {want}\n{log[-3000:]}"
    statuses = {row["student"]: row for row in report["students"]}
    assert statuses["invalid_json"]["status"] == "not gradable" and "not a readable notebook" in statuses[
        "invalid_json"]["why"]
    assert statuses["kernel_death"]["status"] == "flagged"
    assert statuses["renamed_file"]["status"] == "repaired"
    assert statuses["deleted_test_cell"]["status"] == "repaired"
    assert statuses["metadata_stripped"]["status"] == "repaired"
    assert statuses["correct"]["status"] == "graded"
    assert set(rows) == set(expected)  # the student whose notebook could not be read too, at 0
    assert float(rows["correct"]["score"]) == sum(POINTS.values())


def test_the_same_class_graded_again_on_a_dask_cluster_gets_the_same_grades(course, graded_in_parallel):
    """The grade command's second run over the class, now through a Dask scheduler: every student's grades
    are those of the first run (the misnamed file, renamed by that run, is found in place this time)."""
    distributed = pytest.importorskip("distributed")
    root, expected = course
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster:
        result = grade_command(root, NOTEBOOK, "--scheduler", cluster.scheduler_address)
    assert result.returncode == 1, result.stdout + result.stderr
    again = {student: _scores(root, student) for student in expected}
    assert again == graded_in_parallel[0]
    for student, want in expected.items():
        if want is not None:
            assert again[student] == want, student


def test_feedback_shows_the_trusted_verdict(course):
    root, _ = course
    nbgrader(root, "generate_feedback", NOTEBOOK, "--student", "partly_wrong")
    html = (root / "feedback" / "partly_wrong" / NOTEBOOK / f"{NOTEBOOK}.html").read_text()
    assert "relu failed on" in html and "Known mistake, absolute value" in html
