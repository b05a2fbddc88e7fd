"""scripts/launch.py in headless Chromium: instructor mode's Formgrader works, student mode shows none of it.

Each test copies what a launch needs (scripts/, nbgrader_config.py, solutions/ and a few release notebooks)
to a temporary course and starts that copy's launch.py, as a user would, on 127.0.0.1 with a token: the
private configuration it writes, its exchange and its gradebook stay in the copy.

- Instructor mode: Formgrader's Manage Assignments lists the 13 assignments; a submission placed in
  submitted/ is autograded from Manage Submissions and its full score shows; neither the page nor the
  server's log has an error, and the log has no "Unwritable directory" line.
- Student mode: no menu, sidebar or command-palette entry for Formgrader or Create Assignment, and
  Validate passes a notebook with every answer filled in.

Timings (start until the server answers, the autograde round trip) go to timings.json, and screenshots to
the test's temporary folder, which pytest keeps for its last three runs (see tmp_path).
"""

import contextlib
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest
from browser_testing import browser_page, jupyter_server, private_jupyter_folders, require_chromium
from course_testing import BIN, answer_sources, fill_in, nbgrader
from notebook_helpers import REPO_ROOT

pytestmark = pytest.mark.browser

ASSIGNMENTS = sorted(p.name for p in (REPO_ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())
GRADED = "01_single_neuron"
SERVER_ERROR = re.compile(r"^\[[CE] |Traceback|Unwritable directory", re.MULTILINE)


def course_copy(tmp_path: Path) -> Path:
    """A course root with launch.py, the course's nbgrader configuration, every source notebook and the
    release of 00 (student mode opens it) and of the graded notebook."""
    root = tmp_path / "course"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "scripts" / "launch.py", root / "scripts" / "launch.py")
    shutil.copy(REPO_ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO_ROOT / "solutions", root / "solutions")
    for notebook in ("00_welcome", GRADED):
        shutil.copytree(REPO_ROOT / "notebooks" / notebook, root / "notebooks" / notebook)
    return root


def filled_in_release(root: Path):
    """The graded notebook's release with the solutions' answers in it: a submission that earns every point."""
    release = nbformat.read(root / "notebooks" / GRADED / f"{GRADED}.ipynb", as_version=4)
    solution = nbformat.read(root / "solutions" / GRADED / f"{GRADED}.ipynb", as_version=4)
    points = sum(float(cell.metadata.get("nbgrader", {}).get("points", 0)) for cell in solution.cells)
    return fill_in(release, answer_sources(solution)), points


@contextlib.contextmanager
def launched(root: Path, scratch: Path, *mode):
    """root's scripts/launch.py (with mode's arguments) serving on 127.0.0.1; yields (base URL, token, log
    path, seconds until it answered). Jupyter's user folders are private to the test."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("JUPYTER")}
    env.update(private_jupyter_folders(scratch))
    # As from a shell where the venv is not activated: launch.py must put its bin/ on PATH itself.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != BIN)
    log_path = scratch / f"launch{''.join('-' + arg.lstrip('-') for arg in mode)}.log"
    with jupyter_server([sys.executable, str(root / "scripts" / "launch.py"), *mode], cwd=scratch, env=env,
                        log_path=log_path, what="launch.py's server", answer_within=120) as (base, token, seconds):
        yield base, token, log_path, seconds


def record_timing(tmp_path: Path, **seconds):
    path = tmp_path / "timings.json"
    timings = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(timings | {k: round(v, 1) for k, v in seconds.items()}, indent=2) + "\n")
    print(f"timings: {seconds} (saved in {path})")


def test_instructor_mode_autogrades_a_submission_from_formgrader(tmp_path):
    require_chromium()
    root = course_copy(tmp_path)
    nbgrader(root, "generate_assignment", GRADED, "--force")  # the assignment and its grade cells in gradebook.db
    submission, points = filled_in_release(root)
    (root / "submitted" / "alice" / GRADED).mkdir(parents=True)
    nbformat.write(submission, root / "submitted" / "alice" / GRADED / f"{GRADED}.ipynb")
    page_errors = []
    with launched(root, tmp_path, "--instructor") as (base, token, log_path, start_seconds), \
            browser_page() as (page, expect):
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.goto(f"{base}/formgrader/manage_assignments?token={token}")
        names = page.locator("#main-table td.name")
        expect(names).to_have_count(len(ASSIGNMENTS))
        assert sorted(names.all_text_contents()) == ASSIGNMENTS and len(ASSIGNMENTS) == 13
        page.screenshot(path=str(tmp_path / "instructor-manage-assignments.png"), full_page=True)

        page.goto(f"{base}/formgrader/manage_submissions/{GRADED}?token={token}")
        row = page.locator("#main-table tr").filter(has=page.locator("td.student-id", has_text="alice"))
        expect(row.locator("td.status")).to_have_text("needs autograding")
        clicked = time.monotonic()
        row.locator("td.autograde a").click()
        expect(page.locator("#success-modal")).to_contain_text(f"Successfully autograded '{GRADED}' for student "
                                                               "'alice'.")
        autograde_seconds = time.monotonic() - clicked
        page.locator("#success-modal").get_by_role("button", name="Close").first.click()
        expect(page.locator("#success-modal")).to_be_hidden()
        expect(page.locator(".modal-backdrop")).to_have_count(0)
        full = f"{points:g} / {points:g}"
        expect(row.locator("td.score")).to_have_text(full)
        expect(row.locator("td.status")).to_have_text("graded")
        page.screenshot(path=str(tmp_path / "instructor-autograded.png"), full_page=True)

        # The Lab side serves the course root, and its Nbgrader menu leads to Formgrader.
        page.goto(f"{base}/lab?reset&token={token}")
        for folder in ("solutions", "notebooks", "submitted"):
            expect(page.locator(".jp-DirListing-itemText", has_text=folder)).to_be_visible()
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        expect(page.get_by_role("menuitem", name="Formgrader", exact=True)).to_be_visible()
        page.screenshot(path=str(tmp_path / "instructor-lab-nbgrader-menu.png"))
        log = log_path.read_text()  # before the server is stopped, which it logs as "[C] received signal 15"
    record_timing(tmp_path, instructor_start_to_listening=start_seconds, autograde_from_formgrader=autograde_seconds)
    assert (root / "gradebook.db").exists() and (root / "exchange").is_dir()  # at the course root
    assert not page_errors, page_errors
    assert not SERVER_ERROR.search(log), log


def menu_texts(page, expect) -> str:
    """The text of every top-level menu of JupyterLab's menu bar, each opened in turn."""
    texts = []
    titles = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_text_contents()
    assert "File" in titles and "Run" in titles, titles
    for title in titles:
        page.get_by_role("menuitem", name=title, exact=True).click()
        menu = page.locator(".lm-Menu").last
        expect(menu).to_be_visible()
        texts.append(f"{title}: {menu.text_content()}")
        page.keyboard.press("Escape")
    return "\n".join(texts)


def test_student_mode_shows_no_instructor_tool_and_validates(tmp_path):
    require_chromium()
    root = course_copy(tmp_path)
    filled, _ = filled_in_release(root)
    nbformat.write(filled, root / "notebooks" / GRADED / f"{GRADED}.ipynb")
    page_errors = []
    with launched(root, tmp_path) as (base, token, log_path, start_seconds), browser_page() as (page, expect):
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.goto(f"{base}/lab/tree/{GRADED}/{GRADED}.ipynb?reset&token={token}")
        status = page.locator("#jp-main-statusbar")
        expect(status).to_contain_text("| Idle")
        menus = menu_texts(page, expect)
        sidebars = " ".join(page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
            "tabs => tabs.map(tab => (tab.getAttribute('title') || '') + ' ' + tab.textContent)"))
        page.keyboard.press("Control+Shift+C")  # the command palette
        palette = page.locator("#command-palette input")
        expect(palette).to_be_visible()
        palette.fill("formgrader")
        expect(page.locator("#command-palette .lm-CommandPalette-content")).to_contain_text("No commands found")
        palette.fill("create assignment")
        expect(page.locator("#command-palette .lm-CommandPalette-content")).to_contain_text("No commands found")
        page.keyboard.press("Escape")
        for hidden in ("Formgrader", "Create Assignment", "Create assignment", "Nbgrader", "Assignment List",
                       "Course List"):
            assert hidden not in menus and hidden not in sidebars, (hidden, menus, sidebars)
        assert page.get_by_text("Jupyter news").count() == 0  # the news toast did not come up
        page.screenshot(path=str(tmp_path / "student-notebook.png"))

        started = time.monotonic()
        page.get_by_role("button", name="Validate", exact=True).click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_contain_text("Validation Results")
        expect(dialog).to_contain_text("Success! Your notebook passes all the tests.")
        validate_seconds = time.monotonic() - started
        page.screenshot(path=str(tmp_path / "student-validated.png"))
        log = log_path.read_text()  # before the server is stopped, which it logs as "[C] received signal 15"
    record_timing(tmp_path, student_start_to_listening=start_seconds, validate=validate_seconds)
    assert not page_errors, page_errors
    assert "nbgrader.server_extensions.formgrader" not in log and "validate_assignment" in log, log
    assert not SERVER_ERROR.search(log), log
