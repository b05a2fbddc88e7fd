"""The class report (autograde_tests/report.py) and the structured outcomes it is built from.

The unit tests write autograded notebooks' metadata for a synthetic class with known counts; the end-to-end
test releases notebook 03, hands in a small class with known mistakes, grades it with the parallel command
and reports it.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from course_testing import (
    answer_sources,
    bin_on_path,
    cell,
    copy_notebook,
    fill_in,
    hand_in,
    nbgrader,
    released_course,
)
from notebook_helpers import REPO_ROOT

from autograde_tests import core, nb03, report
from autograde_tests.trusted.grade import REPORT_NAME

NOTEBOOK = "03_activations"


# ---------------------------------------------------------------------------------------------
# Outcomes as data


def test_a_named_mistake_is_raised_with_its_id_title_and_case():
    def relu(z):
        return np.abs(z)

    with pytest.raises(core.CheckFailed) as raised:
        nb03.check_relu(relu)
    failure = raised.value
    assert (failure.kind, failure.mistake_id, failure.mistake_title) == ("mistake", "relu:absolute-value",
                                                                         "absolute value")
    assert failure.case and f"relu failed on {failure.case}" in str(failure)
    # The same function again is judged from memory: the same data comes back, not only the message.
    with pytest.raises(core.CheckFailed) as again:
        nb03.check_relu(relu)
    assert (again.value.kind, again.value.mistake_id, again.value.case, str(again.value)) == (
        failure.kind, failure.mistake_id, failure.case, str(failure))


def test_a_failure_without_a_known_mistake_names_none_but_keeps_its_case():
    def relu(z):
        return np.maximum(z, 0.5)

    with pytest.raises(core.CheckFailed) as raised:
        nb03.check_relu(relu)
    assert (raised.value.kind, raised.value.mistake_id, raised.value.mistake_title) == ("other", None, None)
    assert raised.value.case


def test_a_blank_answer_is_its_own_kind_of_failure():
    def relu(z):
        raise NotImplementedError()

    with pytest.raises(core.CheckFailed) as raised:
        nb03.check_relu(relu)
    assert (raised.value.kind, raised.value.mistake_id) == ("blank", None)


def test_a_failing_helper_is_its_own_kind_of_failure():
    namespace = {"np": np}  # the student's two functions share one namespace, as in a notebook
    exec("def sigmoid(z):\n    return z\n\n"
         "def sigmoid_grad(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n", namespace)
    with pytest.raises(core.CheckFailed) as raised:
        nb03.check_sigmoid_grad(namespace["sigmoid_grad"])
    assert (raised.value.kind, raised.value.mistake_id) == ("helper", None)


def test_a_check_failure_survives_pickling_with_its_data():
    import pickle

    failure = core.CheckFailed("relu failed on z = 1", kind="mistake", mistake_id="relu:x", mistake_title="x",
                               case="z = 1")
    copy = pickle.loads(pickle.dumps(failure))
    assert (str(copy), copy.kind, copy.mistake_id, copy.mistake_title, copy.case) == (
        "relu failed on z = 1", "mistake", "relu:x", "x", "z = 1")


def test_the_self_checks_json_gives_the_same_outcome_fields(tmp_path):
    release = nbformat.read(REPO_ROOT / "notebooks" / NOTEBOOK / f"{NOTEBOOK}.ipynb", as_version=4)
    solution = nbformat.read(REPO_ROOT / "solutions" / NOTEBOOK / f"{NOTEBOOK}.ipynb", as_version=4)
    nb = fill_in(release, answer_sources(solution))
    _answer(nb, "relu_answer", "def relu(z):\n    return np.abs(z)")
    _answer(nb, "step_answer", "def step(z):\n    raise NotImplementedError()")
    nbformat.write(nb, tmp_path / f"{NOTEBOOK}.ipynb")
    result = subprocess.run([sys.executable, "-m", "autograde_tests", "check", str(tmp_path / f"{NOTEBOOK}.ipynb"),
                             "--json"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    rows = {row["exercise"]: row for row in json.loads(result.stdout)["exercises"]}
    assert (rows["relu"]["kind"], rows["relu"]["mistake_id"], rows["relu"]["mistake_title"]) == (
        "mistake", "relu:absolute-value", "absolute value")
    assert rows["relu"]["case"] in rows["relu"]["message"]
    assert (rows["step"]["kind"], rows["step"]["mistake_id"]) == ("blank", None)
    assert (rows["sigmoid"]["passed"], rows["sigmoid"]["kind"], rows["sigmoid"]["case"]) == (True, None, None)


# ---------------------------------------------------------------------------------------------
# A synthetic class


def _outcome(exercise, max_points, mistake=None, case=None, kind=None):
    """A recorded outcome; passed unless a mistake title, a case or a kind of failure is given."""
    passed = mistake is None and case is None and kind is None
    return {"exercise": exercise, "passed": passed, "points": max_points if passed else 0.0,
            "max_points": max_points, "mistake_id": f"{exercise}:{mistake.replace(' ', '-')}" if mistake else None,
            "mistake_title": mistake, "case": case, "kind": None if passed else kind or (
                "mistake" if mistake else "other"), "message": "" if passed else f"{exercise} failed ({mistake})"}


def _write_class(root, assignment, students):
    """autograded/<student>/<assignment>/<assignment>.ipynb holding only the outcomes in their metadata."""
    for student, outcomes in students.items():
        folder = root / "autograded" / student / assignment
        folder.mkdir(parents=True)
        nb = nbformat.v4.new_notebook()
        nb.metadata["autograde_tests"] = {"outcomes": outcomes}
        nbformat.write(nb, folder / f"{assignment}.ipynb")


def _synthetic_class(root):
    """Ten students of notebook 03, step and relu 1 point each. Known counts:
    step: 7 pass, 2 "strict inequality", 1 unnamed (case "z = 0");
    relu: 3 pass, 3 "absolute value", 1 "overwrites z", 3 unnamed (cases "z = -1" twice, "z = 2" once)."""
    students = {}
    step = [None] * 7 + [("strict inequality", "z = 0")] * 2 + [(None, "z = 0")]
    relu = [None] * 3 + [("absolute value", "z = -1")] * 3 + [("overwrites z", "z = -1")] + [
        (None, "z = -1"), (None, "z = 2"), (None, "z = -1")]
    for i, (s, r) in enumerate(zip(step, relu, strict=True)):
        students[f"s{i:02d}"] = [_outcome("step", 1.0, *(s or ())), _outcome("relu", 1.0, *(r or ()))]
    _write_class(root, NOTEBOOK, students)
    return students


def _csv(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def test_the_csv_files_count_a_synthetic_class(tmp_path):
    _synthetic_class(tmp_path)
    assert report.report(NOTEBOOK, course_root=tmp_path) == 0
    folder = tmp_path / "reports" / NOTEBOOK
    assert _csv(folder / "exercises.csv") == [
        {"exercise": "step", "students": "10", "full_marks_share": "0.7", "mean_points": "0.7"},
        {"exercise": "relu", "students": "10", "full_marks_share": "0.3", "mean_points": "0.3"}]
    rows = _csv(folder / "mistakes.csv")
    assert list(rows[0]) == ["exercise", "mistake", "students", "share"]
    assert [(r["exercise"], r["mistake"], r["students"], r["share"]) for r in rows] == [
        ("step", "strict inequality", "2", "0.2"),
        ("step", "(no named mistake; most common failing case: z = 0)", "1", "0.1"),
        ("relu", "absolute value", "3", "0.3"),
        ("relu", "overwrites z", "1", "0.1"),
        ("relu", "(no named mistake; most common failing case: z = -1)", "3", "0.3")]


def test_blanks_helper_failures_and_cells_without_a_case_get_rows_of_their_own(tmp_path):
    _write_class(tmp_path, NOTEBOOK, {
        "a": [_outcome("sigmoid_grad", 2.0, kind="helper", case="z = 0")],
        "b": [_outcome("sigmoid_grad", 2.0, kind="other")],
        "c": [_outcome("sigmoid_grad", 2.0, kind="blank", case="z = 0")],
        "d": [_outcome("sigmoid_grad", 2.0, kind="blank", case="z = 0")],
        "e": [_outcome("sigmoid_grad", 2.0)]})
    report.report(NOTEBOOK, course_root=tmp_path)
    rows = _csv(tmp_path / "reports" / NOTEBOOK / "mistakes.csv")
    assert [(r["mistake"], r["students"], r["share"]) for r in rows] == [
        ("(no named mistake)", "1", "0.2"), (report.BLANK_ROW, "2", "0.4"), (report.HELPER_ROW, "1", "0.2")]
    assert _csv(tmp_path / "reports" / NOTEBOOK / "exercises.csv")[0]["mean_points"] == "0.4"


def test_the_page_shows_every_part_and_needs_nothing_from_the_network(tmp_path):
    _synthetic_class(tmp_path)
    (tmp_path / REPORT_NAME).write_text(json.dumps({"assignment": NOTEBOOK, "students": [
        {"student": "s00", "status": "graded"}, {"student": "s01", "status": "repaired"},
        {"student": "s02", "status": "repaired"}, {"student": "x", "status": "not gradable"}]}))
    report.report(NOTEBOOK, course_root=tmp_path)
    page = (tmp_path / "reports" / NOTEBOOK / "index.html").read_text()
    assert page.count('class="distribution"') == 2  # one plot per exercise
    assert page.index("Exercises") < page.index("Mistakes") < page.index("Integrity") < page.index("Per student")
    assert "relu failed (absolute value)" in page  # the message students saw
    assert f'href="../../notebooks/{NOTEBOOK}/{NOTEBOOK}.ipynb' in page
    assert "<th>repaired</th>" in page and "<td class=num>2</td>" in page
    assert page.count('<td class="pass">✓</td>') == 7 + 3
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "<script" not in page and "<link" not in page


def test_each_mistake_links_to_the_section_that_teaches_its_exercise(tmp_path):
    _synthetic_class(tmp_path)
    release = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 03 · Activations\n## 1. The step function"),
        nbformat.v4.new_markdown_cell("### Exercise 1 · `step` (1 point)"),
        nbformat.v4.new_code_cell("def step(z):\n    raise NotImplementedError()"),
        nbformat.v4.new_markdown_cell("## 2. *ReLU* and leaky ReLU\n### Exercise 2 · `relu`"),
        nbformat.v4.new_code_cell("def relu(z):\n    raise NotImplementedError()")])
    (tmp_path / "notebooks" / NOTEBOOK).mkdir(parents=True)
    nbformat.write(release, tmp_path / "notebooks" / NOTEBOOK / f"{NOTEBOOK}.ipynb")
    report.report(NOTEBOOK, course_root=tmp_path)
    page = (tmp_path / "reports" / NOTEBOOK / "index.html").read_text()
    notebook = f"../../notebooks/{NOTEBOOK}/{NOTEBOOK}.ipynb"
    assert f'<a href="{notebook}#1.-The-step-function">1. The step function</a>' in page
    assert f'<a href="{notebook}#2.-ReLU-and-leaky-ReLU">2. ReLU and leaky ReLU</a>' in page


def test_an_integrity_report_of_another_assignment_is_not_counted(tmp_path):
    _synthetic_class(tmp_path)
    (tmp_path / REPORT_NAME).write_text(json.dumps({"assignment": "04_softmax_and_loss", "students": [
        {"student": "s00", "status": "repaired"}]}))
    assert report.integrity_counts(tmp_path, NOTEBOOK) is None
    assert report.integrity_counts(tmp_path, "04_softmax_and_loss")["repaired"] == 1


def test_anonymized_reports_give_each_student_the_same_pseudonym_every_time(tmp_path):
    students = _synthetic_class(tmp_path)
    report.report(NOTEBOOK, course_root=tmp_path, anonymize=True)
    first = (tmp_path / "reports" / NOTEBOOK / "index.html").read_text()
    report.report(NOTEBOOK, course_root=tmp_path, anonymize=True)
    assert (tmp_path / "reports" / NOTEBOOK / "index.html").read_text() == first
    assert not any(f"<td>{student}</td>" in first for student in students)
    name_of = report.pseudonymizer(tmp_path / "reports")
    assert len({name_of(s) for s in students}) == len(students)
    assert all(f"<td>{name_of(s)}</td>" in first for s in students)
    # Another course (another key) gives other pseudonyms.
    assert report.pseudonymizer(tmp_path / "elsewhere")("s00") != name_of("s00")


def test_the_course_overview_is_a_heatmap_of_every_graded_assignment(tmp_path):
    _synthetic_class(tmp_path)
    _write_class(tmp_path, "04_softmax_and_loss", {"s00": [_outcome("softmax", 2.0)],
                                                    "s01": [_outcome("softmax", 2.0, "forgot max")]})
    assert report.report(every_assignment=True, course_root=tmp_path) == 0
    overview = (tmp_path / "reports" / "index.html").read_text()
    assert overview.count("<tr>") == 1 + 2
    assert 'href="03_activations/index.html"' in overview and "softmax<br>50%" in overview
    assert "relu<br>30%" in overview and "step<br>70%" in overview
    assert (tmp_path / "reports" / "04_softmax_and_loss" / "mistakes.csv").exists()


def test_nothing_graded_is_said_and_fails(tmp_path, capsys):
    assert report.report(NOTEBOOK, course_root=tmp_path) == 1
    assert "grade it first" in capsys.readouterr().out


def test_reports_are_ignored_by_git():
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git clone")
    names = [f"{report.REPORTS_DIR}/{NOTEBOOK}/index.html", f"{report.REPORTS_DIR}/index.html",
             f"{report.REPORTS_DIR}/{report.KEY_NAME}"]
    result = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=REPO_ROOT, capture_output=True,
                            text=True)
    assert sorted(result.stdout.split()) == sorted(names)


def test_outcomes_are_read_from_a_notebook_however_its_json_is_laid_out(tmp_path):
    _synthetic_class(tmp_path)
    path = tmp_path / "autograded" / "s09" / NOTEBOOK / f"{NOTEBOOK}.ipynb"
    path.write_text(json.dumps(json.loads(path.read_text())))  # one line, not as nbformat writes it
    loaded = report.load_outcomes(tmp_path, NOTEBOOK)
    assert loaded.students["s09"]["relu"]["case"] == "z = -1" and loaded.exercises == ["step", "relu"]


# ---------------------------------------------------------------------------------------------
# End to end: release, a class with known mistakes, grade, report


def _answer(nb, grade_id, source):
    cell(nb, grade_id).source = source


def _small_class(release, correct):
    """Five students: correct, relu as an absolute value (two of them, one with step's strict inequality
    too), relu with a wrong floor no catalogue names, and an untouched release."""
    def copy(**answers):
        nb = copy_notebook(correct)
        for grade_id, source in answers.items():
            _answer(nb, grade_id, source)
        return nb

    relu_abs = "def relu(z):\n    return np.abs(z)"
    return {"correct": copy(), "abs_a": copy(relu_answer=relu_abs),
            "abs_b": copy(relu_answer=relu_abs, step_answer="def step(z):\n    return np.where(z > 0, 1.0, 0.0)"),
            "floor": copy(relu_answer="def relu(z):\n    return np.maximum(z, 0.5)"), "blank": release}


@pytest.mark.pipeline
def test_a_graded_class_is_reported_with_its_known_mistakes(tmp_path):
    for student, nb in _small_class(*released_course(tmp_path, NOTEBOOK)).items():
        hand_in(tmp_path, NOTEBOOK, student, nb)
    for command in (["grade", NOTEBOOK, "--workers", "2"], ["report", NOTEBOOK]):
        result = subprocess.run([sys.executable, "-m", "autograde_tests", *command], cwd=tmp_path, env=bin_on_path(),
                                capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout + result.stderr

    rows = [(r["exercise"], r["mistake"], r["students"], r["share"])
            for r in _csv(tmp_path / "reports" / NOTEBOOK / "mistakes.csv")]
    unnamed = "(no named mistake; most common failing case: "
    step_and_relu = [r for r in rows if r[0] in ("step", "relu")]
    assert step_and_relu == [
        ("step", "strict inequality", "1", "0.2"), ("step", report.BLANK_ROW, "1", "0.2"),
        ("relu", "absolute value", "2", "0.4"), ("relu", step_and_relu[3][1], "1", "0.2"),
        ("relu", report.BLANK_ROW, "1", "0.2")]
    assert step_and_relu[3][1].startswith(unnamed)
    # Every other exercise fails only for the blank notebook.
    others = [r for r in rows if r[0] not in ("step", "relu")]
    assert len(others) == 5 and all(r[1:] == (report.BLANK_ROW, "1", "0.2") for r in others)
    exercises = {r["exercise"]: r for r in _csv(tmp_path / "reports" / NOTEBOOK / "exercises.csv")}
    assert (exercises["relu"]["students"], exercises["relu"]["full_marks_share"]) == ("5", "0.2")
    assert exercises["sigmoid"]["full_marks_share"] == "0.8"
    page = (tmp_path / "reports" / NOTEBOOK / "index.html").read_text()
    assert "Known mistake, absolute value" in page  # the message the students read

    # nbgrader's own autograde, with the course's configuration, records the same outcomes.
    graded = tmp_path / "autograded" / "abs_b" / NOTEBOOK / f"{NOTEBOOK}.ipynb"
    by_the_grade_command = nbformat.read(graded, as_version=4).metadata["autograde_tests"]["outcomes"]
    graded.unlink()
    nbgrader(tmp_path, "autograde", NOTEBOOK, "--student", "abs_b", "--force")
    assert nbformat.read(graded, as_version=4).metadata["autograde_tests"]["outcomes"] == by_the_grade_command
    assert [o["mistake_title"] for o in by_the_grade_command if not o["passed"]] == [
        "strict inequality", "absolute value"]
    assert "<td>graded</td>" not in page and "<th>graded</th>" in page  # the integrity counts


@pytest.mark.browser
def test_the_page_renders_from_disk_in_chromium(tmp_path):
    from browser_testing import browser_page, require_chromium

    require_chromium()
    _synthetic_class(tmp_path)
    report.report(NOTEBOOK, course_root=tmp_path)
    page_path = tmp_path / "reports" / NOTEBOOK / "index.html"
    requests = []
    with browser_page() as (page, expect):
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_path.as_uri())
        expect(page.get_by_role("heading", name=f"Class report: {NOTEBOOK}")).to_be_visible()
        assert page.locator("table").count() == 3  # exercises, mistakes, per student (no integrity report here)
        plots = page.locator("svg.distribution")
        assert plots.count() == 2
        for i in range(2):
            box = plots.nth(i).bounding_box()
            assert box["width"] > 20 and box["height"] > 20
        # The step plot's bars: 3 students at 0 points, 7 at full marks (taller).
        bars = plots.nth(0).locator("rect")
        heights = [bars.nth(i).bounding_box()["height"] for i in range(bars.count())]
        assert heights[1] > heights[0] > 0
        expect(page.get_by_role("cell", name="absolute value", exact=True).first).to_be_visible()
        page.screenshot(path=str(tmp_path / "class-report.png"), full_page=True)
    assert requests == [page_path.as_uri()]  # nothing but the file itself
    assert (tmp_path / "class-report.png").stat().st_size > 10_000
