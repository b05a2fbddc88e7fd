"""scripts/launch.py: what each mode starts, with which environment and private configuration, and that
student mode hides exactly what binder/postBuild hides. No server is started here: tests/test_browser_instructor.py
starts real ones. Also: the files that hold student data are ignored by git."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from notebook_helpers import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import launch  # noqa: E402 -- scripts/ is not a package

PYTHON = "/course/.venv/bin/python"
COURSE = Path("/course")


def planned(argv, environ=None, root=False, exchange_configured=False):
    return launch.plan(argv, {"PATH": "/usr/bin:/bin"} if environ is None else environ, root,
                       exchange_configured, course_root=COURSE, python=PYTHON)


def page_config(plan):
    return json.loads(plan.files[plan.env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] / Path(
        "labconfig/page_config.json")])


def disabled_in_postbuild():
    """(lab plugins, server extensions) that binder/postBuild disables, read from its commands."""
    script = (REPO_ROOT / "binder" / "postBuild").read_text().replace("\\\n", " ")
    plugins, extensions = set(), set()
    for line in script.splitlines():
        words = line.split()
        if words[:3] == ["jupyter", "labextension", "disable"]:
            plugins |= {w for w in words[3:] if not w.startswith("--")}
        if words[:4] == ["jupyter", "server", "extension", "disable"]:
            extensions |= {w for w in words[4:] if not w.startswith("--")}
    return plugins, extensions


def test_student_mode_serves_notebooks_on_the_welcome_notebook():
    plan = planned([])
    assert plan.command[:2] == ["/course/.venv/bin/jupyter", "lab"]
    assert "--ServerApp.root_dir=/course/notebooks" in plan.command
    assert "/course/notebooks/00_welcome/00_welcome.ipynb" in plan.command
    assert (REPO_ROOT / launch.WELCOME).is_file()
    assert plan.cwd == COURSE and plan.exchange is None
    assert "--allow-root" not in plan.command


def test_student_mode_hides_what_binder_hides_and_nothing_of_the_user_is_touched():
    plan = planned([])
    plugins, extensions = disabled_in_postbuild()
    assert plugins and extensions
    assert set(page_config(plan)["disabledExtensions"]) == plugins
    assert all(page_config(plan)["disabledExtensions"].values())
    switched_off = {arg.split("=", 1)[1] for arg in plan.command if arg.startswith("--ServerApp.jpserver_extensions=")}
    assert switched_off == {f"{extension}=False" for extension in extensions}
    # Validate stays: neither its plugin nor its server extension is hidden.
    assert not any("validate" in name for name in plugins | extensions)
    # Every file written is under the course's private .launch/student folder, which only this server
    # reads (JUPYTER_CONFIG_PATH of its environment): no user or system configuration is written.
    private = COURSE / ".launch" / "student"
    assert plan.env["JUPYTER_CONFIG_PATH"] == str(private) and plan.private_config == private
    assert all(private in path.parents for path in plan.files)
    assert "JUPYTER_CONFIG_DIR" not in plan.env


def test_instructor_mode_serves_the_course_root_with_a_course_local_exchange():
    plan = planned(["--instructor", "--no-browser"])
    assert "--instructor" not in plan.command and plan.command[-1] == "--no-browser"
    assert "--ServerApp.root_dir=/course" in plan.command
    assert not any(arg.startswith("--ServerApp.jpserver_extensions") for arg in plan.command)
    assert not any(arg.endswith(".ipynb") for arg in plan.command)
    private = COURSE / ".launch" / "instructor"
    assert plan.private_config == private and all(private in path.parents for path in plan.files)
    assert page_config(plan)["disabledExtensions"] == {launch.NEWS_TOAST_PLUGIN: True}  # only the toast
    assert plan.exchange == COURSE / "exchange"
    assert json.loads(plan.files[private / "nbgrader_config.json"]) == {"Exchange": {"root": "/course/exchange"}}
    assert plan.cwd == COURSE  # nbgrader's gradebook.db is in the working directory


def test_instructor_mode_leaves_a_configured_exchange_alone():
    plan = planned(["--instructor"], exchange_configured=True)
    assert plan.exchange is None
    assert not any(path.name == "nbgrader_config.json" for path in plan.files)


@pytest.mark.parametrize("argv", [[], ["--instructor"]])
def test_the_server_and_its_kernels_get_the_venv_and_one_blas_thread(argv):
    plan = planned(argv, {"PATH": "/usr/bin:/bin", "HOME": "/home/x"}, root=True)
    assert plan.env["PATH"] == "/course/.venv/bin:/usr/bin:/bin"  # nbgrader runs alembic from there
    assert {name: plan.env[name] for name in launch.ONE_BLAS_THREAD} == {
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    assert plan.env["HOME"] == "/home/x"
    assert "--allow-root" in plan.command


def test_a_user_setting_wins_over_the_defaults():
    user = {"PATH": "/usr/bin", "OPENBLAS_NUM_THREADS": "4", "JUPYTER_CONFIG_PATH": "/mine"}
    plan = planned([], user)
    assert plan.env["OPENBLAS_NUM_THREADS"] == "4" and plan.env["OMP_NUM_THREADS"] == "1"
    assert plan.env["JUPYTER_CONFIG_PATH"] == os.pathsep.join([str(COURSE / ".launch" / "student"), "/mine"])
    assert user == {"PATH": "/usr/bin", "OPENBLAS_NUM_THREADS": "4", "JUPYTER_CONFIG_PATH": "/mine"}


def test_an_exchange_root_is_found_where_nbgrader_would_read_it(tmp_path, monkeypatch):
    course, user_config, prefix = tmp_path / "course", tmp_path / "user", tmp_path / "prefix"
    for folder in (course, user_config, prefix):
        folder.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'x'\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user_config))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(prefix))
    assert not launch.exchange_root_configured(course)
    (user_config / "nbgrader_config.json").write_text(json.dumps({"Exchange": {"root": "/srv/exchange"}}))
    assert launch.exchange_root_configured(course)
    (user_config / "nbgrader_config.json").unlink()
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.Exchange.root = '/srv/exchange'\n")
    assert launch.exchange_root_configured(course)


def test_the_course_configuration_sets_no_exchange(monkeypatch):
    """Otherwise instructor mode would never use the course-local exchange README describes."""
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", "/nonexistent")  # no user configuration
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "")
    assert not launch.exchange_root_configured(launch.REPO_ROOT)


def test_binder_start_gives_kernels_one_blas_thread_unless_set():
    start = REPO_ROOT / "binder" / "start"
    assert os.access(start, os.X_OK)
    show = [str(start), sys.executable, "-c",
            "import os; print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'],"
            " os.environ['MKL_NUM_THREADS'])"]
    clean = {k: v for k, v in os.environ.items() if k not in launch.ONE_BLAS_THREAD}
    assert subprocess.run(show, env=clean, capture_output=True, text=True, check=True).stdout.split() == ["1"] * 3
    overridden = subprocess.run(show, env={**clean, "OMP_NUM_THREADS": "3"}, capture_output=True, text=True,
                                check=True)
    assert overridden.stdout.split() == ["1", "3", "1"]


@pytest.mark.parametrize("path", [
    "gradebook.db", "grades.csv", "integrity_report.json", "submitted/alice/03_activations/03_activations.ipynb",
    "autograded/alice/03_activations/03_activations.ipynb", "feedback/alice/03_activations/03_activations.html",
    "exchange/nn-from-scratch/inbound/alice+03_activations+2026/03_activations.ipynb",
    ".gradebook-snapshot-abc/gradebook.db", ".launch/student/labconfig/page_config.json"])
def test_student_data_and_launch_state_are_ignored_by_git(path):
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git clone")
    result = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=REPO_ROOT)
    assert result.returncode == 0, f"{path} would be committed: add it to .gitignore"


def test_the_grader_writes_its_student_data_where_git_ignores_it():
    """grade.py's outputs, by the names it uses."""
    from autograde_tests.trusted import grade

    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git clone")
    names = [grade.REPORT_NAME, grade.GRADES_NAME, f"{grade.SNAPSHOT_PREFIX}x/gradebook.db"]
    result = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=REPO_ROOT, capture_output=True,
                            text=True)
    assert sorted(result.stdout.split()) == sorted(names)

