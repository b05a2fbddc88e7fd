"""Run a course notebook in a fresh kernel and score it the way `nbgrader autograde` does.

The one place where tests (and scripts/benchmark_notebooks.py) execute and score notebooks:

- execution uses nbgrader's own `Execute` preprocessor, configured from the repo's nbgrader_config.py
  (so the per-cell timeout is the one autograde uses, errors do not stop the run, and a timed-out cell
  gets an error output just as in autograde), with the notebook's folder as the working directory;
- scoring uses `nbgrader.utils.determine_grade` on every grade cell, never a re-implementation of it
  (it gives 0 for any stderr output and reads a displayed last value as partial credit).

It imports nothing from pytest, so it also runs as a script inside another environment, which is how
tests/test_binder.py executes notebooks in the venv built from binder/:

    python tests/notebook_helpers.py solutions/01_single_neuron/01_single_neuron.ipynb ...

prints one JSON object per notebook (see `NotebookRun.to_json`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import Execute
from nbgrader.utils import determine_grade, is_grade, is_solution
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO_ROOT = Path(__file__).resolve().parent.parent
NBGRADER_CONFIG = REPO_ROOT / "nbgrader_config.py"


def load_nbgrader_config(path: Path = NBGRADER_CONFIG) -> Config:
    """The repo's nbgrader configuration, as nbgrader itself reads it."""
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def notebook_ids(kind: str = "solutions", root: Path = REPO_ROOT) -> list[str]:
    """Ids of the notebooks under `root/kind`, i.e. every <id> with a <kind>/<id>/<id>.ipynb, sorted."""
    return sorted(p.parent.name for p in (root / kind).glob("*/*.ipynb") if p.stem == p.parent.name)


def notebook_path(notebook_id: str, kind: str = "solutions", root: Path = REPO_ROOT) -> Path:
    return root / kind / notebook_id / f"{notebook_id}.ipynb"


def marker_name(notebook_id: str) -> str:
    """The pytest marker of a notebook: "nb" and the id's two-digit number, e.g. nb03 for 03_activations.
    Each one must be registered in pyproject.toml (pytest runs with --strict-markers)."""
    return "nb" + notebook_id[:2]


def notebook_params(kind: str = "solutions", root: Path = REPO_ROOT) -> list:
    """`pytest.param(id, marks=<the notebook's marker>, id=id)` for every notebook of `kind`, so that
    `pytest -m nb03` selects one notebook's tests."""
    import pytest  # only here: the rest of this module must work without pytest installed

    return [
        pytest.param(nb_id, marks=getattr(pytest.mark, marker_name(nb_id)), id=nb_id)
        for nb_id in notebook_ids(kind, root)
    ]


@dataclass
class CellScore:
    """One grade cell as nbgrader scores it. `score` is None for a manually graded cell that changed."""

    index: int
    grade_id: str
    score: float | None
    max_points: float
    autograded: bool
    output_text: str


@dataclass
class CellError:
    """A cell whose execution produced an error output."""

    index: int
    grade_id: str | None
    is_grade: bool
    ename: str
    evalue: str
    traceback: str


@dataclass
class NotebookRun:
    path: str
    seconds: float
    scores: list[CellScore] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(s.score or 0.0 for s in self.scores)

    @property
    def max_total(self) -> float:
        return sum(s.max_points for s in self.scores)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> NotebookRun:
        return cls(
            path=data["path"],
            seconds=data["seconds"],
            scores=[CellScore(**s) for s in data["scores"]],
            errors=[CellError(**e) for e in data["errors"]],
        )

    def describe_failures(self, want_full: bool) -> str:
        """Readable lines for the grade cells that did not score as wanted, and for the errors."""
        lines, shown = [], set()
        for s in self.scores:
            if not s.autograded:
                continue
            if (s.score != s.max_points) if want_full else (s.score != 0):
                shown.add(s.index)
                lines.append(f"grade cell {s.grade_id!r} (cell {s.index}) scored {s.score} of {s.max_points}; "
                             f"its output:\n{_indent(s.output_text) or '    (none)'}")
        for e in self.errors:
            if e.index in shown:  # its traceback is already in the cell's output above
                continue
            lines.append(f"cell {e.index} ({e.grade_id or 'no grade_id'}) raised {e.ename}: {e.evalue}\n"
                         f"{_indent(e.traceback)}")
        return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _output_text(output) -> str:
    """A plain-text rendering of one cell output, for failure messages."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"[{output['name']}] {output['text']}".rstrip()
    if kind == "error":
        return _strip_ansi("\n".join(output.get("traceback", [])) or f"{output['ename']}: {output['evalue']}")
    data = output.get("data", {})
    return f"[{kind}] " + str(data.get("text/plain", sorted(data)))


def execute_notebook(path: Path, config: Config | None = None) -> nbformat.NotebookNode:
    """Execute a copy of the notebook at `path` top to bottom in a fresh kernel, as autograde does:
    nbgrader's `Execute` preprocessor with the repo's config, errors allowed, cwd = the notebook's folder.
    The file itself is not changed."""
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    executor = Execute(config=config if config is not None else load_nbgrader_config())
    executor.preprocess(nb, {"metadata": {"path": str(path.parent)}})
    return nb


def score_notebook(nb: nbformat.NotebookNode) -> tuple[list[CellScore], list[CellError]]:
    """Every grade cell's score from nbgrader.utils.determine_grade, and every error output."""
    scores, errors = [], []
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if is_grade(cell):
            score, max_points = determine_grade(cell)
            scores.append(CellScore(
                index=index,
                grade_id=meta.get("grade_id", ""),
                score=None if score is None else float(score),
                max_points=float(max_points),
                # A grade cell that is also a solution cell is graded by hand (its score is 0 when
                # untouched, None otherwise); only code grade cells without a solution are autograded.
                autograded=cell.cell_type == "code" and not is_solution(cell),
                output_text="\n".join(_output_text(o) for o in cell.get("outputs", [])),
            ))
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(CellError(
                    index=index,
                    grade_id=meta.get("grade_id"),
                    is_grade=is_grade(cell),
                    ename=output.get("ename", ""),
                    evalue=output.get("evalue", ""),
                    traceback=_strip_ansi("\n".join(output.get("traceback", []))),
                ))
    return scores, errors


def run_notebook(path: Path, config: Config | None = None) -> NotebookRun:
    """Execute and score one notebook."""
    start = time.perf_counter()
    nb = execute_notebook(path, config)
    seconds = time.perf_counter() - start
    scores, errors = score_notebook(nb)
    return NotebookRun(path=str(path), seconds=seconds, scores=scores, errors=errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(json.dumps(run_notebook(path).to_json()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
