"""Time every solutions notebook, top to bottom in a fresh kernel, as autograde runs it.

    .venv/bin/python scripts/benchmark_notebooks.py [--repeat N] [ID ...]

Each run executes the notebook with tests/notebook_helpers.py (nbgrader's Execute preprocessor with the
repo's nbgrader_config.py, a new kernel every time, kernel start included in the time) and prints the
minimum and median wall-clock seconds per notebook. The course's target is at most 15 s per notebook on
2 cores; notebooks over it are flagged and the exit code is 1. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))

from notebook_helpers import notebook_ids, notebook_path, run_notebook  # noqa: E402 -- after the path

TARGET_SECONDS = 15.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time each solutions notebook in a fresh kernel.")
    parser.add_argument("ids", nargs="*", help="notebook ids (default: every solutions/<id>)")
    parser.add_argument("--repeat", "-n", type=int, default=3, help="runs per notebook (default 3)")
    args = parser.parse_args(argv)
    ids = args.ids or notebook_ids()
    if not ids:
        print("no notebooks in solutions/")
        return 1

    slow = []
    print(f"{'notebook':<28}{'min s':>8}{'median s':>10}  (of {args.repeat} runs; target <= {TARGET_SECONDS:g} s)")
    for nb_id in ids:
        seconds = []
        for _ in range(args.repeat):
            run = run_notebook(notebook_path(nb_id))
            if run.errors:
                print(f"{nb_id}: cells raised errors, timing is meaningless:\n{run.describe_failures(True)}")
                return 1
            seconds.append(run.seconds)
        fastest, median = min(seconds), statistics.median(seconds)
        flag = "  SLOW" if median > TARGET_SECONDS else ""
        print(f"{nb_id:<28}{fastest:>8.2f}{median:>10.2f}{flag}", flush=True)
        if flag:
            slow.append(nb_id)
    if slow:
        print(f"over {TARGET_SECONDS:g} s: {', '.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
