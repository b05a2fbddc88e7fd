"""Time class grading: plain nbgrader, trusted nbgrader, the parallel command and a Dask LocalCluster.

    python benchmarks/bench_grading.py [--students 20] [--notebook 03_activations] [--repeat 1] [--only NAME,...]

Builds a temporary course with the notebook's release and N synthetic submissions (every third one with
a wrong answer), then times, on the same class: `nbgrader autograde` with nbgrader's own preprocessors
(plain serial), `nbgrader autograde` with this repository's trusted pipeline (trusted serial),
`python -m autograde_tests grade --workers 2` (trusted parallel), the same on a 2-worker Dask
LocalCluster, and trusted serial again with the worker's sandbox switched off (AUTOGRADE_SANDBOX=off). The
settings take turns, so a busy machine slows them alike. Prints seconds per setting (best and median) and
the ratios the issues ask for.
"""

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "scripts"))
from release import mark_demo_cells_in  # noqa: E402 -- scripts/ is not a package

PLAIN = """
from nbgrader.converters import Autograde as _Autograde
c.Autograde.sanitize_preprocessors = _Autograde.class_traits()["sanitize_preprocessors"].default()
c.Autograde.autograde_preprocessors = _Autograde.class_traits()["autograde_preprocessors"].default()
"""


def _env(**extra):
    return dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""), **extra)


def _build(root, notebook, students):
    shutil.copytree(REPO / "solutions" / notebook, root / "solutions" / notebook)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", notebook, "--force"], cwd=root, env=_env(),
                   check=True, capture_output=True)
    # As scripts/release.py does: cells that only demonstrate are marked, and grading skips them.
    mark_demo_cells_in(root / "notebooks" / notebook / f"{notebook}.ipynb",
                       root / "solutions" / notebook / f"{notebook}.ipynb")
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


def _timed(command, root, **extra_env):
    start = time.perf_counter()
    subprocess.run(command, cwd=root, env=_env(**extra_env), capture_output=True, text=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--notebook", default="03_activations")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated settings to time (default: all)")
    args = parser.parse_args(argv)
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        root = Path(tmp)
        _build(root, args.notebook, args.students)
        trusted_config = (root / "nbgrader_config.py").read_text()
        settings = ("plain serial", "trusted serial", "trusted parallel (2)", "Dask LocalCluster (2)",
                    "trusted serial unsandboxed")
        chosen = [name.strip() for name in args.only.split(",") if name.strip()] or settings
        times = {name: [] for name in settings if name in chosen}
        autograde = [str(BIN / "nbgrader"), "autograde", args.notebook, "--force"]
        grade = [sys.executable, "-m", "autograde_tests", "grade", args.notebook]
        with contextlib.ExitStack() as stack:
            cluster = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                                                       silence_logs=50)) if "Dask LocalCluster (2)" in times else None
            runs = {
                "plain serial": lambda: _timed(autograde, root),
                "trusted serial": lambda: _timed(autograde, root),
                "trusted parallel (2)": lambda: _timed(grade + ["--workers", "2"], root),
                "Dask LocalCluster (2)": lambda: _timed(grade + ["--scheduler", cluster.scheduler_address], root),
                "trusted serial unsandboxed": lambda: _timed(autograde, root, AUTOGRADE_SANDBOX="off"),
            }
            for _ in range(args.repeat):
                for name in times:
                    (root / "nbgrader_config.py").write_text(trusted_config + (PLAIN if name == "plain serial" else ""))
                    times[name].append(runs[name]())
    best = {name: min(values) for name, values in times.items()}
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.students} submissions of {args.notebook}, {args.repeat} runs each (best, median):")
    for name in times:
        print(f"  {name:<27} {best[name]:6.1f} s {median[name]:6.1f} s   ({best[name] / args.students:.2f} s per "
              "submission at best)")
    if {"trusted serial", "plain serial"} <= set(times):
        print(f"trusted serial / plain serial: {best['trusted serial'] / best['plain serial']:.2f} (goal <= 1.5)")
    if {"plain serial", "trusted parallel (2)"} <= set(times):
        print(f"plain serial / trusted parallel: {best['plain serial'] / best['trusted parallel (2)']:.2f} "
              "(goal >= 1.8)")
    if {"trusted serial", "trusted serial unsandboxed"} <= set(times):
        print("trusted serial with / without the sandbox: "
              f"{median['trusted serial'] / median['trusted serial unsandboxed']:.2f} on medians, "
              f"{best['trusted serial'] / best['trusted serial unsandboxed']:.2f} at best (goal <= 1.1)")


if __name__ == "__main__":
    main()
