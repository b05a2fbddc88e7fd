"""The parallel grade command's engine, without notebooks: its command line, the one retry (a dead grading
process, a wall-clock limit that fired) and who is charged for it, and the statuses of the report.
tests/test_trusted_grading.py grades a real class through the same command."""

import concurrent.futures
import concurrent.futures.process
import functools
import json
import os
import re
import threading
import time
from pathlib import Path

import pytest
from notebook_helpers import REPO_ROOT

from autograde_tests.__main__ import parse
from autograde_tests.trusted import grade


class Progress:
    def __init__(self):
        self.n = 0

    def update(self):
        self.n += 1


def test_grade_takes_nbgrader_options_as_nbgrader_does():
    args = parse(["grade", "05_backpropagation", "--TrustedExecute.grading_secret=42", "--workers", "2",
                  "--Execute.timeout=60"])
    assert (args.assignment, args.workers, args.scheduler) == ("05_backpropagation", 2, None)
    assert args.nbgrader_args == ["--TrustedExecute.grading_secret=42", "--Execute.timeout=60"]
    from autograde_tests.trusted.preprocessors import TrustedExecute

    config = grade.course_config(str(REPO_ROOT), args.nbgrader_args)
    assert TrustedExecute(config=config).grading_secret == 42
    assert config.CourseDirectory.source_directory == "solutions"  # the course's file is still read


@pytest.mark.parametrize("argv", [["grade", "05", "--grading_secret=42"], ["grade", "05", "--TrustedExecute.x"],
                                  ["check", "x.ipynb", "--TrustedExecute.grading_secret=42"]])
def test_anything_else_is_refused(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse(argv)
    assert stopped.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err


class FakeGrader:
    """Records as grade_one would give them: `timeouts[student]` first passes report a wall-clock limit."""

    def __init__(self, timeouts):
        self.timeouts, self.calls, self.lock = dict(timeouts), [], threading.Lock()

    def __call__(self, student):
        with self.lock:
            self.calls.append(student)
            timed_out = self.timeouts.get(student, 0) > 0
            self.timeouts[student] = self.timeouts.get(student, 0) - 1
        record = grade.new_record(student, True) | {"notebooks": {}}
        if timed_out:
            record["timed_out"] = ["12_capstone_two_spirals: cell 14 stopped after 300 s of wall-clock time"]
        record["slow_cells"] = [{"notebook": "12_capstone_two_spirals", "cell": 14, "cpu_seconds": 8.5}]
        return record


def test_a_timed_out_submission_is_graded_once_more_after_the_first_pass_then_reported():
    grader = FakeGrader({"busy_once": 1, "busy_always": 2})
    students = ["busy_always", "busy_once", "quiet_a", "quiet_b"]
    progress = Progress()
    with concurrent.futures.ThreadPoolExecutor(2) as executor:
        records = {r["student"]: r for r in grade.grade_with_one_retry(
            executor, concurrent.futures.process.BrokenProcessPool, grader, students, progress)}
    assert sorted(grader.calls[:4]) == sorted(students)  # the retries come after the whole first pass
    assert sorted(grader.calls[4:]) == ["busy_always", "busy_once"]  # once each, nobody else again
    assert progress.n == 4 and set(records) == set(students)
    assert grade.status(records["busy_once"]) == "graded" and "busy" in records["busy_once"]["retried"]
    assert grade.status(records["busy_always"]) == "timed out, regrade"
    assert "retried" not in records["quiet_a"]
    assert records["quiet_a"]["slow_cells"] == [{"notebook": "12_capstone_two_spirals", "cell": 14,
                                                 "cpu_seconds": 8.5}]


def test_status_says_what_needs_the_instructor_first():
    record = grade.new_record("x", True) | {"repairs": ["a"], "skipped_cells": ["b"], "timed_out": ["c"]}
    assert grade.status(record) == "timed out, regrade"
    assert grade.status(record | {"graded": False}) == "not gradable"
    assert grade.status(record | {"timed_out": []}) == "flagged"
    assert grade.status(record | {"timed_out": [], "skipped_cells": []}) == "repaired"
    assert set(grade.NEEDS_THE_INSTRUCTOR) <= set(grade.STATUSES)


def grade_or_die(student, calls: str):
    """In the grading process: note the call, then die like a crashed grader (always, or on the first call
    only), or take a moment, so that the others are in flight when one dies."""
    folder = Path(calls)
    earlier = len(list(folder.glob(f"{student}.*")))
    (folder / f"{student}.{earlier}").touch()
    if student == "dies" or (student == "dies_once" and earlier == 0):
        os._exit(1)
    time.sleep(1.0)
    return grade.new_record(student, True) | {"notebooks": {}}


def test_a_dying_grading_process_costs_only_its_own_submission(tmp_path):
    students = ["dies", "dies_once", "fine_a", "fine_b", "fine_c"]
    task = functools.partial(grade_or_die, calls=str(tmp_path))
    with grade.OwnProcessExecutor(3) as executor:
        records = {r["student"]: r for r in grade.grade_with_one_retry(
            executor, concurrent.futures.process.BrokenProcessPool, task, students, Progress())}
    calls = {student: len(list(tmp_path.glob(f"{student}.*"))) for student in students}
    assert calls == {"dies": 2, "dies_once": 2, "fine_a": 1, "fine_b": 1, "fine_c": 1}
    assert records["dies"]["why"] == "its grading process died twice" and grade.status(records["dies"]) == \
        "not gradable"
    assert records["dies_once"]["graded"] and records["dies_once"]["retried"] == "its grading process died"
    assert all(records[s]["graded"] and "retried" not in records[s] for s in ("fine_a", "fine_b", "fine_c"))


def test_feedback_names_each_exercise_and_formgrader_keeps_its_template():
    """The course's nbgrader_config.py, as `nbgrader generate_feedback` applies it to its exporter."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbgrader.converters import GenerateFeedback

    config = grade.course_config(str(REPO_ROOT))
    feedback = GenerateFeedback(config=config)
    exporter = feedback.exporter_class(parent=feedback, config=feedback.config)
    graded = nbformat.read(REPO_ROOT / "solutions" / "05_backpropagation" / "05_backpropagation.ipynb", as_version=4)
    grade_cells = [cell for cell in graded.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    for cell in grade_cells:
        cell.metadata.nbgrader["score"] = cell.metadata.nbgrader["points"]
    html, _ = exporter.from_notebook_node(graded, resources={"nbgrader": {
        "notebook": "05_backpropagation", "score": 1, "max_score": 1, "late_penalty": 0}})
    listed = dict(re.findall(r'<li><a href="#(\w+)">([^<]*)</a> \(Score', html))
    assert set(listed) == {cell.metadata.nbgrader["grade_id"] for cell in grade_cells}
    assert listed["relu_backward_tests"] == "relu_backward" and "Test cell" not in listed.values()
    assert HTMLExporter(config=feedback.config).template_file != exporter.template_file  # Formgrader's own


@pytest.mark.pipeline
def test_a_submission_that_waits_is_retried_then_reported_for_regrading(tmp_path, capsys):
    """Real grading: an answer cell that sleeps trips the wall-clock backstop in both tries."""
    import csv

    from course_testing import cell, hand_in, released_course

    notebook = "03_activations"
    _, submission = released_course(tmp_path, notebook)
    cell(submission, "relu_answer").source += "\nimport time\ntime.sleep(600)"
    hand_in(tmp_path, notebook, "sleeper", submission)

    status = grade.grade_assignment(notebook, workers=1, course_root=tmp_path)
    assert status == 1
    [row] = json.loads((tmp_path / grade.REPORT_NAME).read_text())["students"]
    assert row["status"] == "timed out, regrade" and "wall-clock" in row["retried"], row
    assert any("on the clock" in line for line in row["timed_out"]), row
    assert "1 timed out, regrade" in capsys.readouterr().out
    with open(tmp_path / grade.GRADES_NAME, newline="") as f:
        assert [r["student_id"] for r in csv.DictReader(f)] == ["sleeper"]
    assert not list(tmp_path.glob(f"{grade.SNAPSHOT_PREFIX}*"))  # the snapshot is gone
