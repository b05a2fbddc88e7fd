"""The real nbgrader command line, end to end, in a temporary course directory.

The repo's solutions/ and nbgrader_config.py are copied into a temporary course root; then, as an
instructor would from the repo root: generate_assignment (and the marks of the cells that only
demonstrate, which scripts/release.py adds to the release, so that grading skips them as it does for a
class), two submissions written straight to submitted/<student>/<id>/ (nbgrader collect only moves files
there), autograde, generate_feedback, and export. One student hands in the release with every answer
cell filled in from the solutions, the other hands in the release untouched. Every CLI command covers all
assignments and students at once ("*"), because each nbgrader start costs a few seconds.
"""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from course_testing import answer_sources, fill_in, hand_in, nbgrader
from nbgrader.api import Gradebook
from notebook_helpers import NBGRADER_CONFIG, REPO_ROOT, load_nbgrader_config, notebook_ids

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from release import mark_demo_cells_in  # noqa: E402 -- scripts/ is not a package

# One worker runs the whole module, so its expensive course fixture is built once under `pytest -n 2`.
pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("nbgrader_pipeline_course")]

FULL, BLANK = "full_marks_student", "untouched_student"


def points_in_solutions(notebook_id: str) -> float:
    nb = nbformat.read(REPO_ROOT / "solutions" / notebook_id / f"{notebook_id}.ipynb", as_version=4)
    return sum(float(c.metadata["nbgrader"].get("points", 0)) for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade"))


def cell_grades(course: Path, assignment: str, student: str) -> str:
    """Per-cell grades from the gradebook, to show which cell went wrong when a total is off."""
    course_id = load_nbgrader_config().CourseDirectory.course_id
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gb:
        submission = gb.find_submission(assignment, student)
        return "\n".join(f"    {g.name}: {g.score} of {g.max_score}" for nb in submission.notebooks for g in nb.grades)


@dataclass
class Course:
    root: Path
    autograde_log: str = ""


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    """A course directory after generate_assignment, autograde, generate_feedback and export."""
    ids = notebook_ids()
    if not ids:
        pytest.skip("no notebooks in solutions/ yet")
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO_ROOT / "solutions", course / "solutions",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copy(NBGRADER_CONFIG, course / "nbgrader_config.py")

    nbgrader(course, "generate_assignment", "*", "--force")
    for nb_id in ids:
        release_path, solution_path = (course / kind / nb_id / f"{nb_id}.ipynb" for kind in ("notebooks", "solutions"))
        mark_demo_cells_in(release_path, solution_path)
        release = nbformat.read(release_path, as_version=4)
        solution = nbformat.read(solution_path, as_version=4)
        for student, notebook in ((FULL, fill_in(release, answer_sources(solution))), (BLANK, release)):
            hand_in(course, nb_id, student, notebook)

    autograde_log = nbgrader(course, "autograde", "*").stderr
    nbgrader(course, "generate_feedback", "*")
    nbgrader(course, "export")
    return Course(course, autograde_log)


def test_release_is_generated_for_every_solution(course):
    assert notebook_ids("notebooks", course.root) == notebook_ids("solutions", course.root)


def test_autograde_grades_every_submission(course):
    """No submission was dropped: nbgrader removes the autograded copy of a notebook it failed on (a dead
    kernel, a broken notebook) and says so in its log, but still exits 0."""
    assert "Removing failed assignment" not in course.autograde_log, course.autograde_log
    for student in (FULL, BLANK):
        assert notebook_ids(f"autograded/{student}", course.root) == notebook_ids(root=course.root)


def read_export(course: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(course / "grades.csv", newline="") as f:
        return {(row["assignment"], row["student_id"]): row for row in csv.DictReader(f)}


@pytest.mark.parametrize("student", [FULL, BLANK])
def test_export_totals(course, student):
    """grades.csv: max_score is the sum of the points in the solutions; the filled-in release earns all of
    them and the untouched release none."""
    rows = read_export(course.root)
    for nb_id in notebook_ids(root=course.root):
        row = rows[(nb_id, student)]
        max_points = points_in_solutions(nb_id)
        expected = max_points if student == FULL else 0.0
        assert float(row["max_score"]) == pytest.approx(max_points), nb_id
        assert float(row["score"]) == pytest.approx(expected), (
            f"{student} scored {row['score']} of {row['max_score']} on {nb_id}; per cell:\n"
            + cell_grades(course.root, nb_id, student))


@pytest.mark.parametrize("student", [FULL, BLANK])
def test_feedback_html_is_written(course, student):
    for nb_id in notebook_ids(root=course.root):
        html = (course.root / "feedback" / student / nb_id / f"{nb_id}.html").read_text()
        # nbgrader's feedback template states the score as "Score: <got> / <max>".
        got = points_in_solutions(nb_id) if student == FULL else 0.0
        assert f"Score: {got:.1f} / {points_in_solutions(nb_id):.1f}" in html, nb_id
