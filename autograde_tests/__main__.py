"""Command line of the course's grader.

    python -m autograde_tests check PATH.ipynb [--json]
        Check a notebook the way autograding does (trusted verdicts, hidden cases included) and print one
        line per exercise; exit status 1 when anything fails, 0 when everything passes.

    python -m autograde_tests grade ASSIGNMENT [--workers N] [--scheduler ADDRESS]
        Autograde every submission of an assignment in parallel through nbgrader (see grade.py).
"""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograde_tests", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check one notebook the way autograding does")
    check.add_argument("path", help="the notebook (.ipynb)")
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    grade = commands.add_parser("grade", help="autograde every submission of an assignment in parallel")
    grade.add_argument("assignment")
    grade.add_argument("--workers", type=int, default=None, help="parallel workers (default: the cores)")
    grade.add_argument("--scheduler", default=None, help="a Dask scheduler address: grade on that cluster")
    args = parser.parse_args(argv)
    if args.command == "check":
        from autograde_tests.trusted.selfcheck import check_notebook

        return check_notebook(args.path, as_json=args.json)
    from autograde_tests.trusted.grade import grade_assignment

    return grade_assignment(args.assignment, workers=args.workers, scheduler=args.scheduler)


if __name__ == "__main__":
    sys.exit(main())
