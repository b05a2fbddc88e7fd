"""Regenerate the student release, notebooks/, from the instructor's source, solutions/.

    .venv/bin/python scripts/release.py

is the one command to run after changing anything in solutions/: it runs the real
`nbgrader generate_assignment` (with the repo's nbgrader_config.py) for every solutions/<id>/ at once,
into a temporary folder, and then makes notebooks/ mirror it: every notebooks/<id>/ is replaced, and
a notebooks/<id>/ whose source is gone is removed. Commit solutions/ and notebooks/ together.

The gradebook it updates is the course's own, gradebook.db at the repo root (gitignored), as a plain
`nbgrader generate_assignment` would: autograde checks the grade cells against it, so it must describe
the notebooks that were released. One difference: an assignment whose notebooks carry no points
(00_welcome) is released but then removed from the gradebook again, because nbgrader would otherwise give
every student a 0/0 row for it in `nbgrader export` (measured with nbgrader 0.9.6). Such an assignment is
not collected or autograded: `nbgrader autograde` stops on it with "No assignment with ID ... exists".
`generate_release()` is also what tests/test_release.py calls, with a throwaway gradebook, to check that
the committed notebooks/ is what this script produces.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from traitlets.config import PyFileConfigLoader

from autograde_tests.trusted import demo_cells

REPO_ROOT = Path(__file__).resolve().parent.parent


def nbgrader_env() -> dict[str, str]:
    """The environment for an nbgrader subprocess: nbgrader runs `alembic` as a subprocess to set up the
    gradebook, so this interpreter's bin/ (where pip put alembic) must come first on PATH, also when the
    venv was not activated."""
    env = os.environ.copy()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def generate_release(dest: Path, db_path: Path | None = None, root: Path = REPO_ROOT) -> list[str]:
    """Run `nbgrader generate_assignment` for every assignment in root/solutions, writing to dest/<id>/.

    dest must not exist yet. db_path: the gradebook to update (default: the course's, root/gradebook.db).
    Returns the ids of the assignments without points, which are left out of the gradebook.
    Raises CalledProcessError (with nbgrader's log in its output) when nbgrader fails.
    """
    if not any((root / "solutions").glob("*/*.ipynb")):
        raise FileNotFoundError(f"no notebooks in {root / 'solutions'}")
    command = [
        sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force",
        # nbgrader reads nbgrader_config.py from the working directory; these two flags only move the
        # output and, when asked, the gradebook.
        f"--CourseDirectory.release_directory={dest}",
    ]
    if db_path is not None:
        command.append(f"--CourseDirectory.db_url=sqlite:///{db_path}")
    subprocess.run(command, cwd=root, env=nbgrader_env(), check=True, capture_output=True, text=True)
    generated = sorted(p.name for p in dest.iterdir()) if dest.exists() else []
    expected = sorted(p.parent.name for p in (root / "solutions").glob("*/*.ipynb"))
    if generated != sorted(set(expected)):
        raise RuntimeError(f"nbgrader generated {generated}, expected one folder per source: {expected}")
    for path in sorted(dest.glob("*/*.ipynb")):
        mark_demo_cells_in(path, root / "solutions" / path.relative_to(dest))
    return unregister_ungraded(db_path or root / "gradebook.db", root)


def mark_demo_cells_in(path: Path, source: Path) -> None:
    """Mark the cells of the release notebook at `path` that grading need not run: those that only
    demonstrate (autograde_tests.trusted.demo_cells) in `source`, its notebook with the course's answers."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    with_answers = nbformat.read(source, as_version=nbformat.NO_CONVERT)
    if [c.cell_type for c in nb.cells] != [c.cell_type for c in with_answers.cells]:
        raise RuntimeError(f"{path} does not have the cells of {source}")
    demos = demo_cells.demo_cells(with_answers)
    for index, cell in enumerate(nb.cells):
        demo_cells.set_mark(cell, index in demos)
    nbformat.write(nb, path)


def points(assignment_dir: Path) -> float:
    """The points of every grade cell in the assignment's source notebooks."""
    total = 0.0
    for path in assignment_dir.glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            nbgrader = cell.get("metadata", {}).get("nbgrader", {})
            if nbgrader.get("grade"):
                total += float(nbgrader.get("points", 0))
    return total


def unregister_ungraded(db_path: Path, root: Path = REPO_ROOT) -> list[str]:
    """Remove every assignment of root/solutions that carries no points from the gradebook at db_path.

    Returns the ids removed.
    """
    course_id = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config().CourseDirectory.course_id
    ungraded = sorted(d.name for d in (root / "solutions").iterdir() if d.is_dir() and not points(d))
    removed = []
    with Gradebook(f"sqlite:///{db_path}", course_id) as gradebook:
        for assignment_id in ungraded:
            try:
                gradebook.remove_assignment(assignment_id)
            except MissingEntry:
                continue
            removed.append(assignment_id)
    return removed


def mirror(generated: Path, release_dir: Path) -> list[str]:
    """Make release_dir's assignment folders exactly those of `generated`. Returns what changed."""
    release_dir.mkdir(exist_ok=True)
    changes = []
    for old in sorted(p for p in release_dir.iterdir() if p.is_dir()):
        if not (generated / old.name).exists():
            shutil.rmtree(old)
            changes.append(f"removed {release_dir.name}/{old.name}/ (its source is gone)")
    for new in sorted(generated.iterdir()):
        target = release_dir / new.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(new, target)
        changes.append(f"wrote {release_dir.name}/{new.name}/")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate notebooks/ from solutions/ with nbgrader.")
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        generated = Path(tmp) / "notebooks"
        try:
            ungraded = generate_release(generated)
        except subprocess.CalledProcessError as error:
            print(error.stdout, error.stderr, sep="\n", file=sys.stderr)
            print("nbgrader generate_assignment failed; notebooks/ is unchanged.", file=sys.stderr)
            return 1
        for line in mirror(generated, REPO_ROOT / "notebooks"):
            print(line)
    for assignment_id in ungraded:
        print(f"{assignment_id} has no points: released, but not registered in gradebook.db")
    print("Done. Review with `git status notebooks/`, then commit solutions/ and notebooks/ together.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
