"""How long every solution notebook takes top to bottom in a fresh kernel, as a table with the total.

    .venv/bin/python benchmarks/notebook_times.py [--markdown] [ID ...]

Each notebook runs once through tests/notebook_helpers.run_notebook (nbgrader's Execute preprocessor with the
repo's nbgrader_config.py, a new kernel, kernel start included) and is scored as autograde would. The table
gives seconds, the notebook's limit (60 s for the capstone, 15 s for the others, on 2 cores) and the points
its grade cells scored; --markdown prints it ready for a README or a closing note. Exit code 1 when a
notebook raised an error or went over its limit. Timings depend on the machine and its load: give the
load (`uptime`) with them. The kernels get one BLAS thread (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
MKL_NUM_THREADS set to 1 unless already set), as scripts/launch.py and Binder give a student's kernels, so
the table measures what a student waits for.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))

from notebook_helpers import notebook_ids, notebook_path, run_notebook  # noqa: E402 -- after the path

ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CAPSTONE_LIMIT_SECONDS = 60.0
LIMIT_SECONDS = 15.0


def limit_for(notebook_id):
    return CAPSTONE_LIMIT_SECONDS if "capstone" in notebook_id else LIMIT_SECONDS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="notebook ids (default: every solutions/<id>)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    for name, value in ONE_BLAS_THREAD.items():   # inherited by every kernel this process starts
        os.environ.setdefault(name, value)
    ids = args.ids or notebook_ids()
    if not ids:
        print("no notebooks in solutions/")
        return 1

    if args.markdown:
        print("| notebook | seconds | limit | points | status |\n|---|---:|---:|---:|---|")
    else:
        print(f"{'notebook':<30}{'seconds':>9}{'limit':>7}{'points':>13}  status")
    total, failures = 0.0, []
    for nb_id in ids:
        run = run_notebook(notebook_path(nb_id))
        total += run.seconds
        limit = limit_for(nb_id)
        status = "errors" if run.errors else ("SLOW" if run.seconds > limit else "ok")
        if status != "ok":
            failures.append(f"{nb_id} ({status})")
        points = f"{run.total:g}/{run.max_total:g}"
        if args.markdown:
            print(f"| {nb_id} | {run.seconds:.1f} | {limit:g} | {points} | {status} |", flush=True)
        else:
            print(f"{nb_id:<30}{run.seconds:>9.1f}{limit:>7g}{points:>13}  {status}", flush=True)
    if args.markdown:
        print(f"| **total** | **{total:.1f}** | | | |")
    else:
        print(f"{'total':<30}{total:>9.1f}")
    if failures:
        print("not ok: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
