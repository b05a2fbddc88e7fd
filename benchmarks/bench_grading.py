"""Time class grading: plain nbgrader, trusted nbgrader, the parallel command and a Dask LocalCluster.

    python benchmarks/bench_grading.py [--students 20] [--notebook 03_activations] [--repeat 1]

Builds a temporary course with the notebook's release and N synthetic submissions (every third one with
a wrong answer), then times, on the same class: `nbgrader autograde` with nbgrader's own preprocessors
(plain serial), `nbgrader autograde` with this repository's trusted pipeline (trusted serial),
`python -m autograde_tests grade --workers 2` (trusted parallel) and the same on a 2-worker Dask
LocalCluster. Prints seconds per setting and the ratios the issue asks for.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PLAIN = """
from nbgrader.converters import Autograde as _Autograde
c.Autograde.sanitize_preprocessors = _Autograde.class_traits()["sanitize_preprocessors"].default()
c.Autograde.autograde_preprocessors = _Autograde.class_traits()["autograde_preprocessors"].default()
"""


def _env():
    return dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))


def _build(root, notebook, students):
    shutil.copytree(REPO / "solutions" / notebook, root / "solutions" / notebook)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", notebook, "--force"], cwd=root, env=_env(),
                   check=True, capture_output=True)
    release = nbformat.read(root / "notebooks" / notebook / f"{notebook}.ipynb", as_version=4)
    solution = nbformat.read(root / "solutions" / notebook / f"{notebook}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: "\n".join(
        line for line in c.source.splitlines() if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)
        for c in solution.cells if c.metadata.get("nbgrader", {}).get("solution")}
    for k in range(students):
        nb = nbformat.from_dict(release)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id] if k % 3 or grade_id != next(iter(answers)) else cell.source
        target = root / "submitted" / f"student{k:02d}" / notebook / f"{notebook}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)


def _timed(command, root):
    start = time.perf_counter()
    subprocess.run(command, cwd=root, env=_env(), capture_output=True, text=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--notebook", default="03_activations")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        root = Path(tmp)
        _build(root, args.notebook, args.students)
        trusted_config = (root / "nbgrader_config.py").read_text()
        settings = ("plain serial", "trusted serial", "trusted parallel (2)", "Dask LocalCluster (2)")
        times = {name: [] for name in settings}
        autograde = [str(BIN / "nbgrader"), "autograde", args.notebook, "--force"]
        grade = [sys.executable, "-m", "autograde_tests", "grade", args.notebook]
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster:
            for _ in range(args.repeat):
                (root / "nbgrader_config.py").write_text(trusted_config + PLAIN)
                times["plain serial"].append(_timed(autograde, root))
                (root / "nbgrader_config.py").write_text(trusted_config)
                times["trusted serial"].append(_timed(autograde, root))
                times["trusted parallel (2)"].append(_timed(grade + ["--workers", "2"], root))
                times["Dask LocalCluster (2)"].append(_timed(grade + ["--scheduler", cluster.scheduler_address], root))
    best = {name: min(values) for name, values in times.items()}
    print(f"{args.students} submissions of {args.notebook}, best of {args.repeat}:")
    for name, seconds in best.items():
        print(f"  {name:<24} {seconds:6.1f} s   ({seconds / args.students:.2f} s per submission)")
    print(f"trusted serial / plain serial: {best['trusted serial'] / best['plain serial']:.2f} (goal <= 1.5)")
    print(f"plain serial / trusted parallel: {best['plain serial'] / best['trusted parallel (2)']:.2f} (goal >= 1.8)")


if __name__ == "__main__":
    main()
