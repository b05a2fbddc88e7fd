"""A class that tries everything, graded by the real `nbgrader autograde` and by the parallel command.

The class hands in notebook 03 in every way issue 8 names: honest work (correct, partly wrong, blank,
correct but printing warnings), structural damage to honest work (a duplicated cell, a deleted or edited
test cell, all nbgrader metadata stripped, a renamed file, a cell that kills the kernel, invalid JSON),
and tampering with wrong answers (NumPy's comparisons replaced, the checks replaced, a custom exception
handler, an AST transformer that rewrites later cells, the course's own reference called, answers
hard-coded for the shipped cases). Each student's expected score per exercise is written next to the
submission; both runs must give exactly those, and the same grades again when rerun.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook
from notebook_helpers import NBGRADER_CONFIG, REPO_ROOT, load_nbgrader_config
from test_nbgrader_pipeline import BIN, answer_sources, fill_in, nbgrader

from autograde_tests import nb03

# One worker runs the whole module, so its expensive course fixture is built once under `pytest -n 2`.
pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("trusted_grading_class")]

NOTEBOOK = "03_activations"
POINTS = {"step_tests": 1, "sigmoid_tests": 2, "relu_tests": 1, "leaky_relu_tests": 1, "sigmoid_grad_tests": 2,
          "relu_grad_tests": 1, "leaky_relu_grad_tests": 1}
SECRET = 20261201


def _full(**zeros):
    return {cell: 0 if cell in zeros else points for cell, points in POINTS.items()}


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _index(nb, grade_id):
    return nb.cells.index(_cell(nb, grade_id))


def _append(nb, grade_id, code):
    _cell(nb, grade_id).source += "\n" + code


def _replace(nb, grade_id, code):
    _cell(nb, grade_id).source = code


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
        return nbformat.from_dict(json.loads(json.dumps(correct)))

    students = {"correct": (copy(), None, _full()), "blank": (release, None, _full(**POINTS))}

    nb = copy()
    _replace(nb, "relu_answer", "def relu(z):\n    return np.abs(z)")
    students["partly_wrong"] = (nb, None, _full(relu_tests=0))

    nb = copy()
    _append(nb, "step_answer",
            "import sys, warnings\nwarnings.warn('just so you know')\nprint('debug', file=sys.stderr)")
    students["correct_but_warning"] = (nb, None, _full())

    nb = copy()
    duplicate = nbformat.from_dict(json.loads(json.dumps(_cell(nb, "relu_answer"))))
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
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
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
             "autograde_tests.core.check_cases = lambda *a, **k: None\n"
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
    shutil.copytree(REPO_ROOT / "solutions" / NOTEBOOK, root / "solutions" / NOTEBOOK)
    shutil.copy(NBGRADER_CONFIG, root / "nbgrader_config.py")
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.TrustedExecute.grading_secret = {SECRET}\n")
    nbgrader(root, "generate_assignment", NOTEBOOK, "--force")
    release = nbformat.read(root / "notebooks" / NOTEBOOK / f"{NOTEBOOK}.ipynb", as_version=4)
    solution = nbformat.read(root / "solutions" / NOTEBOOK / f"{NOTEBOOK}.ipynb", as_version=4)
    students = _class(release, fill_in(release, answer_sources(solution)))
    for student, (nb, name, _) in students.items():
        folder = root / "submitted" / student / NOTEBOOK
        folder.mkdir(parents=True)
        target = folder / (name or f"{NOTEBOOK}.ipynb")
        if isinstance(nb, str):
            target.write_text(nb)
        else:
            nbformat.write(nb, target)
    return root, {s: expected for s, (_, _, expected) in students.items()}


def _scores(root, student):
    course_id = load_nbgrader_config().CourseDirectory.course_id
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id) as gb:
        try:
            submission = gb.find_submission(NOTEBOOK, student)
        except Exception:
            return None
        return {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades}


def _grade_in_parallel(root, *extra):
    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run([sys.executable, "-m", "autograde_tests", "grade", NOTEBOOK, *extra], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


def test_plain_nbgrader_autograde_grades_every_student_as_intended(course):
    root, expected = course
    # The renamed file is the parallel command's repair; plain nbgrader would grade an empty notebook.
    renamed = root / "submitted" / "renamed_file" / NOTEBOOK
    moved = renamed.parent / "set_aside"
    shutil.move(renamed, moved)
    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    try:
        result = subprocess.run([str(BIN / "nbgrader"), "autograde", NOTEBOOK], cwd=root, env=env,
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


def test_the_parallel_command_grades_the_same_class_the_same_way_every_time(course):
    root, expected = course
    runs, reports = [], []
    for _ in range(2):
        result = _grade_in_parallel(root, "--workers", "2")
        assert result.returncode == 1, result.stdout + result.stderr  # one submission is not gradable
        runs.append({student: _scores(root, student) for student in expected})
        reports.append(json.loads((root / "integrity_report.json").read_text()))
    assert runs[0] == runs[1]
    report = reports[0]  # the first run renamed the misnamed file; the second finds it in place
    for student, want in expected.items():
        if want is not None:
            assert runs[0][student] == want, f"{student}: {runs[0][student]} != {want}\n{result.stderr[-3000:]}"
    statuses = {row["student"]: row for row in report["students"]}
    assert statuses["invalid_json"]["status"] == "not gradable" and "not a readable notebook" in statuses[
        "invalid_json"]["why"]
    assert statuses["kernel_death"]["status"] == "flagged"
    assert statuses["renamed_file"]["status"] == "repaired"
    assert statuses["deleted_test_cell"]["status"] == "repaired"
    assert statuses["metadata_stripped"]["status"] == "repaired"
    assert statuses["correct"]["status"] == "graded"
    with open(root / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(expected)  # the student whose notebook could not be read too, at 0
    assert float(rows["correct"]["score"]) == sum(POINTS.values())


def test_the_same_class_on_a_dask_cluster_gets_the_same_grades(course):
    distributed = pytest.importorskip("distributed")
    root, expected = course
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster:
        result = _grade_in_parallel(root, "--scheduler", cluster.scheduler_address)
    assert result.returncode == 1, result.stdout + result.stderr
    for student, want in expected.items():
        if want is not None:
            assert _scores(root, student) == want, student


def test_feedback_shows_the_trusted_verdict(course):
    root, _ = course
    nbgrader(root, "generate_feedback", NOTEBOOK, "--student", "partly_wrong")
    html = (root / "feedback" / "partly_wrong" / NOTEBOOK / f"{NOTEBOOK}.html").read_text()
    assert "relu failed on" in html and "Known mistake, absolute value" in html
