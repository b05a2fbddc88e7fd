"""Grades do not depend on the machine's load: the checks judge the work a student's code does (CPU time,
BLAS on one thread), never the clock (docs/TIME_LIMITS.md). These tests grade beside CPU hogs, two per
core, and demand the grades of a quiet machine. They assert grades only, never a time.

Everything the module grades beside the hogs runs in one period of load (`graded_beside_hogs`): the hogs
slow down every other test sharing the machine as well, so they run once, as briefly as the work allows.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from course_testing import answer_sources, bin_on_path, fill_in, gradebook_scores, hand_in, released_course
from notebook_helpers import REPO_ROOT

from autograde_tests.trusted.grade import REPORT_NAME

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from release import mark_demo_cells_in  # noqa: E402 -- scripts/ is not a package

# One worker runs the module: its hogs must not land on tests that share the cores by chance.
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

CAPSTONE = "12_capstone_two_spirals"
TRAINING_NOTEBOOKS = ("06_training_loop", "07_optimizers", CAPSTONE)
STUDENT = "wider_network"
TIMEOUT_SECONDS = 1800


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


def _wider(source):
    """The capstone's answer with every hidden layer twice as wide: correct, and about three times the work."""
    wider = source.replace("[(2, 128), (128, 128), (128, 64)]", "[(2, 256), (256, 256), (256, 128)]")
    wider = wider.replace("Dense(64, 1)", "Dense(128, 1)")
    assert wider.count("256") == 4, "the capstone's answer no longer has the layers this test widens"
    return wider


def _capstone_class(root):
    """A course of the capstone at root with one student, whose answer is the course's with wider layers:
    the heaviest correct work of these tests, and so the first to lose points if the load counted."""
    released_course(root, CAPSTONE)
    release_path, solution_path = (root / kind / CAPSTONE / f"{CAPSTONE}.ipynb" for kind in ("notebooks", "solutions"))
    mark_demo_cells_in(release_path, solution_path)  # as scripts/release.py does
    answers = answer_sources(nbformat.read(solution_path, as_version=4))
    wider = fill_in(nbformat.read(release_path, as_version=4), {cell: _wider(code) for cell, code in answers.items()})
    hand_in(root, CAPSTONE, STUDENT, wider)


def _start_grading(root):
    """The grade command on root's class from scratch, with one grading process, started; its output goes
    to grade.log (a file, not a pipe that nobody reads while the self-checks run)."""
    shutil.rmtree(root / "autograded", ignore_errors=True)
    (root / REPORT_NAME).unlink(missing_ok=True)
    with open(root / "grade.log", "w") as log:
        return subprocess.Popen([sys.executable, "-m", "autograde_tests", "grade", CAPSTONE, "--workers", "1"],
                                cwd=root, env=bin_on_path(), stdout=log, stderr=subprocess.STDOUT)


def _grades(root, grading):
    """When `grading` (from _start_grading) has ended: the student's {grade cell: score} and the integrity
    report."""
    assert grading.wait(timeout=TIMEOUT_SECONDS) == 0, (root / "grade.log").read_text()
    return gradebook_scores(root, CAPSTONE, STUDENT), json.loads((root / REPORT_NAME).read_text())


@pytest.fixture(scope="module")
def graded_beside_hogs(tmp_path_factory):
    """The capstone class graded quiet; then, beside the hogs and all at once, the class graded again and
    the self-check of each training notebook's solution. {"quiet": (scores, report), "busy": (scores,
    report), "checks": {notebook: (JSON output, exit status)}}."""
    root = tmp_path_factory.mktemp("capstone_class")
    _capstone_class(root)
    quiet = _grades(root, _start_grading(root))
    paths = [REPO_ROOT / "solutions" / notebook / f"{notebook}.ipynb" for notebook in TRAINING_NOTEBOOKS]
    with cpu_hogs():
        grading = _start_grading(root)
        checks = [subprocess.Popen([sys.executable, "-m", "autograde_tests", "check", str(path), "--json"],
                                   cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True) for path in paths]
        outputs = {notebook: (check.communicate(timeout=TIMEOUT_SECONDS)[0], check.returncode)
                   for notebook, check in zip(TRAINING_NOTEBOOKS, checks)}
        busy = _grades(root, grading)
    return {"quiet": quiet, "busy": busy, "checks": outputs}


def test_the_self_check_gives_full_marks_to_the_solutions_whose_checks_train_beside_cpu_hogs(graded_beside_hogs):
    for notebook, (output, status) in graded_beside_hogs["checks"].items():
        report = json.loads(output)
        failed = [row["message"] for row in report["exercises"] if not row["passed"]]
        assert status == 0 and not failed, f"{notebook}: {failed}"
        assert report["timed_out"] == [], notebook


def test_a_capstone_class_gets_the_same_full_grades_quiet_and_beside_cpu_hogs(graded_beside_hogs):
    (quiet, _), (busy, report) = graded_beside_hogs["quiet"], graded_beside_hogs["busy"]
    assert busy == quiet
    assert quiet and all(score == 6 for score in quiet.values()), quiet
    [row] = report["students"]
    assert row["status"] in ("graded", "repaired"), report
