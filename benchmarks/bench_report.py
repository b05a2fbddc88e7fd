"""Time the class report at course scale: `python -m autograde_tests report --all` on N students × every notebook.

    python benchmarks/bench_report.py [--students 1000] [--seed 0] [--repeat 3]

Builds a temporary course with an autograded notebook per student and notebook of the course: the release
notebook's cells (about the size of an autograded notebook, whose demonstration cells are not run) and
outcomes in its metadata as grading records them, each exercise passed, failed with one of its catalogued
mistakes, or failed with no named mistake, drawn from a np.random.Generator seeded with --seed. Then times
the whole command (a fresh Python process, imports included) and prints the seconds, best and median, and
the machine's load.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from autograde_tests import core, registry  # noqa: E402 -- the repository root is not installed here


def _outcomes(notebook, rng):
    outcomes = []
    for exercise in notebook.exercises:
        draw = rng.random()
        mistakes = exercise.mistakes
        if draw < 0.6:
            mistake, case, kind = None, None, None
        elif draw < 0.9 and mistakes:
            mistake, case, kind = mistakes[rng.integers(len(mistakes))], "z = -1", "mistake"
        else:
            mistake, case, kind = None, f"case {rng.integers(3)}", "other"
        passed = kind is None
        outcomes.append({"exercise": exercise.name, "passed": passed, "points": 2.0 if passed else 0.0,
                         "max_points": 2.0, "mistake_id": mistake and core.mistake_id(exercise.name, mistake),
                         "mistake_title": mistake and mistake.name, "case": case, "kind": kind,
                         "message": "" if passed else f"{exercise.name} failed on {case}: ..."})
    return outcomes


def build_course(root, students, rng):
    for notebook in registry.notebooks():
        assignment = notebook.notebook_id
        release = json.loads((REPO / "notebooks" / assignment / f"{assignment}.ipynb").read_text())
        for i in range(students):
            folder = Path(root, "autograded", f"student{i:04d}", assignment)
            folder.mkdir(parents=True)
            release["metadata"]["autograde_tests"] = {"outcomes": _outcomes(notebook, rng)}
            # As nbformat.write writes it (nbformat itself takes seconds to import).
            text = json.dumps(release, indent=1, sort_keys=True, ensure_ascii=False)
            (folder / f"{assignment}.ipynb").write_text(text + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        started = time.perf_counter()
        build_course(root, args.students, np.random.default_rng(args.seed))
        assignments = len(list(Path(root, "autograded", "student0000").iterdir()))
        print(f"built {args.students} students × {assignments} notebooks in {time.perf_counter() - started:.1f} s")
        env = dict(os.environ, PYTHONPATH=str(REPO))
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autograde_tests", "report", "--all"], cwd=root, env=env,
                           check=True, capture_output=True)
            seconds.append(time.perf_counter() - started)
        size = sum(f.stat().st_size for f in Path(root, "reports").rglob("*")) / 1e6
        print(f"report --all: best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; reports {size:.1f} MB)")


if __name__ == "__main__":
    main()
