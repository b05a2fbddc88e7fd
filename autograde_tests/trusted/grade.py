"""`python -m autograde_tests grade ASSIGNMENT [--workers N] [--scheduler ADDRESS] [--Class.trait=value ...]`.

Autogrades a class in parallel. Run from the course root (where nbgrader_config.py is). Every submission in
submitted/<student>/<ASSIGNMENT>/ is autograded by nbgrader's own API (so with the trusted pipeline of
nbgrader_config.py, and any --Class.trait=value options given, as nbgrader's own commands take them), in a
process of its own, against a private copy of the gradebook; this process alone writes the results into the
course's gradebook, as they arrive.

One engine, on the concurrent.futures Executor interface: locally an OwnProcessExecutor (each submission in
a process of its own, forked from a server that has imported nbgrader once), on a cluster the Executor of a
Dask client (--scheduler). A process that dies costs only its own submission: it is graded once more after
the first pass and otherwise reported. A submission during whose grading a wall-clock limit fired (those
limits only stop hangs, but a busy machine can trip them too) is also graded once more after the first pass;
if a wall-clock limit fires again, its status is "timed out, regrade", never a silent 0.

At the end the assignment's grades are exported (grades.csv, only this assignment's rows) and an integrity
report is written (integrity_report.json): per student, whether the submission was graded as handed in,
repaired (and how), flagged (cells skipped because they killed or hung the grader's worker), timed out
(regrade it on a quieter machine) or not gradable (and why), with the cells that used a lot of CPU time.
Both files are git-ignored. Exit status 1 when any submission is "timed out, regrade" or "not gradable".
"""

import concurrent.futures
import concurrent.futures.process
import contextlib
import functools
import importlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import nbformat

from autograde_tests import limits

REPORT_NAME = "integrity_report.json"
GRADES_NAME = "grades.csv"
SNAPSHOT_PREFIX = ".gradebook-snapshot-"  # a folder in the course root, so that Dask workers see it too
STATUSES = ("graded", "repaired", "flagged", "timed out, regrade", "not gradable")
NEEDS_THE_INSTRUCTOR = ("timed out, regrade", "not gradable")  # any of these: exit status 1


def _calibrations_for(assignment):
    """Measure here, once for the class, the reference trainings that the assignment's checks budget
    against (a module's `training_budget`, see autograde_tests.limits); {key: CPU seconds}."""
    try:
        module = importlib.import_module(f"autograde_tests.nb{assignment[:2]}")
    except ImportError:
        return {}
    if getattr(module, "NOTEBOOK", None) is None or module.NOTEBOOK.notebook_id != assignment:
        return {}
    if hasattr(module, "training_budget"):
        module.training_budget()
    return limits.calibrations()


def new_record(student, graded, why=""):
    """A student's record with every list the report shows, empty."""
    return {"student": student, "graded": graded, "why": why, "repairs": [], "skipped_cells": [], "timed_out": [],
            "slow_cells": [], "slow_calls": []}


def grade_one(course_root, assignment, student, snapshot, nbgrader_args=(), calibrations=None):
    """Autograde one student's submission against a private copy of the gradebook snapshot; its grades and
    records as plain data. calibrations: the reference trainings' CPU times measured by the grade command
    (limits.training_budget), so that this process need not measure them again."""
    limits.adopt_calibrations(calibrations or {})
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        db = Path(tmp) / "gradebook.db"
        shutil.copy(snapshot, db)
        try:
            return _autograde_here(course_root, assignment, student, db, nbgrader_args)
        except Exception as error:  # a grading bug costs this submission, never the class run
            return new_record(student, False, f"the grader failed: {type(error).__name__}: {error}")


def _autograde_here(course_root, assignment, student, db, nbgrader_args):
    """In the grading process: nbgrader's API on a private gradebook, then read back what it wrote."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    os.chdir(course_root)
    config = course_config(course_root, nbgrader_args)
    config.CourseDirectory.db_url = f"sqlite:///{db}"
    api = NbGraderAPI(config=config)
    outcome = api.autograde(assignment, student, force=True, create=True)
    record = new_record(student, bool(outcome["success"])) | {"notebooks": {}}
    if not outcome["success"]:
        record["why"] = (outcome.get("error") or outcome.get("log") or "nbgrader failed").strip().splitlines()[-1]
        return record
    course_id = api.coursedir.course_id or None
    with Gradebook(f"sqlite:///{db}", course_id) as gb:
        submission = gb.find_submission(assignment, student)
        for notebook in submission.notebooks:
            record["notebooks"][notebook.name] = {
                g.name: {"auto_score": g.auto_score, "max_score": g.max_score,
                         "needs_manual_grade": g.needs_manual_grade} for g in notebook.grades}
    for path in sorted(Path(api.coursedir.format_path(api.coursedir.autograded_directory, student,
                                                      assignment)).glob("*.ipynb")):
        metadata = nbformat.read(path, as_version=4).metadata.get("autograde_tests", {})
        for key in ("repairs", "skipped_cells", "timed_out"):
            record[key] += [f"{path.stem}: {line}" for line in metadata.get(key, [])]
        for key in ("slow_cells", "slow_calls"):
            record[key] += [{"notebook": path.stem, **entry} for entry in metadata.get(key, [])]
        record["sandbox"] = metadata.get("sandbox", "none: not graded by TrustedExecute")
    return record


def course_config(course_root, nbgrader_args=()):
    """The course's nbgrader_config.py as nbgrader itself would read it from the course root, with
    nbgrader_args (command-line options such as --TrustedExecute.grading_secret=42) over it, as nbgrader's
    own commands apply them."""
    from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=course_root).load_config()
    config.merge(KVArgParseConfigLoader(list(nbgrader_args)).load_config())
    config.CourseDirectory.root = course_root
    return config


def _prepare(course_root, assignment):
    """(students to grade, records of those that cannot be graded); renames a lone misnamed notebook."""
    release = Path(course_root) / "notebooks" / assignment
    expected = sorted(p.name for p in release.glob("*.ipynb"))
    students, problems = [], []
    for folder in sorted(Path(course_root, "submitted").glob(f"*/{assignment}")):
        student = folder.parent.name
        present = sorted(p.name for p in folder.glob("*.ipynb"))
        missing, unknown = sorted(set(expected) - set(present)), sorted(set(present) - set(expected))
        renamed = []
        if len(missing) == 1 and len(unknown) == 1:
            (folder / unknown[0]).rename(folder / missing[0])
            renamed = [f"{unknown[0]} was renamed back to {missing[0]}"]
            present = expected
        unreadable = []
        for name in present:
            try:
                nbformat.read(folder / name, as_version=4)
            except Exception as error:  # any unreadable file: report it, grade the others
                unreadable.append(f"{name} is not a readable notebook ({type(error).__name__})")
        if unreadable or not present:
            problems.append(new_record(student, False, "; ".join(unreadable) or "no notebook in the submission")
                            | {"repairs": renamed})
        else:
            students.append((student, renamed))
    return students, problems


def _merge(gradebook, assignment, record):
    """Write one graded submission into the course's gradebook (this process is its only writer)."""
    gradebook.update_or_create_student(record["student"])
    submission = gradebook.update_or_create_submission(assignment, record["student"])
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            saved = record["notebooks"].get(notebook.name, {}).get(grade.name)
            if saved is not None:
                grade.auto_score = saved["auto_score"]
                grade.needs_manual_grade = saved["needs_manual_grade"]
    gradebook.db.commit()


def grade_assignment(assignment, workers=None, scheduler=None, course_root=None, nbgrader_args=()):
    """Grade the class; 0 when every submission was graded, 1 when one needs the instructor (see the report)."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.plugins import CsvExportPlugin
    from tqdm.auto import tqdm

    course_root = str(Path(course_root or os.getcwd()).resolve())
    api = NbGraderAPI(config=course_config(course_root, nbgrader_args))
    db_path = Path(course_root) / "gradebook.db"
    students, records = _prepare(course_root, assignment)
    snapshot_dir = tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX, dir=course_root)
    snapshot = Path(snapshot_dir) / "gradebook.db"
    with sqlite3.connect(db_path) as source, sqlite3.connect(snapshot) as copy:
        source.backup(copy)
    renamed = dict(students)
    task = functools.partial(grade_one, course_root=course_root, assignment=assignment, snapshot=str(snapshot),
                             nbgrader_args=list(nbgrader_args), calibrations=_calibrations_for(assignment))
    progress = tqdm(total=len(students), desc=f"grading {assignment}", unit="submission")
    try:
        with Gradebook(f"sqlite:///{db_path}", api.coursedir.course_id or None) as gradebook, \
                _engine(workers, scheduler) as (executor, process_died):
            for record in grade_with_one_retry(executor, process_died, task, list(renamed), progress):
                record["repairs"] = renamed[record["student"]] + record["repairs"]
                if record["graded"]:
                    _merge(gradebook, assignment, record)
                records.append(record)
            for record in records:
                # Everyone who handed something in is in the gradebook, so the export has a row for them.
                gradebook.update_or_create_student(record["student"])
            CsvExportPlugin(config=api.config, to=str(Path(course_root) / GRADES_NAME),
                            assignment=[assignment]).export(gradebook)
    finally:
        progress.close()
        shutil.rmtree(snapshot_dir, ignore_errors=True)
    report = Path(course_root) / REPORT_NAME
    rows = sorted(({k: v for k, v in r.items() if k != "notebooks"} | {"status": status(r)} for r in records),
                  key=lambda r: r["student"])
    report.write_text(json.dumps({"assignment": assignment, "students": rows}, indent=2) + "\n")
    counts = {name: sum(r["status"] == name for r in rows) for name in STATUSES}
    print(f"{len(rows)} submissions: " + ", ".join(f"{n} {name}" for name, n in counts.items())
          + f". Grades in {GRADES_NAME}; details per student in {REPORT_NAME}.")
    return 1 if any(counts[name] for name in NEEDS_THE_INSTRUCTOR) else 0


def status(record):
    """The one word (or words) the report gives a student's record."""
    if not record["graded"]:
        return "not gradable"
    if record.get("timed_out"):
        return "timed out, regrade"
    if record.get("skipped_cells"):
        return "flagged"
    return "repaired" if record.get("repairs") else "graded"


def grade_with_one_retry(executor, process_died, task, students, progress):
    """Yield each student's final record: task(student=...) for every student on executor, then once more,
    after the first pass, for those whose grading process died (process_died is what the executor raises
    then) or whose record says a wall-clock limit fired. A retry is charged to nobody else."""
    retry_reason = {}
    for student, record in _one_pass(executor, process_died, task, students):
        if record is None:
            retry_reason[student] = "its grading process died"
        elif record.get("timed_out"):
            retry_reason[student] = "a wall-clock limit fired (the machine may have been busy)"
        else:
            progress.update()
            yield record
    for student, record in _one_pass(executor, process_died, task, list(retry_reason)):
        if record is None:
            record = new_record(student, False, "its grading process died twice")
        record["retried"] = retry_reason[student]
        progress.update()
        yield record


def _one_pass(executor, process_died, task, students):
    """(student, record, or None when its grading process died), as each is ready."""
    futures = {executor.submit(task, student=student): student for student in students}
    for future in concurrent.futures.as_completed(futures):
        try:
            yield futures[future], future.result()
        except process_died:
            yield futures[future], None


class OwnProcessExecutor(concurrent.futures.Executor):
    """Runs each task in a process of its own, max_workers at a time. A process that dies fails its own
    task only (BrokenProcessPool), where a shared ProcessPoolExecutor fails every task then in flight.
    The processes are forked from a multiprocessing fork server that has imported nbgrader and the course's
    grading modules once, so a task's process starts in milliseconds."""

    PRELOAD = ["nbgrader.apps", "nbgrader.api", "autograde_tests.trusted.preprocessors", __name__]

    def __init__(self, max_workers):
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(self.PRELOAD)
        self._threads = concurrent.futures.ThreadPoolExecutor(max_workers)

    def submit(self, fn, /, *args, **kwargs):
        return self._threads.submit(self._in_own_process, fn, args, kwargs)

    def _in_own_process(self, fn, args, kwargs):
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=self._context) as process:
            return process.submit(fn, *args, **kwargs).result()

    def shutdown(self, wait=True, *, cancel_futures=False):
        self._threads.shutdown(wait=wait, cancel_futures=cancel_futures)


@contextlib.contextmanager
def _engine(workers, scheduler):
    """(executor, the exception its futures raise when a task's process died): a Dask cluster's when a
    scheduler address is given, one OwnProcessExecutor of `workers` (default: the cores) otherwise."""
    if scheduler:
        from distributed import Client, KilledWorker

        # Dask charges a dead worker to every task it was running: give workers one thread each.
        with Client(scheduler) as client:
            yield client.get_executor(pure=False), KilledWorker
        return
    with OwnProcessExecutor(workers or os.cpu_count() or 1) as executor:
        yield executor, concurrent.futures.process.BrokenProcessPool
