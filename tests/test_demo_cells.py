"""Cells that only demonstrate: the rule, the release's marks, and what grading runs."""

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograde_tests.trusted import demo_cells
from autograde_tests.trusted.grading import NOT_RUN_NOTE, grade_notebook
from tests.grader_testing import REPO_ROOT

RELEASES = sorted((REPO_ROOT / "notebooks").glob("*/*.ipynb"))


def _cell(source, **nbgrader):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": f"cell{abs(hash(source))}", "locked": True, **nbgrader}
    return cell


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_the_release_marks_exactly_the_cells_that_only_demonstrate_with_the_courses_answers(path):
    nb = nbformat.read(path, as_version=4)
    with_answers = nbformat.read(REPO_ROOT / "solutions" / path.parent.name / path.name, as_version=4)
    marked = {i for i, c in enumerate(nb.cells) if c.metadata.get(demo_cells.MARK, {}).get("demo")}
    assert marked == demo_cells.demo_cells(with_answers)
    grades = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade")]
    # Read-only cells of the course (a grade id, no answer) in plain Python; a scratch cell is the student's.
    after_last_grade = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (not grades or i > grades[-1])
                        and c.metadata.get("nbgrader", {}).get("grade_id")
                        and not c.metadata["nbgrader"].get("solution")
                        and demo_cells.bound_names(c.source) is not None}
    assert after_last_grade <= marked
    for index in marked:
        meta = nb.cells[index].metadata["nbgrader"]
        assert not meta.get("solution") and not meta.get("grade")


def test_a_cell_is_a_demo_only_when_no_later_graded_cell_reads_what_it_binds():
    nb = new_notebook(cells=[
        _cell("import numpy as np"),
        _cell("X = np.ones(3)"),
        _cell("table = {}\ntable['a'] = 1"),
        _cell("shown = np.zeros(2)\nprint(shown)"),
        _cell("def f(X, rng=None):\n    return np.asarray(X) + table['a']", solution=True, locked=False),
        _cell("check(f)", grade=True, points=1),
        _cell("%matplotlib inline"),
        _cell("plot(f)"),
    ])
    # X is only a parameter of the answer, table is read by it, np is read; shown is read by nothing.
    assert demo_cells.demo_cells(nb) == {1, 3, 7}


def test_grading_runs_a_marked_cell_when_the_students_own_answer_reads_its_name():
    nb = new_notebook(cells=[
        _cell("import numpy as np"),
        _cell("def relu(z):\n    return np.maximum(z, 0)", solution=True, locked=False),
        _cell("from autograde_tests.nb03 import check_relu\ncheck_relu(relu)", grade=True, points=1),
        _cell("SLOPE = 0.01\nprint('a demo')"),
        _cell("def leaky_relu(z, alpha=None):\n    return np.where(z > 0, z, SLOPE * z) if alpha is None "
              "else np.where(z > 0, z, alpha * z)", solution=True, locked=False),
        _cell("from autograde_tests.nb03 import check_leaky_relu\ncheck_leaky_relu(leaky_relu)", grade=True,
              points=1),
        _cell("print('the end')"),
    ])
    demo_cells.mark_demo_cells(nb)
    graded_as_released = copy.deepcopy(nb)
    # The course's answer does not read SLOPE, this student's does.
    graded_as_released.cells[4].source = "def leaky_relu(z, alpha=0.01):\n    return np.where(z > 0, z, alpha * z)"
    demo_cells.mark_demo_cells(graded_as_released)
    nb.cells[3].metadata[demo_cells.MARK] = graded_as_released.cells[3].metadata[demo_cells.MARK]
    assert demo_cells.cells_to_skip(nb) == {6}
    graded = grade_notebook(nb, cwd=str(REPO_ROOT))
    assert all(v.passed for v in graded.verdicts.values()), [v.text for v in graded.verdicts.values()]
    assert graded.not_run == {6} and nb.cells[6].outputs[0]["text"] == NOT_RUN_NOTE
    assert nb.cells[3].outputs[0]["text"] == "a demo\n"
