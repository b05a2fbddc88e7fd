"""The committed release, notebooks/, is exactly what `scripts/release.py` makes from solutions/, and it
gives nothing away: no outputs, no solutions, no hidden tests.

The regeneration runs the real `nbgrader generate_assignment` (through release.py's own function) into
a temporary folder, with a throwaway gradebook so that the course's gradebook.db is not touched.
Notebooks are compared as parsed JSON. Nothing is normalised: nbgrader 0.9.6 embeds nothing volatile
(checksums are hashes of the cell sources, cell ids are copied from the source notebook), and
nbgrader_config.py has ClearOutput drop JupyterLab's per-cell execution timestamps.
"""

import json
import sys
from pathlib import Path

import pytest
from notebook_helpers import REPO_ROOT, notebook_ids, notebook_params, notebook_path

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from release import generate_release  # noqa: E402 -- scripts/ is not a package

# One worker runs the module, so that the release is regenerated once under `pytest -n 2`.
pytestmark = pytest.mark.xdist_group("release")

STALE_HINT = "notebooks/ is out of date: run `.venv/bin/python scripts/release.py` and commit notebooks/"
# Text that must never reach students: nbgrader's delimiters around solutions and hidden tests.
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("release")
    generate_release(tmp / "notebooks", db_path=tmp / "gradebook.db")
    return tmp / "notebooks"


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts)


def describe_difference(committed: dict, fresh: dict) -> str:
    """Which cells (or which notebook-level keys) differ, so the failure says where to look."""
    lines = [f"notebook key {key!r} differs" for key in sorted(set(committed) | set(fresh))
             if key != "cells" and committed.get(key) != fresh.get(key)]
    old_cells, new_cells = committed.get("cells", []), fresh.get("cells", [])
    if len(old_cells) != len(new_cells):
        lines.append(f"{len(old_cells)} cells committed, {len(new_cells)} regenerated")
    for index, (old, new) in enumerate(zip(old_cells, new_cells)):
        if old != new:
            grade_id = new.get("metadata", {}).get("nbgrader", {}).get("grade_id", "no grade_id")
            lines.append(f"cell {index} ({grade_id}) differs")
    return "\n".join(lines)


def test_every_source_has_a_release_and_nothing_else():
    assert notebook_ids("notebooks") == notebook_ids("solutions"), STALE_HINT


@pytest.mark.parametrize("notebook_id", notebook_params("solutions"))
def test_committed_release_equals_regenerated(regenerated, notebook_id):
    committed_dir = REPO_ROOT / "notebooks" / notebook_id
    fresh_dir = regenerated / notebook_id
    # generate_assignment copies every other file of solutions/<id>/ too (images, data).
    assert files_under(committed_dir) == files_under(fresh_dir), STALE_HINT
    for name in files_under(fresh_dir):
        committed, fresh = committed_dir / name, fresh_dir / name
        if name.endswith(".ipynb"):
            old, new = json.loads(committed.read_text()), json.loads(fresh.read_text())
            assert old == new, f"{name}: {STALE_HINT}\n{describe_difference(old, new)}"
        else:
            assert committed.read_bytes() == fresh.read_bytes(), f"{name}: {STALE_HINT}"


@pytest.mark.parametrize("notebook_id", notebook_params("notebooks"))
def test_release_gives_nothing_away(notebook_id):
    nb = json.loads(notebook_path(notebook_id, "notebooks").read_text())
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"cell {index} has outputs"
        source = "".join(cell["source"])
        leaked = [m for m in MARKERS if m in source]
        assert not leaked, f"cell {index} still contains {leaked}"
    # Widget state saved by JupyterLab would show the solution's widgets before anything runs.
    assert "widgets" not in nb["metadata"], (
        "the release carries saved widget state: delete metadata.widgets from the source notebook "
        "(and keep JupyterLab's Settings > Save Widget State Automatically off)")
