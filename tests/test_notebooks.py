"""Every notebook runs top to bottom in a fresh kernel and scores as it should under nbgrader.

- solutions/<id>/<id>.ipynb (the reference answers, hidden tests included): no cell errors and every
  grade cell earns its full points;
- notebooks/<id>/<id>.ipynb (the release as a student first sees it): every grade cell scores 0 because
  the exercises are not done, and those cells fail by judging the unanswered exercise rather than by
  crashing; no other cell errors, so an untouched notebook runs to the end.

Scores come from nbgrader's own `determine_grade` (see notebook_helpers); `pytest -m nb03` runs one
notebook's tests.
"""

import warnings

import nbformat
import pytest
from notebook_helpers import notebook_params, notebook_path, run_notebook

# How a grade cell fails when the exercise is not done: a check from autograde_tests raises
# CheckFailed (an AssertionError) naming the NotImplementedError, and a plain assert raises
# AssertionError. Any other exception in a grade cell of the release is the test cell itself breaking.
EXPECTED_FAILURES_IN_RELEASE = {"CheckFailed", "AssertionError", "NotImplementedError"}


@pytest.mark.parametrize("notebook_id", notebook_params("solutions"))
def test_solution_runs_and_earns_full_marks(notebook_id):
    run = run_notebook(notebook_path(notebook_id, "solutions"))
    short = [s for s in run.scores if s.autograded and s.score != s.max_points]
    assert not run.errors and not short, (
        f"{notebook_id} (solutions) scored {run.total} of {run.max_total}:\n{run.describe_failures(want_full=True)}")


@pytest.mark.parametrize("notebook_id", notebook_params("notebooks"))
def test_untouched_release_scores_zero_without_crashing(notebook_id):
    run = run_notebook(notebook_path(notebook_id, "notebooks"))
    crashed = [e for e in run.errors if not e.is_grade or e.ename not in EXPECTED_FAILURES_IN_RELEASE]
    assert not crashed, (
        f"{notebook_id} (release) has cells that crash before any answer is written:\n"
        + "\n".join(f"cell {e.index} ({e.grade_id}) raised {e.ename}: {e.evalue}\n{e.traceback}" for e in crashed))
    scored = [s for s in run.scores if s.score != 0]
    assert not scored, (
        f"{notebook_id} (release) earns points with no answers:\n{run.describe_failures(want_full=False)}")


@pytest.mark.parametrize("notebook_id", notebook_params("solutions"))
def test_cell_ids_are_unique_and_the_release_keeps_them(notebook_id):
    """Every cell has an id of its own (nbformat warns DuplicateCellId, and renames the copy, when two share
    one), and the release carries the source's ids in the same order, so a cell keeps its id from one
    release to the next."""
    ids = {}
    for kind in ("solutions", "notebooks"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            notebook = nbformat.read(notebook_path(notebook_id, kind), as_version=nbformat.NO_CONVERT)
            nbformat.validate(notebook)
        ids[kind] = [cell.get("id") for cell in notebook.cells]
        assert None not in ids[kind] and len(set(ids[kind])) == len(ids[kind]), f"{kind}: {ids[kind]}"
    assert ids["notebooks"] == ids["solutions"]
