"""What the tests that grade a class share: a temporary course released with the real nbgrader command
line, submissions handed in, the grade command run, and the scores read back from the gradebook.

A course here is a temporary folder with a copy of solutions/<notebook>/ and of the repo's
nbgrader_config.py (optionally with a grading secret); `released_course` runs `nbgrader generate_assignment`
in it, which writes the release and registers the assignment in the course's gradebook.db.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry
from notebook_helpers import NBGRADER_CONFIG, REPO_ROOT, load_nbgrader_config

BIN = Path(sys.executable).parent
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def bin_on_path(env: dict[str, str] | None = None) -> dict[str, str]:
    """env (this process's by default) with this venv's bin/ first on PATH: nbgrader runs `alembic` as a
    subprocess to create the gradebook, and must find this venv's."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the nbgrader CLI of this environment in `course`; fail the test with its log on a non-zero exit."""
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=bin_on_path(), capture_output=True,
                            text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def answer_sources(solution: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> source of every answer (solution) cell, with nbgrader's solution markers removed so
    the code is what a student would have typed in place of the stub."""
    sources = {}
    for cell in solution.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = [line for line in cell.source.splitlines() if line.strip() not in SOLUTION_MARKERS]
            sources[meta["grade_id"]] = "\n".join(lines)
    return sources


def fill_in(release: nbformat.NotebookNode, sources: dict[str, str]) -> nbformat.NotebookNode:
    """The release with each answer cell's source replaced by the solution's, matched by grade_id."""
    submission = nbformat.from_dict(release)
    filled = set()
    for cell in submission.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = sources[grade_id]
            filled.add(grade_id)
    assert filled == set(sources), f"answer cells in the solutions but not in the release: {set(sources) - filled}"
    return submission


def copy_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A deep copy of nb, to change for one student without touching the others'."""
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def cell(nb: nbformat.NotebookNode, grade_id: str):
    """The cell of nb with this nbgrader grade_id."""
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def released_course(root: Path, notebook: str, secret: int | None = None):
    """A course at root with solutions/<notebook>/ and the course's configuration (and, given a secret, the
    grading secret in it), released by `nbgrader generate_assignment`; returns (release, the release with
    the solutions' answers filled in)."""
    shutil.copytree(REPO_ROOT / "solutions" / notebook, root / "solutions" / notebook)
    shutil.copy(NBGRADER_CONFIG, root / "nbgrader_config.py")
    if secret is not None:
        with open(root / "nbgrader_config.py", "a") as config:
            config.write(f"\nc.TrustedExecute.grading_secret = {secret}\n")
    nbgrader(root, "generate_assignment", notebook, "--force")
    release = nbformat.read(root / "notebooks" / notebook / f"{notebook}.ipynb", as_version=4)
    solution = nbformat.read(root / "solutions" / notebook / f"{notebook}.ipynb", as_version=4)
    return release, fill_in(release, answer_sources(solution))


def hand_in(root: Path, notebook: str, student: str, submission: nbformat.NotebookNode | str,
            file_name: str | None = None) -> Path:
    """Write submission (a notebook, or raw text for a file that is not one) where `nbgrader collect` would
    put it: submitted/<student>/<notebook>/<file_name, the notebook's own name by default>."""
    target = root / "submitted" / student / notebook / (file_name or f"{notebook}.ipynb")
    target.parent.mkdir(parents=True)
    if isinstance(submission, str):
        target.write_text(submission)
    else:
        nbformat.write(submission, target)
    return target


def grade_command(root: Path, notebook: str, *options: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """`python -m autograde_tests grade notebook *options` run in the course at root, as an instructor would."""
    return subprocess.run([sys.executable, "-m", "autograde_tests", "grade", notebook, *options], cwd=root,
                          env=bin_on_path(), capture_output=True, text=True, timeout=timeout)


def gradebook_scores(root: Path, notebook: str, student: str) -> dict[str, float] | None:
    """{grade cell: automatic score} of the student's graded submission in root's gradebook, or None if
    the gradebook has no submission of theirs."""
    course_id = load_nbgrader_config().CourseDirectory.course_id
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id) as gradebook:
        try:
            submission = gradebook.find_submission(notebook, student)
        except MissingEntry:
            return None
        return {grade.name: grade.auto_score for nb in submission.notebooks for grade in nb.grades}
