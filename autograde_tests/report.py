"""`python -m autograde_tests report ASSIGNMENT [--anonymize] [--all]`: what a class got wrong, per exercise.

Run from the course root after grading. It reads the outcomes that grading recorded in each autograded
notebook's metadata (autograded/<student>/<ASSIGNMENT>/*.ipynb, key "autograde_tests" → "outcomes": see
trusted/grading.py `outcome`) and the counts of integrity_report.json, and writes into reports/<ASSIGNMENT>/:

- exercises.csv: exercise, students, full_marks_share, mean_points;
- mistakes.csv: exercise, mistake, students, share (a fraction of the class), one row per named mistake,
  and per exercise one row for the failures that name no mistake, with their most common failing case (the
  catalogue's gaps), one for the answers left blank and one for those failing because a function they call
  fails;
- index.html: one self-contained page (inline CSS and SVG, nothing fetched) for the instructor.

--anonymize puts stable pseudonyms in place of student ids (a keyed hash; the key is made once and kept in
reports/, so the same student gets the same pseudonym in every report). --all reports every assignment that
has autograded notebooks and writes a course overview, reports/index.html: a heatmap of the share with full
marks, assignments × exercises. reports/ holds student data and is git-ignored.
"""

import collections
import csv
import hashlib
import hmac
import html
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

REPORTS_DIR = "reports"
AUTOGRADED_DIR = "autograded"
RELEASE_DIR = "notebooks"  # nbgrader_config.py's release_directory: the notebooks that teach each idea
KEY_NAME = ".pseudonym-key"
MISTAKES_COLUMNS = ("exercise", "mistake", "students", "share")
EXERCISES_COLUMNS = ("exercise", "students", "full_marks_share", "mean_points")
# nbformat writes a notebook's top-level keys one space in, each on a line of its own (a newline inside a
# JSON string is always escaped), so this marks the notebook's own metadata, found without parsing the cells.
TOP_LEVEL_METADATA = '\n "metadata": '
HELPER_ROW = "(no named mistake: a graded function it calls fails its own check)"
BLANK_ROW = "(left blank: still raises NotImplementedError)"
# The rows of failures that name no mistake, by CheckFailed.kind; any other kind goes in `unnamed_row`.
KIND_ROWS = {"blank": BLANK_ROW, "helper": HELPER_ROW}


def unnamed_row(case):
    """The mistakes.csv title of an exercise's failures that name no mistake: where the catalogue has gaps."""
    return f"(no named mistake; most common failing case: {case})" if case else "(no named mistake)"


@dataclass
class ClassOutcomes:
    """One assignment's outcomes: {student: {exercise: outcome}}, the exercises in notebook order, and
    {exercise: notebook name} (for the link to the notebook that teaches it)."""

    assignment: str
    students: dict
    exercises: list
    notebook_of: dict


def load_outcomes(course_root, assignment):
    """The outcomes recorded for every autograded student of `assignment`."""
    students, exercises, notebook_of = {}, {}, {}
    for folder in sorted(Path(course_root, AUTOGRADED_DIR).glob(f"*/{assignment}")):
        record = {}
        for path in sorted(folder.glob("*.ipynb")):
            metadata = _notebook_metadata(path).get("autograde_tests", {})
            for outcome in metadata.get("outcomes", ()):
                record[outcome["exercise"]] = outcome
                exercises.setdefault(outcome["exercise"], None)
                notebook_of.setdefault(outcome["exercise"], path.name)
        if record:
            students[folder.parent.name] = record
    return ClassOutcomes(assignment, students, list(exercises), notebook_of)


def _notebook_metadata(path):
    """A notebook file's metadata; as written by nbformat, read without parsing its cells (at course scale,
    parsing them is most of the report's time)."""
    text = path.read_text(encoding="utf-8")
    start = text.rfind(TOP_LEVEL_METADATA)
    if start >= 0:
        try:
            metadata, _ = json.JSONDecoder().raw_decode(text, start + len(TOP_LEVEL_METADATA))
        except ValueError:
            metadata = None
        if isinstance(metadata, dict):
            return metadata
    return json.loads(text).get("metadata", {})


def exercise_rows(outcomes):
    """exercises.csv's rows: per exercise the students graded on it, the share with full marks, mean points."""
    rows = []
    for exercise in outcomes.exercises:
        graded = [record[exercise] for record in outcomes.students.values() if exercise in record]
        rows.append({"exercise": exercise, "students": len(graded),
                     "full_marks_share": round(sum(o["passed"] for o in graded) / len(graded), 4),
                     "mean_points": round(sum(o["points"] for o in graded) / len(graded), 4)})
    return rows


def mistake_rows(outcomes):
    """mistakes.csv's rows, per exercise (in notebook order) the named mistakes by frequency, then the
    failures that name none; each with `message` (what the first such student read) and `mistake_id`."""
    class_size = len(outcomes.students)
    rows = []
    for exercise in outcomes.exercises:
        failed = [record[exercise] for record in outcomes.students.values()
                  if exercise in record and not record[exercise]["passed"]]
        named = collections.defaultdict(list)
        for outcome in failed:
            if outcome["mistake_id"] is not None:
                named[outcome["mistake_id"]].append(outcome)
        groups = sorted(named.values(), key=lambda group: -len(group))
        titled = [(group[0]["mistake_title"], group[0]["mistake_id"], group) for group in groups]
        unnamed = [o for o in failed if o["mistake_id"] is None and o["kind"] not in KIND_ROWS]
        if unnamed:
            cases = collections.Counter(o["case"] for o in unnamed if o["case"])
            titled.append((unnamed_row(cases.most_common(1)[0][0] if cases else None), None, unnamed))
        for kind, title in KIND_ROWS.items():
            group = [o for o in failed if o["mistake_id"] is None and o["kind"] == kind]
            if group:
                titled.append((title, None, group))
        for title, mistake_id, group in titled:
            rows.append({"exercise": exercise, "mistake": title, "students": len(group),
                         "share": round(len(group) / class_size, 4), "mistake_id": mistake_id,
                         "message": group[0]["message"]})
    return rows


def integrity_counts(course_root, assignment):
    """{status: students} from integrity_report.json when it is this assignment's, else None."""
    # Imported here: grade.py imports nbformat, which takes seconds to import, for these two names.
    from autograde_tests.trusted.grade import REPORT_NAME, STATUSES

    path = Path(course_root, REPORT_NAME)
    if not path.exists():
        return None
    report = json.loads(path.read_text())
    if report.get("assignment") != assignment:
        return None
    counts = collections.Counter(row["status"] for row in report.get("students", ()))
    return {status: counts.get(status, 0) for status in STATUSES}


def pseudonymizer(reports_root):
    """A function from student id to a stable pseudonym, keyed by a secret kept in reports/ (made once)."""
    key_path = Path(reports_root, KEY_NAME)
    if not key_path.exists():
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key_path.write_text(secrets.token_hex(32))
    key = key_path.read_text().strip().encode()
    return lambda student: "student-" + hmac.new(key, student.encode(), hashlib.sha256).hexdigest()[:10]


def _write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def teaching_section(release_notebook, exercise):
    """(title, "#anchor") of the section of the release that teaches `exercise`: above the answer cell that
    defines it, the last heading of a higher level than the exercise's own heading (the notebook's title
    aside), else that heading; ("", "") when there is none. The anchor is JupyterLab's: the heading's text
    as rendered, spaces as dashes."""
    try:
        cells = json.loads(release_notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return "", ""
    headings = []  # (level, text as rendered) above the answer
    for cell in cells:
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            headings += [(len(line) - len(line.lstrip("#")), line.lstrip("#").strip().replace("`", "").replace("*", ""))
                         for line in source.splitlines() if line.startswith("#")]
        elif f"def {exercise}(" in source and headings:
            level = headings[-1][0]
            title = next((text for depth, text in reversed(headings) if 1 < depth < level), headings[-1][1])
            return title, "#" + title.replace(" ", "-")
    return "", ""


# ---------------------------------------------------------------------------------------------
# The page

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.pass { color: #11772d; text-align: center; } td.mistake { color: #a33; } td.other { color: #666; }
pre { white-space: pre-wrap; font-size: .85em; background: #f7f7f7; padding: .5em; margin: .3em 0; }
.note { color: #555; } svg { display: block; }
"""


def _histogram_svg(points, max_points):
    """A small bar chart: how many students got each number of points (0 to max_points)."""
    counts = collections.Counter(points)
    values = sorted(set(counts) | {0.0, float(max_points)})
    width, height, bar = 24 * len(values) + 8, 64, 18
    tallest = max(counts.values(), default=1)
    parts = [f'<svg class="distribution" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="points distribution">']
    for i, value in enumerate(values):
        h = round(40 * counts.get(value, 0) / tallest)
        x = 4 + 24 * i
        parts.append(f'<rect x="{x}" y="{46 - h}" width="{bar}" height="{h}" fill="#4a78b0">'
                     f'<title>{value:g} points: {counts.get(value, 0)} students</title></rect>'
                     f'<text x="{x + bar / 2}" y="60" font-size="10" text-anchor="middle">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _share_bar_svg(share):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="104" height="14" role="img" '
            f'aria-label="{share:.0%} with full marks"><rect x="2" y="2" width="100" height="10" fill="#eee"/>'
            f'<rect x="2" y="2" width="{round(100 * share)}" height="10" fill="#2e8b57"/></svg>')


def _page(title, body):
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def assignment_html(outcomes, exercises, mistakes, integrity, name_of, course_root):
    e = html.escape
    out = [f"<h1>Class report: {e(outcomes.assignment)}</h1>",
           f'<p class="note">{len(outcomes.students)} students autograded. Shares are fractions of them.</p>',
           "<h2>Exercises</h2><table><tr><th>exercise</th><th>students</th><th>full marks</th><th></th>"
           "<th>mean points</th><th>points distribution</th></tr>"]
    for row in exercises:
        exercise = row["exercise"]
        graded = [r[exercise] for r in outcomes.students.values() if exercise in r]
        out.append(f"<tr><td>{e(exercise)}</td><td class=num>{row['students']}</td>"
                   f"<td class=num>{row['full_marks_share']:.0%}</td><td>{_share_bar_svg(row['full_marks_share'])}"
                   f"</td><td class=num>{row['mean_points']:g} / {graded[0]['max_points']:g}</td>"
                   f"<td>{_histogram_svg([o['points'] for o in graded], graded[0]['max_points'])}</td></tr>")
    out.append("</table>")

    out.append("<h2>Mistakes, most frequent first</h2>"
               '<p class="note">Rows in brackets name no mistake; "no named mistake" rows show where the catalogue of '
               "known mistakes has a gap.</p><table><tr><th>exercise</th><th>mistake</th>"
               "<th>students</th><th>share</th><th>what the students read</th><th>taught in</th></tr>")
    for row in sorted(mistakes, key=lambda r: (r["mistake_id"] is None, -r["students"])):
        notebook = outcomes.notebook_of[row["exercise"]]
        release = Path(course_root, RELEASE_DIR, outcomes.assignment, notebook)
        section, anchor = teaching_section(release, row["exercise"])
        link = f"../../{RELEASE_DIR}/{outcomes.assignment}/{notebook}{anchor}"
        out.append(f"<tr><td>{e(row['exercise'])}</td><td>{e(row['mistake'])}</td>"
                   f"<td class=num>{row['students']}</td><td class=num>{row['share']:.0%}</td>"
                   f"<td><details><summary>message</summary><pre>{e(row['message'])}</pre></details></td>"
                   f'<td><a href="{e(link)}">{e(section or notebook)}</a></td></tr>')
    out.append("</table>")

    out.append("<h2>Integrity</h2>")
    if integrity is None:
        out.append('<p class="note">No integrity_report.json of this assignment in the course root (it is written by '
                   "<code>python -m autograde_tests grade</code>).</p>")
    else:
        out.append("<table><tr>" + "".join(f"<th>{e(s)}</th>" for s in integrity) + "</tr><tr>"
                   + "".join(f"<td class=num>{n}</td>" for n in integrity.values()) + "</tr></table>")

    out.append("<h2>Per student</h2><table><tr><th>student</th>"
               + "".join(f"<th>{e(x)}</th>" for x in outcomes.exercises) + "</tr>")
    for student in sorted(outcomes.students, key=name_of):
        record = outcomes.students[student]
        cells = []
        for exercise in outcomes.exercises:
            outcome = record.get(exercise)
            if outcome is None:
                cells.append("<td></td>")
            elif outcome["passed"]:
                cells.append('<td class="pass">✓</td>')
            elif outcome["mistake_title"]:
                cells.append(f'<td class="mistake">{e(outcome["mistake_title"])}</td>')
            else:
                cells.append(f'<td class="other">{e(_other_failure(outcome))}</td>')
        out.append(f"<tr><td>{e(name_of(student))}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    return _page(f"Class report: {outcomes.assignment}", "\n".join(out))


def _other_failure(outcome):
    if outcome["kind"] == "blank":
        return "blank"
    if outcome["kind"] == "helper":
        return "a function it calls fails"
    return f"other failure ({outcome['case']})" if outcome["case"] else "other failure"


def _heat(share):
    """A background colour from red (no one) to green (everyone), readable under black text."""
    return f"hsl({round(120 * share)}, 65%, 75%)"


def overview_html(shares):
    """The course overview: {assignment: {exercise: full-marks share}} as a heatmap table."""
    e = html.escape
    widest = max((len(row) for row in shares.values()), default=0)
    out = ["<h1>Course overview: share with full marks</h1>",
           '<p class="note">One row per assignment, its exercises in notebook order; greener is better.</p>',
           '<table class="heatmap"><tr><th>assignment</th>' + "".join(f"<th>{i + 1}</th>" for i in range(widest))
           + "</tr>"]
    for assignment, row in shares.items():
        cells = "".join(f'<td class=num style="background:{_heat(s)}" title="{e(x)}">{e(x)}<br>{s:.0%}</td>'
                        for x, s in row.items())
        out.append(f'<tr><td><a href="{e(assignment)}/index.html">{e(assignment)}</a></td>{cells}</tr>')
    out.append("</table>")
    return _page("Course overview", "\n".join(out))


def report_assignment(course_root, assignment, anonymize=False):
    """Write reports/<assignment>/ (the two CSV files and index.html); the exercise rows, or None when no
    autograded notebook of the assignment records outcomes."""
    outcomes = load_outcomes(course_root, assignment)
    if not outcomes.students:
        return None
    reports_root = Path(course_root, REPORTS_DIR)
    name_of = pseudonymizer(reports_root) if anonymize else str
    folder = reports_root / assignment
    folder.mkdir(parents=True, exist_ok=True)
    exercises, mistakes = exercise_rows(outcomes), mistake_rows(outcomes)
    _write_csv(folder / "exercises.csv", EXERCISES_COLUMNS, exercises)
    _write_csv(folder / "mistakes.csv", MISTAKES_COLUMNS, mistakes)
    page = assignment_html(outcomes, exercises, mistakes, integrity_counts(course_root, assignment), name_of,
                           course_root)
    (folder / "index.html").write_text(page, encoding="utf-8")
    return exercises


def report(assignment=None, course_root=".", anonymize=False, every_assignment=False, out=None):
    """The report command; 0 when a report was written, 1 when there were no outcomes to report."""
    course_root = Path(course_root)
    if every_assignment:
        assignments = sorted({p.name for p in course_root.glob(f"{AUTOGRADED_DIR}/*/*") if p.is_dir()})
    else:
        assignments = [assignment]
    shares = {}
    for name in assignments:
        exercises = report_assignment(course_root, name, anonymize)
        if exercises is None:
            print(f"No autograded notebook of {name} records outcomes: grade it first "
                  f"(python -m autograde_tests grade {name}).", file=out)
            continue
        shares[name] = {row["exercise"]: row["full_marks_share"] for row in exercises}
        print(f"{name}: {Path(REPORTS_DIR, name, 'index.html')}", file=out)
    if every_assignment and shares:
        (course_root / REPORTS_DIR / "index.html").write_text(overview_html(shares), encoding="utf-8")
        print(f"Course overview: {Path(REPORTS_DIR, 'index.html')}", file=out)
    return 0 if shares else 1
