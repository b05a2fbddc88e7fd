"""Trusted verdicts for a whole notebook: the student's cells run in a Session, the checks named in each
grade cell run here, and each grade cell gets the verdict's output, which nbgrader then scores.

A grade cell is read, not run: every call `check_<name>(<student name>, hidden=...)` of a check imported
from `autograde_tests.nbNN` in it is run against the student's function. Anything else in a grade cell
is ignored (the release's grade cells hold nothing else).
"""

import ast
import contextlib
import importlib
import io
from dataclasses import dataclass

from nbformat.v4 import new_output

from autograde_tests import core, limits
from autograde_tests.trusted import demo_cells
from autograde_tests.trusted.session import RemoteFunction, Session

# Shown in place of the outputs of a cell that grading did not run.
NOT_RUN_NOTE = "(Not run when grading: this cell only demonstrates, and no grade depends on it.)\n"


@dataclass(frozen=True)
class CheckCall:
    module: str
    check: str
    student_name: str
    hidden: bool


def checks_in(source):
    """The check calls of a grade cell's source, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograde_tests.nb"):
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name)):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in imported:
            module, check = imported[node.func.id]
        elif (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
              and node.func.value.id.startswith("nb")):
            module, check = f"autograde_tests.{node.func.value.id}", node.func.attr
        else:
            continue
        hidden = any(k.arg == "hidden" and isinstance(k.value, ast.Constant) and k.value.value is True
                     for k in node.keywords)
        calls.append(CheckCall(module, check, node.args[0].id, hidden))
    return sorted(calls, key=lambda c: c.hidden)


def _reference_of(module, check):
    notebook = importlib.import_module(module).NOTEBOOK
    for exercise in notebook.exercises:
        if exercise.check.__name__ == check or notebook.checks.get(exercise.name) is getattr(
                importlib.import_module(module), check, None):
            return exercise
    return None


@dataclass
class Verdict:
    """A grade cell's verdict: passed, the text it shows, the exercises it checked, and the CheckFailed that
    failed it (None when it passed or called no known check)."""

    passed: bool
    text: str
    exercises: tuple
    failure: core.CheckFailed | None = None


def verdict(session, calls):
    """Run the grade cell's checks against the student's functions in `session`."""
    if not calls:
        return Verdict(False, "this test cell calls no check the grader knows", ())
    lines, names = [], []
    for call in calls:
        exercise = _reference_of(call.module, call.check)
        check = getattr(importlib.import_module(call.module), call.check)
        student = session.student_function(call.student_name)
        if isinstance(student, RemoteFunction) and exercise is not None:
            student.reference = exercise.reference
        names.append(exercise.name if exercise else call.student_name)
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):
                check(student, hidden=call.hidden)
        except core.CheckFailed as failure:
            return Verdict(False, str(failure), tuple(names), failure)
        lines.append(output.getvalue().strip())
    return Verdict(True, "\n".join(dict.fromkeys(line for line in lines if line)), tuple(names))


def _is_grade(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


@dataclass
class Graded:
    """What grading a notebook found: {cell index: Verdict} of the grade cells, the CellRuns of the cells
    that ran, the cells not run (they only demonstrate), what a wall-clock limit stopped, the cells
    and functions that used limits.SLOW_CPU_SECONDS of CPU or more, and one `outcome` per grade cell."""

    verdicts: dict
    runs: dict
    not_run: set
    timed_out: list
    slow_cells: list
    slow_calls: list
    outcomes: list


def outcome(cell, result):
    """What a grade cell's verdict says about its exercise, as plain data for class reports: exercise,
    passed, points (the cell's nbgrader points, 0 when it failed), max_points, the named mistake's id and
    title (None when none was named), the failing case, the kind of failure (CheckFailed.kind, "no check"
    when the cell calls no known check; None when it passed) and the message the student saw."""
    max_points = float(cell.metadata.get("nbgrader", {}).get("points", 0))
    failure = result.failure
    kind = None if result.passed else "no check" if not result.exercises else failure.kind if failure else "other"
    return {"exercise": ", ".join(dict.fromkeys(result.exercises)) or cell.metadata["nbgrader"].get("grade_id"),
            "passed": result.passed, "points": max_points if result.passed else 0.0, "max_points": max_points,
            "mistake_id": getattr(failure, "mistake_id", None),
            "mistake_title": getattr(failure, "mistake_title", None), "case": getattr(failure, "case", None),
            "kind": kind, "message": "" if result.passed else result.text}


def grade_notebook(nb, cwd=".", cell_cpu_seconds=limits.CELL_CPU_SECONDS, thorough=False):
    """Run `nb` the trusted way: every code cell's outputs are replaced, grade cells by their verdict.

    Cells that only demonstrate (trusted.demo_cells) are not run. thorough: run every check with its
    hidden cases too, even where the grade cell (a release's, say) does not ask for them.
    """
    code_cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code" and not _is_grade(c)]
    not_run = demo_cells.cells_to_skip(nb)
    session = Session(code_cells, cwd=cwd, cell_cpu_seconds=cell_cpu_seconds)
    verdicts = {}
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            runs = session.run_until(index + 1, skip=not_run)
            if index in not_run:
                cell.outputs = [new_output("stream", name="stdout", text=NOT_RUN_NOTE)]
            elif _is_grade(cell):
                calls = checks_in(cell.source)
                if thorough:
                    calls = list(dict.fromkeys(calls + [CheckCall(c.module, c.check, c.student_name, True)
                                                        for c in calls]))
                verdicts[index] = verdict(session, calls)
                cell.outputs = _verdict_outputs(verdicts[index])
            else:
                cell.outputs = _run_outputs(runs.get(index))
    finally:
        session.close()
    slow_cells = [{"cell": i, "cpu_seconds": round(run.cpu_seconds, 1)} for i, run in sorted(session.runs.items())
                  if run.cpu_seconds >= limits.SLOW_CPU_SECONDS]
    slow_calls = [{"function": name, "cpu_seconds": round(cpu, 1)} for name, cpu in session.work.items()
                  if cpu >= limits.SLOW_CPU_SECONDS]
    outcomes = [outcome(nb.cells[index], result) for index, result in sorted(verdicts.items())]
    return Graded(verdicts, session.runs, not_run, session.timed_out, slow_cells, slow_calls, outcomes)


def _verdict_outputs(result):
    if result.passed:
        return [new_output("stream", name="stdout", text=result.text + "\n")]
    return [new_output("error", ename="CheckFailed", evalue=result.text, traceback=result.text.splitlines())]


def _run_outputs(run):
    if run is None:
        return []
    outputs = []
    if run.stdout:
        outputs.append(new_output("stream", name="stdout", text=run.stdout))
    if run.stderr:
        outputs.append(new_output("stream", name="stderr", text=run.stderr))
    if run.lost:
        text = f"This cell {run.lost}, so the grader skipped it and went on with the next cells."
        outputs.append(new_output("error", ename="CellSkipped", evalue=text, traceback=[text]))
    elif run.error:
        outputs.append(new_output("error", ename=run.error[0], evalue=run.error[1],
                                  traceback=[f"{run.error[0]}: {run.error[1]}"]))
    return outputs
