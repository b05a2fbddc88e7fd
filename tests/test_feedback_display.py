"""What a student sees when a check fails: in the notebook, only the message (no grader source, no
paths); in nbgrader's Validate, every line of it, uncut."""

import io

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.validator import Validator
from notebook_helpers import REPO_ROOT, load_nbgrader_config

pytestmark = pytest.mark.nb03

WRONG_RELU = "import numpy as np\nfrom autograde_tests.nb03 import check_relu\ncheck_relu(lambda z: np.abs(z))"


def test_a_failed_check_shows_its_message_and_nothing_of_the_grader():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(WRONG_RELU)]
    NotebookClient(nb, allow_errors=True, kernel_name="python3", timeout=60).execute()
    error = next(o for o in nb.cells[0].outputs if o.output_type == "error")
    shown = "\n".join(error.traceback)
    assert error.ename == "CheckFailed"
    assert shown.splitlines()[0].startswith("relu failed on z = ")
    assert "Known mistake, absolute value" in shown
    assert "autograde_tests" not in shown and str(REPO_ROOT) not in shown and "Traceback" not in shown


def test_validate_shows_every_line_of_the_message(tmp_path):
    release = nbformat.read(REPO_ROOT / "notebooks" / "03_activations" / "03_activations.ipynb", as_version=4)
    for cell in release.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "relu_answer":
            cell.source = "def relu(z):\n    return np.abs(z)"
    path = tmp_path / "03_activations.ipynb"
    nbformat.write(release, path)
    validator = Validator(config=load_nbgrader_config())
    validator.stream = io.StringIO()
    validator.validate_and_print(str(path))
    report = validator.stream.getvalue()
    assert "Known mistake, absolute value: relu zeroes negative inputs; the absolute value" in report
    assert "flips their sign." in report
    assert not [line for line in report.splitlines() if line.endswith("...") and "relu" in line], report
