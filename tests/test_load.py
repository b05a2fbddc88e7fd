"""Grades do not depend on the machine's load: the checks judge the work a student's code does (CPU time,
BLAS on one thread), never the clock (docs/TIME_LIMITS.md). These tests grade beside CPU hogs, two per
core, and demand the grades of a quiet machine. They assert grades only, never a time."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook
from notebook_helpers import NBGRADER_CONFIG, REPO_ROOT, load_nbgrader_config
from test_nbgrader_pipeline import BIN, answer_sources, fill_in, nbgrader

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from release import mark_demo_cells_in  # noqa: E402 -- scripts/ is not a package

# One worker runs the module: its hogs must not land on tests that share the cores by chance.
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

CAPSTONE = "12_capstone_two_spirals"
TRAINING_NOTEBOOKS = ("06_training_loop", "07_optimizers", CAPSTONE)


@contextlib.contextmanager
def cpu_hogs(per_core=2):
    """Processes that keep every core busy while the block runs."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(per_core * os.cpu_count())]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_the_self_check_gives_full_marks_to_the_solutions_whose_checks_train_beside_cpu_hogs():
    paths = [REPO_ROOT / "solutions" / notebook / f"{notebook}.ipynb" for notebook in TRAINING_NOTEBOOKS]
    with cpu_hogs():
        # All at once: three more processes competing for the cores, and the test takes a third as long.
        checks = [subprocess.Popen([sys.executable, "-m", "autograde_tests", "check", str(path), "--json"],
                                   cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True) for path in paths]
        results = [(check.communicate(timeout=1800)[0], check.returncode) for check in checks]
    for notebook, (output, status) in zip(TRAINING_NOTEBOOKS, results):
        report = json.loads(output)
        failed = [row["message"] for row in report["exercises"] if not row["passed"]]
        assert status == 0 and not failed, f"{notebook}: {failed}"
        assert report["timed_out"] == [], notebook


def _wider(source):
    """The capstone's answer with every hidden layer twice as wide: correct, and about three times the work."""
    wider = source.replace("[(2, 128), (128, 128), (128, 64)]", "[(2, 256), (256, 256), (256, 128)]")
    wider = wider.replace("Dense(64, 1)", "Dense(128, 1)")
    assert wider.count("256") == 4, "the capstone's answer no longer has the layers this test widens"
    return wider


@pytest.fixture(scope="module")
def capstone_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("capstone_class")
    shutil.copytree(REPO_ROOT / "solutions" / CAPSTONE, root / "solutions" / CAPSTONE)
    shutil.copy(NBGRADER_CONFIG, root / "nbgrader_config.py")
    nbgrader(root, "generate_assignment", CAPSTONE, "--force")
    release_path = root / "notebooks" / CAPSTONE / f"{CAPSTONE}.ipynb"
    mark_demo_cells_in(release_path, root / "solutions" / CAPSTONE / f"{CAPSTONE}.ipynb")
    release = nbformat.read(release_path, as_version=4)
    answers = answer_sources(nbformat.read(root / "solutions" / CAPSTONE / f"{CAPSTONE}.ipynb", as_version=4))
    wider = {grade_id: _wider(source) for grade_id, source in answers.items()}
    for student, sources in (("course_answer", answers), ("wider_network", wider)):
        folder = root / "submitted" / student / CAPSTONE
        folder.mkdir(parents=True)
        nbformat.write(fill_in(release, sources), folder / f"{CAPSTONE}.ipynb")
    return root


def _grade(root):
    """Grade the class with the parallel command from scratch; {student: {grade cell: score}} and the report."""
    shutil.rmtree(root / "autograded", ignore_errors=True)
    for report in root.rglob("integrity_report.json"):
        report.unlink()
    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    result = subprocess.run([sys.executable, "-m", "autograde_tests", "grade", CAPSTONE, "--workers", "2"], cwd=root,
                            env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    course_id = load_nbgrader_config().CourseDirectory.course_id
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id) as gradebook:
        scores = {student: {g.name: g.auto_score for nb in gradebook.find_submission(CAPSTONE, student).notebooks
                            for g in nb.grades}
                  for student in ("course_answer", "wider_network")}
    report = json.loads(next(root.rglob("integrity_report.json")).read_text())
    return scores, report


def test_a_capstone_class_gets_the_same_full_grades_quiet_and_beside_cpu_hogs(capstone_class):
    quiet, _ = _grade(capstone_class)
    with cpu_hogs():
        busy, report = _grade(capstone_class)
    assert busy == quiet
    assert all(score == 6 for scores in quiet.values() for score in scores.values()), quiet
    assert all(row["status"] in ("graded", "repaired") for row in report["students"]), report
