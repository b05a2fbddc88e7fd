"""nbgrader preprocessors for trusted autograding, configured in nbgrader_config.py:

- `RepairSubmission` (first of `Autograde.sanitize_preprocessors`) rebuilds a submission on the release:
  the release's cells in the release's order, with the student's answer cells (found by grade id or, if
  their metadata was stripped or altered, by the function they define) and the student's own extra cells
  where they were. Duplicated, deleted, edited and metadata-stripped cells are repaired, and each repair is
  logged and recorded in the notebook's metadata under "autograde_tests".
- `TrustedExecute` (in place of nbgrader's `Execute` in `Autograde.autograde_preprocessors`) runs the
  student's cells in a worker process and writes each grade cell's trusted verdict as its output (see
  grading.py), which nbgrader's SaveAutoGrades then scores as usual.
"""

import ast
import copy
import os
import re

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from autograde_tests import cases, limits
from autograde_tests.trusted import grading, sandbox


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _defined_functions(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}


_HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


def _without_hidden_tests(source):
    return _HIDDEN_TESTS.sub("", source).strip()


def repair(submission, release):
    """(the repaired notebook, the list of repairs) for a student's notebook and the release it came from.

    Every release cell with a grade id is put back in the release's order: an answer cell with the
    student's (last changed) answer, any other with the release's own text; the student's extra cells stay
    after the release cell they followed."""
    matched, extras, stripped, repairs = _match(submission, release)
    anchor_of = _anchors(len(submission.cells), matched, extras)
    cells = [copy.deepcopy(submission.cells[p]) for p in extras if anchor_of[p] is None]
    for cell in release.cells:
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id is None:  # an ordinary cell of the release (a scratch cell) is the student's to keep
            continue
        restored, repair_made = _restore(cell, [submission.cells[p] for p in matched.get(grade_id, [])],
                                         grade_id in stripped)
        repairs += repair_made
        cells.append(restored)
        for p in extras:
            if anchor_of[p] == grade_id:
                extra = copy.deepcopy(submission.cells[p])
                extra.get("metadata", {}).pop("nbgrader", None)
                cells.append(extra)
    repaired = copy.deepcopy(release)
    repaired.cells = cells
    return repaired, repairs


def _match(submission, release):
    """Which submission cells are which release cell: ({grade id: [positions]}, positions of extra cells,
    grade ids found by their text after losing their metadata, repairs)."""
    repairs, stripped = [], set()
    release_ids = {_nbgrader(c).get("grade_id") for c in release.cells if _nbgrader(c).get("grade_id")}
    matched, extras = {}, []
    for position, cell in enumerate(submission.cells):
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id in release_ids:
            matched.setdefault(grade_id, []).append(position)
        else:
            extras.append(position)
    # A cell that lost its metadata but still holds a release cell's text is that cell.
    by_text = {_without_hidden_tests(c.source): _nbgrader(c)["grade_id"] for c in release.cells
               if _nbgrader(c).get("grade_id") and not _nbgrader(c).get("solution")}
    for position in list(extras):
        grade_id = by_text.get(_without_hidden_tests(submission.cells[position].source))
        if grade_id is not None and grade_id not in matched:
            matched[grade_id] = [position]
            extras.remove(position)
            stripped.add(grade_id)
    # An answer cell that lost its metadata is the last extra code cell defining one of its functions.
    for cell in release.cells:
        meta = _nbgrader(cell)
        if not meta.get("solution") or meta.get("grade_id") in matched:
            continue
        names = _defined_functions(cell.source)
        candidates = [p for p in extras if submission.cells[p].cell_type == "code"
                      and names & _defined_functions(submission.cells[p].source)]
        if candidates:
            matched[meta["grade_id"]] = [candidates[-1]]
            extras.remove(candidates[-1])
            repairs.append(f"the answer cell defining {', '.join(sorted(names))} had lost its nbgrader metadata: "
                           "restored")
    return matched, extras, stripped, repairs


def _anchors(count, matched, extras):
    """{position of an extra cell: the grade id of the release cell it follows, None at the top}."""
    anchor_of, last_anchor = {}, None
    for position in range(count):
        if position in extras:
            anchor_of[position] = last_anchor
        else:
            last_anchor = next((gid for gid, ps in matched.items() if position in ps), last_anchor)
    return anchor_of


def _restore(cell, copies, stripped):
    """The release cell as graded, given the student's copies of it, and the repairs that took."""
    grade_id, meta = _nbgrader(cell)["grade_id"], _nbgrader(cell)
    restored = copy.deepcopy(cell)
    if meta.get("solution"):
        changed = [a for a in copies if a.source != cell.source]
        if changed:
            restored.source = changed[-1].source
        if not copies:
            return restored, [f"answer cell {grade_id} was missing: the release's empty answer was put back"]
        if len(copies) > 1:
            return restored, [f"answer cell {grade_id} appeared {len(copies)} times: the last changed copy was graded"]
        return restored, []
    if stripped:
        return restored, [f"cell {grade_id} had lost its nbgrader metadata: restored"]
    if not copies:
        return restored, [f"{'test' if meta.get('grade') else 'read-only'} cell {grade_id} was missing: restored "
                          "from the release"]
    repairs = [f"cell {grade_id} appeared {len(copies)} times: one copy kept"] if len(copies) > 1 else []
    if any(_without_hidden_tests(c.source) != _without_hidden_tests(cell.source) for c in copies):
        repairs.append(f"cell {grade_id} had been edited: the release's version was restored")
    return restored, repairs


class RepairSubmission(NbGraderPreprocessor):
    """Rebuild each submission on the release before nbgrader's own sanitizing (see `repair`)."""

    def preprocess(self, nb, resources):
        coursedir = CourseDirectory(config=self.config)
        info = resources["nbgrader"]
        release_path = os.path.join(coursedir.root, coursedir.release_directory, info["assignment"],
                                    info["notebook"] + ".ipynb")
        if not os.path.exists(release_path):
            self.log.warning("RepairSubmission: no release notebook at %s; %s is graded as submitted",
                             release_path, info["student"])
            return nb, resources
        release = nbformat.read(release_path, as_version=nbformat.NO_CONVERT)
        repaired, repairs = repair(nb, release)
        for line in repairs:
            self.log.warning("Repaired %s/%s for %s: %s", info["assignment"], info["notebook"], info["student"],
                             line)
        repaired.metadata.setdefault("autograde_tests", {})["repairs"] = repairs
        return repaired, resources


class TrustedExecute(NbGraderPreprocessor):
    """Run the student's cells in a worker process and write the trusted verdict into every grade cell."""

    timeout = Float(limits.CELL_CPU_SECONDS,
                    help="Seconds of CPU time each student cell may use in the worker (the wall-clock limits "
                         "that stop a waiting cell follow from it: autograde_tests.limits).").tag(config=True)
    grading_secret = Integer(None, allow_none=True,
                             help="A secret seed for the random hidden cases (students never see it).").tag(config=True)

    def preprocess(self, nb, resources):
        cases.set_grading_secret(self.grading_secret)
        try:
            graded = grading.grade_notebook(nb, cwd=resources.get("metadata", {}).get("path") or ".",
                                            cell_cpu_seconds=self.timeout)
        finally:
            cases.set_grading_secret(None)
        lost = [f"cell {i} {run.lost}" for i, run in sorted(graded.runs.items()) if run.lost]
        record = nb.metadata.setdefault("autograde_tests", {})
        record["verdicts"] = {str(i): {"passed": v.passed, "exercises": list(v.exercises)}
                              for i, v in graded.verdicts.items()}
        record["skipped_cells"] = lost
        record["sandbox"] = sandbox.status()
        record["timed_out"] = graded.timed_out
        record["slow_cells"] = graded.slow_cells
        record["slow_calls"] = graded.slow_calls
        record["not_run"] = sorted(graded.not_run)
        record["outcomes"] = graded.outcomes
        for line in lost + graded.timed_out:
            self.log.warning("Trusted grading of %s: %s", resources["nbgrader"]["student"], line)
        return nb, resources
