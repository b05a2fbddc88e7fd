"""`python -m autograde_tests grade ASSIGNMENT [--workers N] [--scheduler ADDRESS]`: a class, in parallel.

Run from the course root (where nbgrader_config.py is). Every submission in submitted/<student>/<ASSIGNMENT>/
is autograded by nbgrader's own API (so with the trusted pipeline of nbgrader_config.py), each in its own
process against a private copy of the gradebook; this process alone writes the results into the course's
gradebook, as they arrive. A process that dies costs only its own submission, which is tried once more
and otherwise reported. At the end the grades are exported (grades.csv) and an integrity report is
written (integrity_report.json): per student, whether the submission was graded as handed in, repaired
(and how), flagged (cells skipped because they killed or hung the grader's worker), or not gradable (and
why). With --scheduler the same tasks run on a Dask cluster whose workers share the course's files.
"""

import concurrent.futures
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import nbformat


def grade_one(course_root, assignment, student, snapshot):
    """Autograde one student's submission (in a worker process) against a private copy of the gradebook
    snapshot; its grades and records as plain data."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        db = Path(tmp) / "gradebook.db"
        shutil.copy(snapshot, db)
        try:
            return _autograde_here(course_root, assignment, student, db)
        except Exception as error:  # a grading bug costs this submission, never the class run
            return {"student": student, "graded": False, "why": f"the grader failed: {type(error).__name__}: {error}"}


def _autograde_here(course_root, assignment, student, db):
    """In the grading process: nbgrader's API on a private gradebook, then read back what it wrote."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    os.chdir(course_root)
    config = _course_config(course_root)
    config.CourseDirectory.db_url = f"sqlite:///{db}"
    api = NbGraderAPI(config=config)
    outcome = api.autograde(assignment, student, force=True, create=True)
    record = {"student": student, "graded": bool(outcome["success"]), "why": "", "notebooks": {},
              "repairs": [], "skipped_cells": []}
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
        record["repairs"] += [f"{path.stem}: {line}" for line in metadata.get("repairs", [])]
        record["skipped_cells"] += [f"{path.stem}: {line}" for line in metadata.get("skipped_cells", [])]
        record["sandbox"] = metadata.get("sandbox", "none: not graded by TrustedExecute")
    return record


def _course_config(course_root):
    """The course's nbgrader_config.py, as nbgrader itself would read it from the course root."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=course_root).load_config()
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
            problems.append({"student": student, "graded": False, "why": "; ".join(unreadable)
                             or "no notebook in the submission", "repairs": renamed, "skipped_cells": []})
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


def grade_assignment(assignment, workers=None, scheduler=None, course_root=None):
    """Grade the class; 0 when every submission was graded, 1 otherwise (see the integrity report)."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.plugins import CsvExportPlugin
    from tqdm.auto import tqdm

    course_root = str(Path(course_root or os.getcwd()).resolve())
    api = NbGraderAPI(config=_course_config(course_root))
    db_path = Path(course_root) / "gradebook.db"
    students, records = _prepare(course_root, assignment)
    snapshot_dir = tempfile.mkdtemp(prefix="gradebook-")
    snapshot = Path(snapshot_dir) / "gradebook.db"
    with sqlite3.connect(db_path) as source, sqlite3.connect(snapshot) as copy:
        source.backup(copy)
    renamed = dict(students)
    try:
        with Gradebook(f"sqlite:///{db_path}", api.coursedir.course_id or None) as gradebook:
            for record in _run(students, assignment, course_root, snapshot, workers, scheduler, tqdm):
                record["repairs"] = renamed.get(record["student"], []) + record.get("repairs", [])
                if record["graded"]:
                    _merge(gradebook, assignment, record)
                records.append(record)
            for record in records:
                # Everyone who handed something in is in the gradebook, so the export has a row for them.
                gradebook.update_or_create_student(record["student"])
            CsvExportPlugin(config=api.config, to=str(Path(course_root) / "grades.csv"),
                            assignment=[assignment]).export(gradebook)
    finally:
        shutil.rmtree(snapshot_dir, ignore_errors=True)
    report = Path(course_root) / "integrity_report.json"
    rows = sorted(({k: v for k, v in r.items() if k != "notebooks"} | {"status": _status(r)} for r in records),
                  key=lambda r: r["student"])
    report.write_text(json.dumps({"assignment": assignment, "students": rows}, indent=2) + "\n")
    counts = {status: sum(r["status"] == status for r in rows) for status in ("graded", "repaired", "flagged",
                                                                                "not gradable")}
    print(f"{len(rows)} submissions: " + ", ".join(f"{n} {status}" for status, n in counts.items())
          + f". Grades in grades.csv; details per student in {report.name}.")
    return 0 if counts["not gradable"] == 0 else 1


def _status(record):
    if not record["graded"]:
        return "not gradable"
    if record.get("skipped_cells"):
        return "flagged"
    return "repaired" if record.get("repairs") else "graded"


def _run(students, assignment, course_root, snapshot, workers, scheduler, tqdm):
    """Yield each student's record as it is ready, from a process pool (or a Dask cluster)."""
    names = [student for student, _ in students]
    progress = tqdm(total=len(names), desc=f"grading {assignment}", unit="submission")
    try:
        if scheduler:
            from distributed import Client, as_completed

            with Client(scheduler) as client:
                futures = client.map(grade_one, [course_root] * len(names), [assignment] * len(names), names,
                                     [str(snapshot)] * len(names), pure=False)
                for future in as_completed(futures):
                    progress.update()
                    yield future.result()
            return
        attempts = dict.fromkeys(names, 0)
        pending = list(names)
        while pending:
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
                futures = {pool.submit(grade_one, course_root, assignment, name, snapshot): name for name in pending}
                pending = []
                for future in concurrent.futures.as_completed(futures):
                    name = futures[future]
                    try:
                        record = future.result()
                    except concurrent.futures.process.BrokenProcessPool:
                        # A grading process died: every unfinished submission goes to a new pool, twice at most.
                        attempts[name] += 1
                        if attempts[name] < 2:
                            pending.append(name)
                            continue
                        record = {"student": name, "graded": False, "why": "its grading process died twice"}
                    progress.update()
                    yield record
    finally:
        progress.close()


