"""`python -m autograde_tests check PATH.ipynb`: a self-learner's autograder, with no grading server.

The notebook is repaired against the course's release of the same notebook (found by its file name, or
by the grade ids it holds), run in a worker process like autograding does, and every exercise is checked
with its hidden cases.
"""

import json
import sys
from pathlib import Path

import nbformat

from autograde_tests.trusted.grading import grade_notebook
from autograde_tests.trusted.preprocessors import repair

RELEASE_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def _release_for(nb, path):
    releases = {p.stem: p for p in RELEASE_DIR.glob("*/*.ipynb") if p.stem == p.parent.name}
    if path.stem in releases:
        return nbformat.read(releases[path.stem], as_version=4)
    ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
    best, overlap = None, 0
    for release_path in releases.values():
        release = nbformat.read(release_path, as_version=4)
        shared = len(ids & {c.metadata.get("nbgrader", {}).get("grade_id") for c in release.cells})
        if shared > overlap:
            best, overlap = release, shared
    return best


def check_notebook(path, as_json=False, out=sys.stdout):
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # any unreadable file gets the same clear answer
        print(f"{path}: not a readable notebook ({type(error).__name__}: {error})", file=out)
        return 2
    release = _release_for(nb, path)
    repairs = []
    if release is not None:
        nb, repairs = repair(nb, release)
    graded = grade_notebook(nb, cwd=str(path.parent), thorough=True)
    rows = []
    for (index, result), outcome in zip(sorted(graded.verdicts.items()), graded.outcomes):
        points = float(nb.cells[index].metadata.get("nbgrader", {}).get("points", 0))
        rows.append({"exercise": ", ".join(dict.fromkeys(result.exercises)) or f"cell {index}",
                     "points": points if result.passed else 0.0, "max_points": points,
                     "passed": result.passed, "message": "" if result.passed else result.text}
                    | {key: outcome[key] for key in ("mistake_id", "mistake_title", "case", "kind")})
    skipped = [f"cell {i} {run.lost}" for i, run in sorted(graded.runs.items()) if run.lost]
    if as_json:
        json.dump({"notebook": str(path), "exercises": rows, "repairs": repairs, "skipped_cells": skipped,
                   "timed_out": graded.timed_out}, out, indent=2)
        out.write("\n")
    else:
        _print_table(rows, repairs, skipped, graded.timed_out, out)
    return 0 if rows and all(r["passed"] for r in rows) else 1


def _print_table(rows, repairs, skipped, timed_out, out):
    width = max([len(r["exercise"]) for r in rows] + [8])
    for row in rows:
        mark = "✓" if row["passed"] else "✗"
        print(f"{mark} {row['exercise']:<{width}}  {row['points']:g} / {row['max_points']:g}", file=out)
        if not row["passed"]:
            print("\n".join("    " + line for line in row["message"].splitlines()), file=out)
    total, maximum = sum(r["points"] for r in rows), sum(r["max_points"] for r in rows)
    print(f"\n{sum(r['passed'] for r in rows)} of {len(rows)} exercises pass: {total:g} of {maximum:g} points.",
          file=out)
    for line in repairs:
        print(f"(repaired: {line})", file=out)
    for line in skipped:
        print(f"(skipped: {line})", file=out)
    if timed_out:
        print("(Stopped by a clock limit, not for the work done: "
              + "; ".join(timed_out) + ". Code that waits (sleep, input) is stopped this way, and so is any "
              "code when the machine is very busy: if yours does not wait, run the check again.)", file=out)
