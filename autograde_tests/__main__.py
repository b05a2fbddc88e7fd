"""Command line of the course's grader.

    python -m autograde_tests check PATH.ipynb [--json]
        Check a notebook the way autograding does (trusted verdicts, hidden cases included) and print one
        line per exercise. Exit status 0 when everything passes, 1 when anything fails, 2 when the file is
        not a readable notebook.

    python -m autograde_tests grade ASSIGNMENT [--workers N] [--scheduler ADDRESS] [--Class.trait=value ...]
        Autograde every submission of an assignment in parallel through nbgrader (see trusted/grade.py).
        Options of the form --Class.trait=value (e.g. --TrustedExecute.grading_secret=42) go to nbgrader's
        configuration, as on nbgrader's own command line. Exit status 0 when every submission was graded,
        1 when one is "timed out, regrade" or "not gradable" (integrity_report.json says which and why).

    python -m autograde_tests report ASSIGNMENT [--anonymize] | report --all [--anonymize]
        After grading: which exercises the class got right and which named mistakes it made, in
        reports/<ASSIGNMENT>/ (index.html, exercises.csv, mistakes.csv; see report.py); --all reports every
        graded assignment and writes a course overview, reports/index.html. Exit status 1 when there was
        nothing graded to report.
"""

import argparse
import re
import sys

# nbgrader's (traitlets') command-line configuration: --Class.trait=value, the value after "=".
NBGRADER_OPTION = re.compile(r"--[A-Za-z_]\w*\.[A-Za-z_]\w*=.*", re.DOTALL)


def parse(argv=None):
    """The parsed arguments; for `grade`, args.nbgrader_args holds the --Class.trait=value options."""
    parser = argparse.ArgumentParser(prog="python -m autograde_tests", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check one notebook the way autograding does")
    check.add_argument("path", help="the notebook (.ipynb)")
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    grade = commands.add_parser("grade", help="autograde every submission of an assignment in parallel",
                                epilog="Any --Class.trait=value option goes to nbgrader's configuration, "
                                       "e.g. --TrustedExecute.grading_secret=42.")
    grade.add_argument("assignment")
    grade.add_argument("--workers", type=int, default=None, help="parallel workers (default: the cores)")
    grade.add_argument("--scheduler", default=None, help="a Dask scheduler address: grade on that cluster")
    report = commands.add_parser("report", help="a class report of an assignment's grading, per exercise")
    report.add_argument("assignment", nargs="?")
    report.add_argument("--anonymize", action="store_true", help="stable pseudonyms in place of student ids")
    report.add_argument("--all", action="store_true", dest="every_assignment",
                        help="report every graded assignment and write a course overview")
    args, unknown = parser.parse_known_args(argv)
    if args.command == "report" and not (args.assignment or args.every_assignment):
        parser.error("report needs an ASSIGNMENT, or --all")
    if args.command == "grade":
        args.nbgrader_args = [arg for arg in unknown if NBGRADER_OPTION.fullmatch(arg)]
        unknown = [arg for arg in unknown if not NBGRADER_OPTION.fullmatch(arg)]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv=None):
    args = parse(argv)
    if args.command == "check":
        from autograde_tests.trusted.selfcheck import check_notebook

        return check_notebook(args.path, as_json=args.json)
    if args.command == "report":
        from autograde_tests.report import report

        return report(args.assignment, anonymize=args.anonymize, every_assignment=args.every_assignment)
    from autograde_tests.trusted.grade import grade_assignment

    return grade_assignment(args.assignment, workers=args.workers, scheduler=args.scheduler,
                            nbgrader_args=args.nbgrader_args)


if __name__ == "__main__":
    sys.exit(main())
